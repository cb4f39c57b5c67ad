from __future__ import annotations

import strawberry

from bankcore.approvals import request_reversal as request_reversal_service
from graphql_api.context import Context
from graphql_api.errors import UserError
from graphql_api.mutations._base import run
from graphql_api.types.approval import ApprovalRequestType


@strawberry.type(description="Result of requestReversal.")
class RequestReversalPayload:
    request: ApprovalRequestType | None = strawberry.field(default=None, description="The pending request; a different staff user must approve it.")
    user_errors: list[UserError] = strawberry.field(default_factory=list, description="Why it was refused.")


async def request_reversal(info: strawberry.Info[Context, None], entry_id: strawberry.ID, reason: str) -> RequestReversalPayload:
    async def act() -> RequestReversalPayload:
        from bankcore.errors import DomainError, ErrorCode

        if not str(entry_id).isdigit() or len(str(entry_id)) > 18:
            raise DomainError(ErrorCode.NOT_FOUND, f"no journal entry {str(entry_id)[:20]}", field="entry_id")
        request = await request_reversal_service(entry_id=int(entry_id), reason=reason[:1000], maker=info.context.actor)
        return RequestReversalPayload(request=ApprovalRequestType.from_model(request))

    return await run(RequestReversalPayload, act)

from __future__ import annotations

import strawberry

from bankcore.approvals import approve_request
from bankcore.models import JournalEntry
from graphql_api.context import Context
from graphql_api.errors import UserError
from graphql_api.mutations._base import run
from graphql_api.types.approval import ApprovalRequestType
from graphql_api.types.ledger import JournalEntryType


@strawberry.type(description="Result of approveReversal.")
class ApproveReversalPayload:
    request: ApprovalRequestType | None = strawberry.field(default=None, description="The request, now approved.")
    entry: JournalEntryType | None = strawberry.field(default=None, description="The reversing entry posted.")
    user_errors: list[UserError] = strawberry.field(default_factory=list, description="Why it was refused (APPROVAL_SAME_USER for the maker).")


async def approve_reversal(info: strawberry.Info[Context, None], request_id: strawberry.ID) -> ApproveReversalPayload:
    async def act() -> ApproveReversalPayload:
        from bankcore.errors import DomainError, ErrorCode

        if not str(request_id).isdigit() or len(str(request_id)) > 18:
            raise DomainError(ErrorCode.NOT_FOUND, "no such approval request", field="request_id")
        request, posted = await approve_request(request_id=int(request_id), checker=info.context.actor)
        entry = await JournalEntry.get(id=posted.entry_id)
        return ApproveReversalPayload(request=ApprovalRequestType.from_model(request), entry=JournalEntryType.from_model(entry))

    return await run(ApproveReversalPayload, act)

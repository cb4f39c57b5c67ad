from __future__ import annotations

import strawberry

from bankcore.errors import DomainError, ErrorCode
from bankcore.identity.staff import deactivate_staff_user as deactivate_service
from graphql_api.context import Context
from graphql_api.errors import UserError
from graphql_api.mutations._base import run


@strawberry.type(description="Result of deactivateStaffUser.")
class DeactivateStaffUserPayload:
    ended_sessions: int = strawberry.field(default=0, description="How many of the user's sessions ended at once.")
    user_errors: list[UserError] = strawberry.field(default_factory=list, description="NOT_FOUND, INVALID_INPUT (yourself).")


async def deactivate_staff_user(info: strawberry.Info[Context, None], staff_user_id: strawberry.ID) -> DeactivateStaffUserPayload:
    async def act() -> DeactivateStaffUserPayload:
        if not str(staff_user_id).isdigit() or len(str(staff_user_id)) > 18:
            raise DomainError(ErrorCode.NOT_FOUND, "no such staff user", field="staff_user_id")
        if int(staff_user_id) == info.context.principal.id:
            raise DomainError(ErrorCode.INVALID_INPUT, "you cannot deactivate yourself", field="staff_user_id")
        ended = await deactivate_service(staff_user_id=int(staff_user_id), actor=info.context.actor)
        return DeactivateStaffUserPayload(ended_sessions=ended)

    return await run(DeactivateStaffUserPayload, act)

from __future__ import annotations

import strawberry

from bankcore.errors import DomainError, ErrorCode
from bankcore.identity.credentials import unlock_member_portal
from bankcore.identity.staff import unlock_staff_user
from graphql_api.context import Context
from graphql_api.errors import UserError
from graphql_api.mutations._base import run


@strawberry.type(description="Result of unlockLogin.")
class UnlockLoginPayload:
    done: bool = strawberry.field(default=False, description="True when the lock is lifted and the failure count cleared.")
    user_errors: list[UserError] = strawberry.field(default_factory=list, description="NOT_FOUND, INVALID_INPUT.")


async def unlock_login(
    info: strawberry.Info[Context, None], staff_user_id: strawberry.ID | None = None, member_number: str | None = None
) -> UnlockLoginPayload:
    """Lift a sign-in lock early: a staff user's (by id) or a member's portal (by member number)."""

    async def act() -> UnlockLoginPayload:
        if (staff_user_id is None) == (member_number is None):
            raise DomainError(ErrorCode.INVALID_INPUT, "give either staffUserId or memberNumber")
        if member_number is not None:
            await unlock_member_portal(member_number=member_number.strip()[:20], actor=info.context.actor)
        else:
            if not str(staff_user_id).isdigit() or len(str(staff_user_id)) > 18:
                raise DomainError(ErrorCode.NOT_FOUND, "no such staff user", field="staff_user_id")
            await unlock_staff_user(staff_user_id=int(staff_user_id), actor=info.context.actor)
        return UnlockLoginPayload(done=True)

    return await run(UnlockLoginPayload, act)

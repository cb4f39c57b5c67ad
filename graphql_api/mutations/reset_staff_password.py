from __future__ import annotations

import strawberry

from bankcore.errors import DomainError, ErrorCode
from bankcore.identity.credentials import reset_staff_password as reset_service
from graphql_api.context import Context
from graphql_api.errors import UserError
from graphql_api.mutations._base import run


@strawberry.type(description="Result of resetStaffPassword.")
class ResetStaffPasswordPayload:
    done: bool = strawberry.field(default=False, description="True when the temporary password is set (the user must change it at the next sign-in).")
    user_errors: list[UserError] = strawberry.field(default_factory=list, description="NOT_FOUND, WEAK_PASSWORD.")


async def reset_staff_password(
    info: strawberry.Info[Context, None], staff_user_id: strawberry.ID, temporary_password: str
) -> ResetStaffPasswordPayload:
    async def act() -> ResetStaffPasswordPayload:
        if not str(staff_user_id).isdigit() or len(str(staff_user_id)) > 18:
            raise DomainError(ErrorCode.NOT_FOUND, "no such staff user", field="staff_user_id")
        await reset_service(staff_user_id=int(staff_user_id), temporary_password=temporary_password[:200],
                            actor=info.context.actor)
        return ResetStaffPasswordPayload(done=True)

    return await run(ResetStaffPasswordPayload, act)

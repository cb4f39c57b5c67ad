from __future__ import annotations

import strawberry

from bankcore.identity.staff import create_staff_user as create_staff_user_service
from graphql_api.context import Context
from graphql_api.errors import UserError
from graphql_api.mutations._base import run
from graphql_api.types.identity import StaffUserType, TotpEnrolmentType


@strawberry.input(description="A new staff user.")
class CreateStaffUserInput:
    username: str = strawberry.field(description="3-60 of a-z 0-9 . _ -")
    full_name: str = strawberry.field(description="Full name.")
    role: str = strawberry.field(description="admin, manager, accountant, clerk, cashier or auditor.")
    password: str = strawberry.field(description="Initial password, 8-64 characters, not a common one.")
    branch_code: str | None = strawberry.field(default=None, description="Branch the user works at.")


@strawberry.type(description="Result of createStaffUser.")
class CreateStaffUserPayload:
    staff_user: StaffUserType | None = strawberry.field(default=None, description="The new user.")
    totp: TotpEnrolmentType | None = strawberry.field(default=None, description="Their authenticator setup, to hand over once.")
    user_errors: list[UserError] = strawberry.field(default_factory=list, description="Why it was refused.")


async def create_staff_user(info: strawberry.Info[Context, None], input: CreateStaffUserInput) -> CreateStaffUserPayload:
    async def act() -> CreateStaffUserPayload:
        created = await create_staff_user_service(
            username=input.username[:60], full_name=input.full_name[:200], role=input.role[:20],
            password=input.password[:200], actor=info.context.actor, branch_code=input.branch_code,
        )
        return CreateStaffUserPayload(staff_user=StaffUserType.of(created.user), totp=TotpEnrolmentType.of(created.totp))

    return await run(CreateStaffUserPayload, act)

from __future__ import annotations

from datetime import date

import strawberry

from bankcore.services.members import register_member as register_member_service
from graphql_api.context import Context
from graphql_api.errors import UserError
from graphql_api.mutations._base import run
from graphql_api.scope import sees_full_identifiers
from graphql_api.types.enums import GenderEnum
from graphql_api.types.member import MemberType


@strawberry.input(description="A new member's particulars and KYC identifiers.")
class RegisterMemberInput:
    full_name: str = strawberry.field(description="Full name, 1-200 characters.")
    branch_code: str = strawberry.field(description="Home branch code.")
    date_of_birth: date | None = strawberry.field(default=None, description="Date of birth (not in the future).")
    gender: GenderEnum | None = strawberry.field(default=None, description="F, M or O.")
    mobile: str | None = strawberry.field(default=None, description="Indian mobile number, 10 digits (optionally +91).")
    email: str | None = strawberry.field(default=None, description="E-mail address.")
    address: str | None = strawberry.field(default=None, description="Postal address.")
    pan: str | None = strawberry.field(default=None, description="PAN, format ABCDE1234F.")
    aadhaar: str | None = strawberry.field(default=None, description="Aadhaar, 12 digits; only the last four are kept visible.")


@strawberry.type(description="Result of registerMember.")
class RegisterMemberPayload:
    member: MemberType | None = strawberry.field(default=None, description="The new member, KYC pending.")
    user_errors: list[UserError] = strawberry.field(default_factory=list, description="Why it was refused.")


async def register_member(info: strawberry.Info[Context, None], input: RegisterMemberInput) -> RegisterMemberPayload:
    async def act() -> RegisterMemberPayload:
        member = await register_member_service(
            full_name=input.full_name,
            branch_code=input.branch_code,
            date_of_birth=input.date_of_birth,
            gender=input.gender,
            mobile=input.mobile,
            email=input.email,
            address=input.address,
            pan=input.pan,
            aadhaar=input.aadhaar,
            registered_by=info.context.actor,
        )
        return RegisterMemberPayload(member=MemberType.from_model(member, full_identifiers=sees_full_identifiers(info.context)))

    return await run(RegisterMemberPayload, act)

from __future__ import annotations

import strawberry

from bankcore.errors import DomainError, ErrorCode
from bankcore.identity.contact_change import staff_update_contact
from bankcore.models import Member
from bankcore.services.members import update_contact_details
from graphql_api.context import Context, Role
from graphql_api.errors import UserError
from graphql_api.mutations._base import run
from graphql_api.scope import can_see_member, sees_full_identifiers
from graphql_api.types.member import MemberType


@strawberry.input(description="Contact details to change; omitted fields stay as they are.")
class UpdateMemberInput:
    member_number: str = strawberry.field(description="The member; a member may change only their own details.")
    mobile: str | None = strawberry.field(default=None, description="New Indian mobile number (staff; a member uses requestContactChange).")
    email: str | None = strawberry.field(default=None, description="New e-mail address (staff; a member uses requestContactChange).")
    address: str | None = strawberry.field(default=None, description="New postal address.")


@strawberry.type(description="Result of updateMember.")
class UpdateMemberPayload:
    member: MemberType | None = strawberry.field(default=None, description="The member after the change.")
    user_errors: list[UserError] = strawberry.field(default_factory=list, description="Why it was refused.")


async def update_member(info: strawberry.Info[Context, None], input: UpdateMemberInput) -> UpdateMemberPayload:
    async def act() -> UpdateMemberPayload:
        ctx = info.context
        number = input.member_number.strip()[:20]
        target = await Member.get_or_none(member_number=number).only("id")
        if target is None or not can_see_member(ctx, target.id):
            raise DomainError(ErrorCode.NOT_FOUND, f"no member {number}", field="member_number")
        own = ctx.role is Role.MEMBER
        if own and (input.mobile is not None or input.email is not None):
            # The mobile and e-mail receive one-time codes: a member changes them only with a
            # code sent to the new one (requestContactChange). Asked before anything is checked,
            # so the answer says nothing about who else uses the number.
            raise DomainError(ErrorCode.STEP_UP_REQUIRED, "a new mobile number or e-mail is confirmed with a code "
                              "sent to it: use requestContactChange", field="mobile" if input.mobile is not None else "email")
        if own:
            member = await update_contact_details(member_number=number, address=input.address)
        else:
            member = await staff_update_contact(member_number=number, actor=ctx.actor, mobile=input.mobile,
                                                email=input.email, address=input.address)
        return UpdateMemberPayload(member=MemberType.from_model(member, full_identifiers=own or sees_full_identifiers(ctx)))

    return await run(UpdateMemberPayload, act)

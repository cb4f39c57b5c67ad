from __future__ import annotations

import strawberry

from bankcore.identity.members_portal import enrol_member_totp
from bankcore.identity.staff import enrol_totp as enrol_staff_totp
from graphql_api.context import Context, Role
from graphql_api.errors import UserError
from graphql_api.mutations._base import run
from graphql_api.types.identity import TotpEnrolmentType


@strawberry.type(description="Result of enrolTotp.")
class EnrolTotpPayload:
    enrolment: TotpEnrolmentType | None = strawberry.field(default=None, description="The new secret, URI and QR code (old codes stop working).")
    user_errors: list[UserError] = strawberry.field(default_factory=list, description="Why it was refused.")


async def enrol_totp(info: strawberry.Info[Context, None], staff_user_id: strawberry.ID | None = None) -> EnrolTotpPayload:
    """Set up (or replace) the caller's authenticator app; an admin may do it for another staff user."""

    async def act() -> EnrolTotpPayload:
        ctx = info.context
        p = ctx.principal
        if ctx.role is Role.MEMBER:
            return EnrolTotpPayload(enrolment=TotpEnrolmentType.of(await enrol_member_totp(member_id=p.member_id, actor=ctx.actor)))
        target = p.id
        if staff_user_id is not None and ctx.role is Role.ADMIN and str(staff_user_id).isdigit():
            target = int(staff_user_id)
        return EnrolTotpPayload(enrolment=TotpEnrolmentType.of(await enrol_staff_totp(staff_user_id=target, actor=ctx.actor)))

    return await run(EnrolTotpPayload, act)

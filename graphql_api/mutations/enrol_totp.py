from __future__ import annotations

from typing import Annotated

import strawberry

from bankcore.identity.factor_change import replace_member_totp, replace_staff_totp
from bankcore.identity.staff import enrol_totp as enrol_staff_totp
from graphql_api.context import Context, Role
from graphql_api.errors import UserError
from graphql_api.mutations._base import run
from graphql_api.types.identity import TotpEnrolmentType


@strawberry.type(description="Result of enrolTotp.")
class EnrolTotpPayload:
    enrolment: TotpEnrolmentType | None = strawberry.field(default=None, description="The new secret, URI and QR code (old codes stop working).")
    user_errors: list[UserError] = strawberry.field(default_factory=list, description="Why it was refused (STEP_UP_REQUIRED, INVALID_CREDENTIALS, CODE_INVALID, ACCOUNT_LOCKED ...).")


async def enrol_totp(
    info: strawberry.Info[Context, None],
    staff_user_id: strawberry.ID | None = None,
    current_password: Annotated[str | None, strawberry.argument(description="The caller's current password (required for their own authenticator).")] = None,
    current_code: Annotated[str | None, strawberry.argument(description="A code from the authenticator being replaced (required when one is enrolled).")] = None,
) -> EnrolTotpPayload:
    """Set up (or replace) the caller's authenticator app after a step-up; an admin may reset another staff user's."""

    async def act() -> EnrolTotpPayload:
        ctx = info.context
        p = ctx.principal
        password = current_password[:200] if current_password else None
        code = current_code.strip()[:12] if current_code else None
        if ctx.role is Role.MEMBER:
            enrolment = await replace_member_totp(member_id=p.member_id, current_password=password, current_code=code,
                                                  actor=ctx.actor)
            return EnrolTotpPayload(enrolment=TotpEnrolmentType.of(enrolment))
        if staff_user_id is not None and ctx.role is Role.ADMIN and str(staff_user_id).isdigit() \
                and int(staff_user_id) != p.id:
            # An admin resets another user's authenticator (a lost phone): audited as the admin's act.
            return EnrolTotpPayload(enrolment=TotpEnrolmentType.of(
                await enrol_staff_totp(staff_user_id=int(staff_user_id), actor=ctx.actor)))
        enrolment = await replace_staff_totp(staff_user_id=p.id, current_password=password, current_code=code,
                                             actor=ctx.actor)
        return EnrolTotpPayload(enrolment=TotpEnrolmentType.of(enrolment))

    return await run(EnrolTotpPayload, act)

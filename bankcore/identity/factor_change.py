"""Step-up before a second factor changes hands (issue 8 item 2).

Replacing an enrolled authenticator app needs the current password *and* a current code
from that app: a stolen session alone (a café computer left signed in) must not be able
to move the second factor to the thief's phone. A member who still receives codes by SMS
and sets up an app for the first time proves the password. An admin resetting another
staff user's authenticator (lost phone) needs neither, and is audited as such.

Wrong answers count toward the lockout, as at sign-in.
"""

from __future__ import annotations

from datetime import datetime

from tortoise.expressions import Q

from bankcore.audit import append_audit
from bankcore.errors import DomainError, ErrorCode
from bankcore.identity import lockout, totp
from bankcore.identity.clock import utcnow
from bankcore.identity.members_portal import enrol_member_totp
from bankcore.identity.passwords import verify_password
from bankcore.identity.staff import enrol_totp
from bankcore.identity.totp_store import totp_secret_of
from bankcore.models import AuditOutcome, MemberCredential, StaffUser


async def verify_current_factors(
    model: type[StaffUser] | type[MemberCredential], row: StaffUser | MemberCredential, *,
    current_password: str | None, current_code: str | None, actor: str, now: datetime,
) -> None:
    """Check the password and, when an authenticator is enrolled, a current code from it.

    Raises ``DomainError``: ``STEP_UP_REQUIRED`` (one of them missing; ``field`` names
    which), ``INVALID_CREDENTIALS`` (wrong password), ``CODE_INVALID`` (wrong or reused
    code), ``ACCOUNT_LOCKED``. Failures are audited and count toward the lockout.
    """
    if not current_password:
        raise DomainError(ErrorCode.STEP_UP_REQUIRED, "enter your current password", field="current_password")
    secret = totp_secret_of(row)
    if secret and not current_code:
        raise DomainError(ErrorCode.STEP_UP_REQUIRED, "enter a code from your current authenticator app",
                          field="current_code")
    if lockout.is_locked(row.locked_until, now):
        raise DomainError(ErrorCode.ACCOUNT_LOCKED, "too many failed attempts, try again in 30 minutes")
    failure: DomainError | None = None
    if not (await verify_password(row.password_hash, current_password)).ok:
        failure = DomainError(ErrorCode.INVALID_CREDENTIALS, "wrong password", field="current_password")
    elif secret:
        step = totp.matching_step(secret, current_code or "", now=now, last_used_step=row.totp_last_step)
        accepted = step is not None and bool(
            await model.filter(Q(totp_last_step__isnull=True) | Q(totp_last_step__lt=step), id=row.id).update(
                totp_last_step=step)
        )
        if not accepted:
            failure = DomainError(ErrorCode.CODE_INVALID, "wrong or already used code", field="current_code")
    if failure is None:
        return
    locked = await lockout.record_failure(model, row.id, now=now)
    await append_audit(actor=actor, action="identity.step_up", outcome=AuditOutcome.DENIED,
                       object_type=model._meta.db_table, object_id=row.id,
                       details={"reason": failure.code.value + (", account now locked" if locked else "")}, now=now)
    if locked:
        raise DomainError(ErrorCode.ACCOUNT_LOCKED, "too many failed attempts, try again in 30 minutes")
    raise failure


async def replace_staff_totp(
    *, staff_user_id: int, current_password: str | None, current_code: str | None, actor: str,
    now: datetime | None = None,
) -> totp.TotpEnrolment:
    """A staff user replaces their own authenticator after proving password and current code."""
    now = now or utcnow()
    user = await StaffUser.get_or_none(id=staff_user_id)
    if user is None:
        raise DomainError(ErrorCode.NOT_FOUND, "no such staff user", field="staff_user_id")
    await verify_current_factors(StaffUser, user, current_password=current_password, current_code=current_code,
                                 actor=actor, now=now)
    return await enrol_totp(staff_user_id=staff_user_id, actor=actor)


async def replace_member_totp(
    *, member_id: int, current_password: str | None, current_code: str | None, actor: str,
    now: datetime | None = None,
) -> totp.TotpEnrolment:
    """A member sets up (password) or replaces (password and current code) their authenticator app."""
    now = now or utcnow()
    credential = await MemberCredential.get_or_none(member_id=member_id)
    if credential is None:
        raise DomainError(ErrorCode.NOT_FOUND, "member has no portal access", field="member_id")
    await verify_current_factors(MemberCredential, credential, current_password=current_password,
                                 current_code=current_code, actor=actor, now=now)
    return await enrol_member_totp(member_id=member_id, actor=actor)

"""Staff users: creation, TOTP enrolment, two-step sign-in, deactivation.

Sign-in (ARCHITECTURE.md 4): ``begin_staff_sign_in`` checks username and password and
returns a challenge; ``complete_staff_sign_in`` checks the TOTP code and opens a session.
Both answer ``INVALID_CREDENTIALS`` alike for an unknown user, a wrong password, an
inactive or a locked account (see ``lockout`` for why locks are not announced there).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime

from tortoise.exceptions import IntegrityError
from tortoise.expressions import Q
from tortoise.transactions import in_transaction

from bankcore.audit import append_audit
from bankcore.errors import DomainError, ErrorCode
from bankcore.identity import challenges, lockout, totp
from bankcore.identity.challenges import ChallengeIssued
from bankcore.identity.clock import utcnow
from bankcore.identity.passwords import (
    check_password_policy,
    hash_password,
)
from bankcore.identity.sessions import IssuedSession, open_session, revoke_sessions_of
from bankcore.identity.totp_store import store_totp_secret, totp_secret_of
from bankcore.models import (
    AuditOutcome,
    Branch,
    PrincipalKind,
    SecondFactor,
    StaffRole,
    StaffUser,
)

USERNAME_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{2,59}$")


@dataclass(frozen=True, slots=True)
class NewStaffUser:
    """A created staff user and the TOTP enrolment to hand over once (secret, URI, QR)."""

    user: StaffUser
    totp: totp.TotpEnrolment


def normalise_username(username: str) -> str:
    """NFKC, trimmed, lower-case: how usernames are stored and looked up."""
    return unicodedata.normalize("NFKC", username).strip().casefold()


async def create_staff_user(
    *,
    username: str,
    full_name: str,
    role: StaffRole | str,
    password: str,
    actor: str,
    branch_code: str | None = None,
    now: datetime | None = None,
) -> NewStaffUser:
    """Create an active staff user with a TOTP secret; returns the user and the enrolment.

    ``username``: 3-60 of ``a-z 0-9 . _ -`` (stored lower-case). ``password`` must pass the
    policy (``passwords.check_password_policy``). ``actor`` names who did it, for the audit log.

    Raises ``DomainError``: ``INVALID_INPUT`` (username, full name or role),
    ``WEAK_PASSWORD``, ``NOT_FOUND`` (branch), ``DUPLICATE_USERNAME``.
    """
    now = now or utcnow()
    name = normalise_username(username)
    if not USERNAME_RE.match(name):
        raise DomainError(ErrorCode.INVALID_INPUT, "username must be 3-60 of a-z, 0-9, '.', '_', '-'", field="username")
    full = " ".join(full_name.split())
    if not 1 <= len(full) <= 200:
        raise DomainError(ErrorCode.INVALID_INPUT, "full name must be 1-200 characters", field="full_name")
    try:
        role = StaffRole(role)
    except ValueError:
        raise DomainError(ErrorCode.INVALID_INPUT, f"unknown role {role}", field="role") from None
    branch = None
    if branch_code is not None:
        branch = await Branch.get_or_none(code=branch_code)
        if branch is None:
            raise DomainError(ErrorCode.NOT_FOUND, f"no branch {branch_code}", field="branch_code")
    clean = check_password_policy(password, context=(name, *full.split()))
    password_hash = await hash_password(clean)
    secret = totp.new_secret()
    try:
        async with in_transaction():
            user = await StaffUser.create(
                username=name, full_name=full, role=role, branch=branch, password_hash=password_hash, created_at=now,
            )
            await store_totp_secret(StaffUser, user.id, secret)
            await append_audit(
                actor=actor, action="staff.create", outcome=AuditOutcome.OK, object_type="staff_user",
                object_id=user.id, details={"username": name, "role": role}, now=now,
            )
    except IntegrityError:
        raise DomainError(ErrorCode.DUPLICATE_USERNAME, f"username {name} is taken", field="username") from None
    return NewStaffUser(user, totp.enrolment(secret, account_name=name))


async def create_admin(
    *, username: str, full_name: str, password: str, force: bool = False, actor: str = "cli"
) -> NewStaffUser:
    """Create an ``admin`` staff user (the first one, from the command line).

    Refuses with ``DomainError(ADMIN_EXISTS)`` if an active admin already exists, unless
    ``force``; otherwise raises as ``create_staff_user``.
    """
    if not force and await StaffUser.filter(role=StaffRole.ADMIN, active=True).exists():
        raise DomainError(ErrorCode.ADMIN_EXISTS, "an admin already exists (use --force to add another)")
    return await create_staff_user(
        username=username, full_name=full_name, role=StaffRole.ADMIN, password=password, actor=actor
    )


async def enrol_totp(*, staff_user_id: int, actor: str) -> totp.TotpEnrolment:
    """Give staff user ``staff_user_id`` a new TOTP secret (the old app stops working); returns the enrolment.

    Raises ``DomainError(NOT_FOUND)``.
    """
    user = await StaffUser.get_or_none(id=staff_user_id)
    if user is None:
        raise DomainError(ErrorCode.NOT_FOUND, "no such staff user", field="staff_user_id")
    secret = totp.new_secret()
    await store_totp_secret(StaffUser, user.id, secret)
    await append_audit(actor=actor, action="staff.enrol_totp", outcome=AuditOutcome.OK, object_type="staff_user",
                       object_id=user.id)
    return totp.enrolment(secret, account_name=user.username)


async def set_staff_password(*, staff_user_id: int, password: str, actor: str, now: datetime | None = None) -> None:
    """Set a new password (admin reset or self-service) and end the user's sessions.

    Raises ``DomainError``: ``NOT_FOUND``, ``WEAK_PASSWORD``.
    """
    user = await StaffUser.get_or_none(id=staff_user_id)
    if user is None:
        raise DomainError(ErrorCode.NOT_FOUND, "no such staff user", field="staff_user_id")
    clean = check_password_policy(password, context=(user.username, *user.full_name.split()))
    await StaffUser.filter(id=user.id).update(password_hash=await hash_password(clean))
    await append_audit(actor=actor, action="staff.set_password", outcome=AuditOutcome.OK, object_type="staff_user",
                       object_id=user.id)
    await revoke_sessions_of(
        kind=PrincipalKind.STAFF, principal_id=user.id, reason="password changed", actor=actor, now=now
    )


async def deactivate_staff_user(*, staff_user_id: int, actor: str, now: datetime | None = None) -> int:
    """Deactivate a staff user and end their sessions at once; returns how many sessions ended.

    Raises ``DomainError(NOT_FOUND)``.
    """
    if not await StaffUser.filter(id=staff_user_id).update(active=False):
        raise DomainError(ErrorCode.NOT_FOUND, "no such staff user", field="staff_user_id")
    await append_audit(actor=actor, action="staff.deactivate", outcome=AuditOutcome.OK, object_type="staff_user",
                       object_id=staff_user_id)
    return await revoke_sessions_of(kind=PrincipalKind.STAFF, principal_id=staff_user_id, reason="user deactivated",
                                    actor=actor, now=now)


async def unlock_staff_user(*, staff_user_id: int, actor: str) -> None:
    """Lift a sign-in lock early and clear the failure count. Raises ``DomainError(NOT_FOUND)``."""
    if not await StaffUser.filter(id=staff_user_id).exists():
        raise DomainError(ErrorCode.NOT_FOUND, "no such staff user", field="staff_user_id")
    await lockout.unlock(StaffUser, staff_user_id)
    await append_audit(actor=actor, action="staff.unlock", outcome=AuditOutcome.OK, object_type="staff_user",
                       object_id=staff_user_id)


async def begin_staff_sign_in(*, username: str, password: str, now: datetime | None = None) -> ChallengeIssued:
    """First step: username and password. Returns a TOTP challenge.

    Raises ``DomainError``: ``INVALID_CREDENTIALS`` for an unknown user, a wrong
    password, an inactive or locked account (indistinguishable, and as slow as each
    other: a dummy hash is verified when there is no real one to check);
    ``SECOND_FACTOR_UNAVAILABLE`` after a correct password when no TOTP is enrolled.
    A wrong password counts toward the lockout. Every outcome is audited as ``staff.sign_in``.
    """
    now = now or utcnow()
    name = normalise_username(username)
    user = await StaffUser.get_or_none(username=name)
    reason = await lockout.refuse_password(StaffUser, user, password, now=now, missing="unknown user")
    if reason is not None:
        await append_audit(
            actor="anonymous", action="staff.sign_in", outcome=AuditOutcome.DENIED, object_type="staff_user",
            object_id=user.id if user else None, details={"username": lockout.masked_login(name), "reason": reason},
            now=now,
        )
        raise DomainError(ErrorCode.INVALID_CREDENTIALS, "wrong username or password")
    assert user is not None
    if not user.totp_secret:
        raise DomainError(ErrorCode.SECOND_FACTOR_UNAVAILABLE, "no authenticator enrolled, ask an admin")
    token, challenge = await challenges.issue_challenge(
        kind=PrincipalKind.STAFF, principal_id=user.id, method=SecondFactor.TOTP, now=now
    )
    return ChallengeIssued(token, SecondFactor.TOTP, challenge.expires_at)


async def complete_staff_sign_in(*, challenge_token: str, code: str, now: datetime | None = None) -> IssuedSession:
    """Second step: the TOTP code for a challenge. Opens a session (15 min idle, 12 h absolute).

    The code must match the current 30 s step or one either side, and a step may be used
    once: a replayed code is refused. Raises ``DomainError``: ``CHALLENGE_EXPIRED``
    (unknown, used, expired or exhausted challenge), ``CODE_INVALID`` (wrong or replayed
    code: counts toward the lockout), ``ACCOUNT_LOCKED`` (the account is locked, possibly
    by this very failure), ``INVALID_CREDENTIALS`` (user deactivated meanwhile).
    """
    now = now or utcnow()
    challenge = await challenges.open_challenge(challenge_token, kind=PrincipalKind.STAFF, now=now)
    user = await StaffUser.get(id=challenge.principal_id)
    refusal = await _second_factor_refusal(challenge, user, code, now)
    if refusal is not None:
        raise refusal
    if not await challenges.consume(challenge, now=now):
        raise DomainError(ErrorCode.CHALLENGE_EXPIRED, "sign-in expired, please start again")
    await lockout.record_success(StaffUser, user.id, now=now)
    session = await open_session(kind=PrincipalKind.STAFF, principal_id=user.id, now=now)
    await append_audit(
        actor=f"staff:{user.id}", action="staff.sign_in", outcome=AuditOutcome.OK, object_type="session",
        object_id=session.session_id, now=now,
    )
    return session


async def _second_factor_refusal(
    challenge, user: StaffUser, code: str, now: datetime
) -> DomainError | None:
    """Check the TOTP step for a staff challenge; the error to raise, or None if accepted."""
    if not user.active:
        await challenges.consume(challenge, now=now)
        return DomainError(ErrorCode.INVALID_CREDENTIALS, "wrong username or password")
    if lockout.is_locked(user.locked_until, now):
        await challenges.consume(challenge, now=now)
        await _audit_second_factor(user.id, "account locked", now)
        return DomainError(ErrorCode.ACCOUNT_LOCKED, "too many failed attempts, try again in 30 minutes")
    attempt = await challenges.take_attempt(challenge, now=now)
    step = totp.matching_step(totp_secret_of(user) or "", code, now=now, last_used_step=user.totp_last_step)
    accepted = False
    if step is not None:
        # Record the step only if it is newer than the stored one: two requests racing with
        # the same code cannot both win.
        accepted = bool(
            await StaffUser.filter(Q(totp_last_step__isnull=True) | Q(totp_last_step__lt=step), id=user.id).update(
                totp_last_step=step
            )
        )
    if accepted:
        return None
    locked = await lockout.record_failure(StaffUser, user.id, now=now)
    await _audit_second_factor(user.id, "wrong or reused code" + (", account now locked" if locked else ""), now)
    if locked:
        await challenges.consume(challenge, now=now)
        return DomainError(ErrorCode.ACCOUNT_LOCKED, "too many failed attempts, try again in 30 minutes")
    if await challenges.wrong_code(challenge, attempt, now=now):
        return DomainError(ErrorCode.CHALLENGE_EXPIRED, "too many wrong codes, please start again")
    return DomainError(ErrorCode.CODE_INVALID, "wrong code", field="code")


async def _audit_second_factor(user_id: int, reason: str, now: datetime) -> None:
    await append_audit(
        actor="anonymous", action="staff.sign_in", outcome=AuditOutcome.DENIED, object_type="staff_user",
        object_id=user_id, details={"step": "totp", "reason": reason}, now=now,
    )

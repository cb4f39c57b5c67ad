"""Credentials for every member and staff user (issue 9 item 4), and sessions people manage themselves (item 5).

Members: a clerk grants portal access to a registered member (``grant_portal_access``);
the member then chooses a password with a code sent to the registered mobile plus their
date of birth (``request_password_reset`` / ``complete_password_reset``), which is also the
"Forgot password" path. Signed in, anyone changes their own password with the current one
(``change_own_password``). An admin resets a staff password to a temporary one that must be
changed at the next sign-in (``reset_staff_password``); a manager unlocks a locked login.

Sessions: everyone sees their own live sessions and ends any of them; an admin sees and
ends any staff session.

No oracle: ``request_password_reset`` answers the same whether or not the login exists,
has portal access, or the date of birth matches; only the code sent to the registered
mobile lets anyone continue.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from tortoise.expressions import Q

from bankcore.audit import append_audit
from bankcore.errors import DomainError, ErrorCode
from bankcore.identity import challenges, lockout
from bankcore.identity.challenges import ChallengeIssued
from bankcore.identity.clock import utcnow
from bankcore.identity.members_portal import _check_code, _find_member, send_code_to, set_member_password
from bankcore.identity.notifications import deliver, enqueue_notification
from bankcore.identity.passwords import check_password_policy, hash_password, verify_password
from bankcore.identity.sessions import _alive, revoke_session, revoke_sessions_of
from bankcore.models import (
    AuditOutcome,
    AuthSession,
    Member,
    MemberCredential,
    NotificationChannel,
    PrincipalKind,
    SecondFactor,
    StaffUser,
)

# What ``password_hash`` holds while a member has portal access but has not chosen a
# password: no argon2 hash, so no password ever matches it.
NO_PASSWORD = "!"


async def grant_portal_access(*, member_number: str, actor: str, now: datetime | None = None) -> Member:
    """Give a registered member portal access; they choose a password themselves with a code.

    Sends an SMS to the registered mobile saying how to set the password. Raises
    ``DomainError``: ``NOT_FOUND`` (member), ``SECOND_FACTOR_UNAVAILABLE`` (no mobile on
    record), ``INVALID_INPUT`` (no date of birth on record, or access already granted).
    """
    now = now or utcnow()
    member = await Member.get_or_none(member_number=member_number.strip())
    if member is None:
        raise DomainError(ErrorCode.NOT_FOUND, f"no member {member_number}", field="member_number")
    if not member.mobile:
        raise DomainError(ErrorCode.SECOND_FACTOR_UNAVAILABLE, "record the member's mobile number first",
                          field="member_number")
    if member.date_of_birth is None:
        raise DomainError(ErrorCode.INVALID_INPUT, "record the member's date of birth first (it is asked when "
                          "they set their password)", field="member_number")
    credential = await MemberCredential.get_or_none(member_id=member.id)
    if credential is not None and credential.active:
        raise DomainError(ErrorCode.INVALID_INPUT, "this member already has portal access", field="member_number")
    if credential is None:
        await MemberCredential.create(member=member, password_hash=NO_PASSWORD)
    else:
        await MemberCredential.filter(id=credential.id).update(active=True, failed_attempts=0, locked_until=None)
    await append_audit(actor=actor, action="member.grant_portal", outcome=AuditOutcome.OK, object_type="member",
                       object_id=member.id, now=now)
    invite = await enqueue_notification(
        channel=NotificationChannel.SMS, recipient=member.mobile, now=now,
        body="Your coopbank online banking is ready. Open the sign-in page, choose 'Set or forgot password', "
        "and enter your member number and date of birth.",
    )
    await deliver(invite, now=now)
    return member


async def request_password_reset(*, login: str, date_of_birth: date, now: datetime | None = None) -> ChallengeIssued:
    """Start setting (or resetting) a member's password: a code goes to the registered mobile.

    ``login`` is the member number or mobile. The answer is the same whatever the facts
    (unknown login, no portal access, wrong date of birth, no mobile): a challenge token and
    "a code was sent to your registered mobile"; a code is sent only when everything matches.
    """
    now = now or utcnow()
    member = await _find_member(login)
    credential = await MemberCredential.get_or_none(member_id=member.id) if member else None
    matches = bool(member and credential and credential.active and member.mobile and member.date_of_birth == date_of_birth
                   and not lockout.is_locked(credential.locked_until, now))
    token, challenge = await challenges.issue_challenge(
        kind=PrincipalKind.MEMBER, principal_id=member.id if matches and member else 0, method=SecondFactor.CODE,
        now=now, purpose=challenges.PASSWORD,
    )
    if matches and member is not None:
        await send_code_to(challenge, token, member, channel=NotificationChannel.SMS, recipient=member.mobile or "",
                           now=now, purpose="password")
    await append_audit(actor="anonymous", action="member.password_reset.request",
                       outcome=AuditOutcome.OK if matches else AuditOutcome.DENIED, object_type="member",
                       object_id=member.id if member else None,
                       details={"login": lockout.masked_login(login), "sent": matches}, now=now)
    return ChallengeIssued(token, SecondFactor.CODE, challenge.expires_at, "your registered mobile")


async def complete_password_reset(
    *, challenge_token: str, code: str, new_password: str, now: datetime | None = None
) -> int:
    """Set the member's new password when ``code`` is the one sent; returns the member id.

    Clears a lock and ends every session of the member. Raises ``DomainError``:
    ``CHALLENGE_EXPIRED``, ``CODE_INVALID`` (counts toward the portal lockout),
    ``WEAK_PASSWORD`` (the code is not used up: choose another password and send again).
    """
    now = now or utcnow()
    challenge = await challenges.open_challenge(challenge_token, kind=PrincipalKind.MEMBER, now=now,
                                                purpose=challenges.PASSWORD)
    member = await Member.get_or_none(id=challenge.principal_id) if challenge.principal_id else None
    if member is not None:
        # Check the policy first, without taking an attempt, so a weak choice costs nothing.
        check_password_policy(new_password, context=(member.member_number, member.mobile and member.mobile[-10:],
                                                     *member.full_name.split()))
    attempt = await challenges.take_attempt(challenge, now=now)
    ok = member is not None and await _check_code(challenge, challenge_token, None, code, now)
    if not ok:
        credential = await MemberCredential.get_or_none(member_id=member.id) if member else None
        if credential is not None:
            await lockout.record_failure(MemberCredential, credential.id, now=now)
        if await challenges.wrong_code(challenge, attempt, now=now):
            raise DomainError(ErrorCode.CHALLENGE_EXPIRED, "too many wrong codes, please start again")
        raise DomainError(ErrorCode.CODE_INVALID, "wrong code", field="code")
    assert member is not None
    if not await challenges.consume(challenge, now=now):
        raise DomainError(ErrorCode.CHALLENGE_EXPIRED, "this code was used already")
    await set_member_password(member_id=member.id, password=new_password, actor=f"member:{member.id}", now=now)
    await revoke_sessions_of(kind=PrincipalKind.MEMBER, principal_id=member.id, reason="password changed",
                             actor=f"member:{member.id}", now=now)
    return member.id


async def change_own_password(
    *, kind: PrincipalKind, principal_id: int, current_password: str, new_password: str,
    keep_session_id: int | None = None, now: datetime | None = None,
) -> int:
    """A signed-in staff user or member changes their password; their other sessions end.

    Returns how many other sessions ended. Raises ``DomainError``: ``INVALID_CREDENTIALS``
    (wrong current password, counts toward the lockout), ``ACCOUNT_LOCKED``,
    ``WEAK_PASSWORD``, ``INVALID_INPUT`` (the new password is the current one).
    """
    now = now or utcnow()
    actor = f"{kind}:{principal_id}"
    if kind is PrincipalKind.STAFF:
        model: type[StaffUser] | type[MemberCredential] = StaffUser
        row = await StaffUser.get(id=principal_id)
        context: tuple[str | None, ...] = (row.username, *row.full_name.split())
    elif kind is PrincipalKind.MEMBER:
        model = MemberCredential
        row = await MemberCredential.get(member_id=principal_id).select_related("member")
        m = row.member
        context = (m.member_number, m.mobile and m.mobile[-10:], *m.full_name.split())
    else:
        raise DomainError(ErrorCode.INVALID_INPUT, "partners have no password")
    if lockout.is_locked(row.locked_until, now):
        raise DomainError(ErrorCode.ACCOUNT_LOCKED, "too many failed attempts, try again in 30 minutes")
    if not (await verify_password(row.password_hash, current_password)).ok:
        locked = await lockout.record_failure(model, row.id, now=now)
        await append_audit(actor=actor, action="identity.change_password", outcome=AuditOutcome.DENIED,
                           object_type=model._meta.db_table, object_id=row.id,
                           details={"reason": "wrong current password" + (", account now locked" if locked else "")},
                           now=now)
        if locked:
            raise DomainError(ErrorCode.ACCOUNT_LOCKED, "too many failed attempts, try again in 30 minutes")
        raise DomainError(ErrorCode.INVALID_CREDENTIALS, "the current password is wrong", field="current_password")
    clean = check_password_policy(new_password, context=context)
    if (await verify_password(row.password_hash, clean)).ok:
        raise DomainError(ErrorCode.INVALID_INPUT, "choose a password different from the current one",
                          field="new_password")
    updates = {"password_hash": await hash_password(clean), "failed_attempts": 0, "locked_until": None}
    if kind is PrincipalKind.STAFF:
        updates["must_change_password"] = False
    await model.filter(id=row.id).update(**updates)
    await append_audit(actor=actor, action="identity.change_password", outcome=AuditOutcome.OK,
                       object_type=model._meta.db_table, object_id=row.id, now=now)
    await _tell_password_changed(kind, principal_id)
    return await _end_other_sessions(kind, principal_id, keep_session_id, reason="password changed", actor=actor,
                                     now=now)


async def _tell_password_changed(kind: PrincipalKind, principal_id: int) -> None:
    """The security notice of issue 14: a member by inbox and SMS (always, whatever their
    channels: ``MANDATORY_SMS_KINDS``) and e-mail as chosen; a staff user in their inbox."""
    from bankcore.notifications import notify, notify_staff

    if kind is PrincipalKind.MEMBER:
        await notify(member_id=principal_id, kind="password_changed")
    elif kind is PrincipalKind.STAFF:
        await notify_staff(staff_id=principal_id, kind="password_changed")


async def _end_other_sessions(kind: PrincipalKind, principal_id: int, keep: int | None, *, reason: str, actor: str,
                              now: datetime) -> int:
    ids = await AuthSession.filter(principal_kind=kind, principal_id=principal_id, revoked_at__isnull=True,
                                   expires_at__gt=now).values_list("id", flat=True)
    ended = 0
    for session_id in sorted(ids):
        if session_id != keep:
            ended += await revoke_session(session_id=session_id, reason=reason, actor=actor, now=now)
    return ended


async def reset_staff_password(*, staff_user_id: int, temporary_password: str, actor: str,
                               now: datetime | None = None) -> None:
    """An admin sets a temporary password; the user must choose a new one at the next sign-in.

    Ends the user's sessions and lifts any lock. Raises ``DomainError``: ``NOT_FOUND``, ``WEAK_PASSWORD``.
    """
    now = now or utcnow()
    user = await StaffUser.get_or_none(id=staff_user_id)
    if user is None:
        raise DomainError(ErrorCode.NOT_FOUND, "no such staff user", field="staff_user_id")
    clean = check_password_policy(temporary_password, context=(user.username, *user.full_name.split()))
    await StaffUser.filter(id=user.id).update(password_hash=await hash_password(clean), must_change_password=True,
                                              failed_attempts=0, locked_until=None)
    await append_audit(actor=actor, action="staff.reset_password", outcome=AuditOutcome.OK, object_type="staff_user",
                       object_id=user.id, now=now)
    await _tell_password_changed(PrincipalKind.STAFF, user.id)
    await revoke_sessions_of(kind=PrincipalKind.STAFF, principal_id=user.id, reason="password reset", actor=actor,
                             now=now)


async def unlock_member_portal(*, member_number: str, actor: str, now: datetime | None = None) -> None:
    """Lift a member's portal lock early. Raises ``DomainError(NOT_FOUND)`` (member or portal access)."""
    member = await Member.get_or_none(member_number=member_number.strip()).only("id")
    credential = await MemberCredential.get_or_none(member_id=member.id) if member else None
    if credential is None:
        raise DomainError(ErrorCode.NOT_FOUND, "this member has no portal access", field="member_number")
    await lockout.unlock(MemberCredential, credential.id)
    await append_audit(actor=actor, action="member.unlock", outcome=AuditOutcome.OK, object_type="member",
                       object_id=credential.member_id, now=now)


@dataclass(frozen=True, slots=True)
class SessionInfo:
    """A live session as its holder (or an admin) sees it; never its token."""

    id: int
    principal_kind: str
    principal_id: int
    device: str | None
    client_address: str | None
    created_at: datetime
    last_seen_at: datetime
    expires_at: datetime


def _info(s: AuthSession) -> SessionInfo:
    return SessionInfo(s.id, str(s.principal_kind), s.principal_id, s.device, s.client_address, s.created_at,
                       s.last_seen_at, s.expires_at)


async def live_sessions(*, kind: PrincipalKind, principal_id: int | None = None, now: datetime | None = None,
                        limit: int = 200) -> list[SessionInfo]:
    """Live sessions of one principal (or of every principal of ``kind``), most recently used first."""
    now = now or utcnow()
    query = AuthSession.filter(Q(principal_kind=kind), revoked_at__isnull=True, expires_at__gt=now)
    if principal_id is not None:
        query = query.filter(principal_id=principal_id)
    rows = await query.order_by("-last_seen_at").limit(limit * 2)
    return [_info(s) for s in rows if _alive(s, now)][:limit]


async def end_own_session(*, kind: PrincipalKind, principal_id: int, session_id: int, actor: str,
                          now: datetime | None = None) -> bool:
    """End one of the caller's own sessions; False for a session that is not theirs or not live."""
    if not await AuthSession.exists(id=session_id, principal_kind=kind, principal_id=principal_id):
        return False
    return await revoke_session(session_id=session_id, reason="ended by its holder", actor=actor, now=now)

"""Members' portal sign-in: member number or mobile, password, then a one-time code.

The code comes from the member's authenticator app when one is enrolled (TOTP, as for
staff), else it is a 6-digit code sent by SMS (or e-mail when there is no mobile)
through the notification outbox. Errors as for staff: ``INVALID_CREDENTIALS`` for an
unknown login, a wrong password, no portal access, or a locked account.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime, timedelta

from tortoise.expressions import F, Q
from tortoise.transactions import in_transaction

from bankcore.audit import append_audit
from bankcore.errors import DomainError, ErrorCode
from bankcore.identity import challenges, lockout, totp
from bankcore.identity.challenges import ChallengeIssued
from bankcore.identity.clock import utcnow
from bankcore.identity.notifications import deliver, enqueue_notification
from bankcore.identity.passwords import (
    check_password_policy,
    hash_password,
)
from bankcore.identity.sessions import IssuedSession, open_session, revoke_sessions_of
from bankcore.identity.totp_store import store_totp_secret, totp_secret_of
from bankcore.models import (
    AuditOutcome,
    Member,
    MemberCredential,
    NotificationChannel,
    OneTimeCode,
    PrincipalKind,
    SecondFactor,
    SignInChallenge,
)
from bankcore.services.members import normalise_mobile

CODE_DIGITS = 6
# A new code may be requested this long after the last one, at most MAX_CODES_PER_CHALLENGE
# times per challenge: SMS costs money and floods a phone.
RESEND_INTERVAL_S = 30
MAX_CODES_PER_CHALLENGE = 3


def _code_hash(challenge_token: str, code: str) -> str:
    # Keyed by the challenge token, which the database never holds: a stolen table row
    # cannot be matched against the million possible codes.
    return hmac.new(challenge_token.encode(), code.encode(), hashlib.sha256).hexdigest()


def _mask(recipient: str) -> str:
    if "@" in recipient:
        local, _, domain = recipient.partition("@")
        return f"{local[:1]}***@{domain}"
    return "*" * max(len(recipient) - 4, 0) + recipient[-4:]


async def _find_member(login: str) -> Member | None:
    text = login.strip()
    try:
        return await Member.get_or_none(mobile=normalise_mobile(text))
    except DomainError:
        return await Member.get_or_none(member_number=text.replace(" ", ""))


async def set_member_password(*, member_id: int, password: str, actor: str, now: datetime | None = None) -> MemberCredential:
    """Give member ``member_id`` portal access with ``password``, or replace the password.

    Clears any lock, and ends the member's sessions when the password is replaced.
    Raises ``DomainError``: ``NOT_FOUND`` (member), ``WEAK_PASSWORD`` (policy, which also
    refuses the member number, mobile or name inside the password).
    """
    member = await Member.get_or_none(id=member_id)
    if member is None:
        raise DomainError(ErrorCode.NOT_FOUND, "no such member", field="member_id")
    clean = check_password_policy(
        password, context=(member.member_number, member.mobile and member.mobile[-10:], *member.full_name.split())
    )
    password_hash = await hash_password(clean)
    credential = await MemberCredential.get_or_none(member_id=member.id)
    if credential is None:
        credential = await MemberCredential.create(member=member, password_hash=password_hash)
        replaced = False
    else:
        credential.password_hash = password_hash
        credential.failed_attempts = 0
        credential.locked_until = None
        credential.active = True
        await credential.save(update_fields=["password_hash", "failed_attempts", "locked_until", "active"])
        replaced = True
    await append_audit(actor=actor, action="member.set_password", outcome=AuditOutcome.OK, object_type="member",
                       object_id=member.id)
    if replaced:
        from bankcore.notifications import notify

        await notify(member_id=member.id, kind="password_changed")  # always by SMS too (cannot be turned off)
        await revoke_sessions_of(kind=PrincipalKind.MEMBER, principal_id=member.id, reason="password changed",
                                 actor=actor, now=now)
    return credential


async def enrol_member_totp(*, member_id: int, actor: str) -> totp.TotpEnrolment:
    """Switch a member's second factor to an authenticator app; returns the enrolment to show once.

    Raises ``DomainError(NOT_FOUND)`` when the member has no portal access.
    """
    credential = await MemberCredential.get_or_none(member_id=member_id).select_related("member")
    if credential is None:
        raise DomainError(ErrorCode.NOT_FOUND, "member has no portal access", field="member_id")
    secret = totp.new_secret()
    await store_totp_secret(MemberCredential, credential.id, secret)
    await append_audit(actor=actor, action="member.enrol_totp", outcome=AuditOutcome.OK, object_type="member",
                       object_id=member_id)
    return totp.enrolment(secret, account_name=credential.member.member_number)


async def _send_code(challenge: SignInChallenge, token: str, member: Member, now: datetime,
                     purpose: str = "sign-in") -> str:
    """Create a code for ``challenge`` and send it to the member's mobile (else e-mail); returns the masked recipient."""
    if member.mobile:
        channel, recipient = NotificationChannel.SMS, member.mobile
    elif member.email:
        channel, recipient = NotificationChannel.EMAIL, member.email
    else:
        raise DomainError(ErrorCode.SECOND_FACTOR_UNAVAILABLE, "no mobile or e-mail to send a code to, visit a branch")
    return await send_code_to(challenge, token, member, channel=channel, recipient=recipient, now=now, purpose=purpose)


async def send_code_to(challenge: SignInChallenge, token: str, member: Member, *, channel: NotificationChannel,
                       recipient: str, now: datetime, purpose: str, send: bool = True) -> str:
    """Create the challenge's code (older ones stop working) and send it to ``recipient``; returns it masked.

    With ``send=False`` a code is created but never sent, so the challenge can never be
    answered, while the caller's answer looks the same (no oracle).
    """
    code = f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"
    message = None
    async with in_transaction():
        # Older codes of this challenge stop working: only the latest one counts.
        await OneTimeCode.filter(challenge_id=challenge.id, used_at__isnull=True).update(used_at=now)
        await OneTimeCode.create(
            challenge=challenge, member=member, code_hash=_code_hash(token, code if send else secrets.token_hex(16)),
            created_at=now, expires_at=challenge.expires_at,
        )
        if send:
            message = await enqueue_notification(
                channel=channel, recipient=recipient, sensitive=True, now=now,
                body=f"{code} is your coopbank {purpose} code. It expires in {challenges.CHALLENGE_TTL_S // 60} minutes. "
                "Never share it, not even with bank staff.",
            )
    if message is not None:
        await deliver(message, now=now)
    return _mask(recipient)


async def begin_member_sign_in(*, login: str, password: str, now: datetime | None = None) -> ChallengeIssued:
    """First step: member number or mobile, and password. Returns a challenge.

    With an authenticator enrolled the challenge asks for its code (``method=totp``);
    otherwise a 6-digit code is sent now (``method=code``, ``sent_to`` masked).
    Raises ``DomainError``: ``INVALID_CREDENTIALS`` (unknown login, wrong password, no
    or inactive portal access, locked: indistinguishable and equally slow),
    ``SECOND_FACTOR_UNAVAILABLE`` (correct password but nowhere to send a code).
    Audited as ``member.sign_in``.
    """
    now = now or utcnow()
    member = await _find_member(login)
    credential = await MemberCredential.get_or_none(member_id=member.id) if member else None
    reason = await lockout.refuse_password(
        MemberCredential, credential, password, now=now, missing="unknown login" if member is None else "no portal access"
    )
    if reason is not None:
        await append_audit(
            actor="anonymous", action="member.sign_in", outcome=AuditOutcome.DENIED, object_type="member",
            object_id=member.id if member else None, details={"login": lockout.masked_login(login), "reason": reason},
            now=now,
        )
        raise DomainError(ErrorCode.INVALID_CREDENTIALS, "wrong member number, mobile or password")
    assert member is not None and credential is not None
    method = SecondFactor.TOTP if credential.totp_secret else SecondFactor.CODE
    token, challenge = await challenges.issue_challenge(
        kind=PrincipalKind.MEMBER, principal_id=member.id, method=method, now=now
    )
    sent_to = await _send_code(challenge, token, member, now) if method is SecondFactor.CODE else None
    return ChallengeIssued(token, method, challenge.expires_at, sent_to)


async def resend_member_code(*, challenge_token: str, now: datetime | None = None) -> ChallengeIssued:
    """Send a fresh code for a live ``code`` challenge (the previous code stops working).

    Raises ``DomainError``: ``CHALLENGE_EXPIRED``, ``INVALID_INPUT`` (the challenge uses an
    authenticator app), ``RATE_LIMITED`` (within 30 s of the last code, or 3 codes sent).
    """
    now = now or utcnow()
    challenge = await challenges.open_challenge(challenge_token, kind=PrincipalKind.MEMBER, now=now)
    if challenge.method != SecondFactor.CODE:
        raise DomainError(ErrorCode.INVALID_INPUT, "this sign-in uses your authenticator app")
    codes = await OneTimeCode.filter(challenge_id=challenge.id).order_by("-id")
    if len(codes) >= MAX_CODES_PER_CHALLENGE or (codes and now < codes[0].created_at + timedelta(seconds=RESEND_INTERVAL_S)):
        raise DomainError(ErrorCode.RATE_LIMITED, "please wait before asking for another code")
    member = await Member.get(id=challenge.principal_id)
    sent_to = await _send_code(challenge, challenge_token, member, now)
    return ChallengeIssued(challenge_token, SecondFactor.CODE, challenge.expires_at, sent_to)


async def _check_code(challenge: SignInChallenge, token: str, credential: MemberCredential | None, code: str,
                      now: datetime) -> bool:
    code = code.strip().replace(" ", "")
    if challenge.method == SecondFactor.TOTP:
        if credential is None:
            return False
        step = totp.matching_step(totp_secret_of(credential) or "", code, now=now,
                                  last_used_step=credential.totp_last_step)
        return step is not None and bool(
            await MemberCredential.filter(
                Q(totp_last_step__isnull=True) | Q(totp_last_step__lt=step), id=credential.id
            ).update(totp_last_step=step)
        )
    current = await OneTimeCode.filter(challenge_id=challenge.id, used_at__isnull=True).order_by("-id").first()
    if current is None or now >= current.expires_at:
        return False
    if not hmac.compare_digest(current.code_hash, _code_hash(token, code)):
        await OneTimeCode.filter(id=current.id).update(attempts=F("attempts") + 1)
        return False
    # Claim the code: two requests racing with it cannot both win.
    return bool(await OneTimeCode.filter(id=current.id, used_at__isnull=True).update(used_at=now))


async def complete_member_sign_in(*, challenge_token: str, code: str, now: datetime | None = None) -> IssuedSession:
    """Second step: the code for a challenge. Opens a session (15 min idle, 12 h absolute).

    Raises ``DomainError``: ``CHALLENGE_EXPIRED`` (unknown, used, expired or exhausted
    challenge), ``CODE_INVALID`` (wrong, expired or reused code: counts toward the
    lockout), ``ACCOUNT_LOCKED`` (locked, possibly by this failure),
    ``INVALID_CREDENTIALS`` (portal access withdrawn meanwhile).
    """
    now = now or utcnow()
    challenge = await challenges.open_challenge(challenge_token, kind=PrincipalKind.MEMBER, now=now)
    credential = await MemberCredential.get(member_id=challenge.principal_id)
    member_id = challenge.principal_id
    if not credential.active:
        await challenges.consume(challenge, now=now)
        raise DomainError(ErrorCode.INVALID_CREDENTIALS, "wrong member number, mobile or password")
    if lockout.is_locked(credential.locked_until, now):
        await challenges.consume(challenge, now=now)
        await _audit_denied(member_id, "account locked", now)
        raise DomainError(ErrorCode.ACCOUNT_LOCKED, "too many failed attempts, try again in 30 minutes")
    attempt = await challenges.take_attempt(challenge, now=now)
    if not await _check_code(challenge, challenge_token, credential, code, now):
        locked = await lockout.record_failure(MemberCredential, credential.id, now=now)
        await _audit_denied(member_id, "wrong or reused code" + (", account now locked" if locked else ""), now)
        if locked:
            await challenges.consume(challenge, now=now)
            raise DomainError(ErrorCode.ACCOUNT_LOCKED, "too many failed attempts, try again in 30 minutes")
        if await challenges.wrong_code(challenge, attempt, now=now):
            raise DomainError(ErrorCode.CHALLENGE_EXPIRED, "too many wrong codes, please start again")
        raise DomainError(ErrorCode.CODE_INVALID, "wrong code", field="code")
    if not await challenges.consume(challenge, now=now):
        raise DomainError(ErrorCode.CHALLENGE_EXPIRED, "sign-in expired, please start again")
    await lockout.record_success(MemberCredential, credential.id, now=now)
    session = await open_session(kind=PrincipalKind.MEMBER, principal_id=member_id, now=now)
    await append_audit(
        actor=f"member:{member_id}", action="member.sign_in", outcome=AuditOutcome.OK, object_type="session",
        object_id=session.session_id, now=now,
    )
    return session


async def _audit_denied(member_id: int, reason: str, now: datetime) -> None:
    await append_audit(
        actor="anonymous", action="member.sign_in", outcome=AuditOutcome.DENIED, object_type="member",
        object_id=member_id, details={"step": "code", "reason": reason}, now=now,
    )


async def deactivate_member_portal(*, member_id: int, actor: str, now: datetime | None = None) -> int:
    """Withdraw a member's portal access and end their sessions; returns how many ended.

    Raises ``DomainError(NOT_FOUND)`` when the member has no portal access.
    """
    if not await MemberCredential.filter(member_id=member_id).update(active=False):
        raise DomainError(ErrorCode.NOT_FOUND, "member has no portal access", field="member_id")
    await append_audit(actor=actor, action="member.deactivate_portal", outcome=AuditOutcome.OK, object_type="member",
                       object_id=member_id)
    return await revoke_sessions_of(kind=PrincipalKind.MEMBER, principal_id=member_id, reason="portal access withdrawn",
                                    actor=actor, now=now)

"""Changing where one-time codes go: a member's mobile number or e-mail (issue 8 item 2).

The mobile (or e-mail) is a second factor: whoever controls it receives sign-in codes. So
a member changes it only by proving they hold the *new* destination: ``request_contact_change``
sends a code there, ``confirm_contact_change`` applies the change when the code comes back,
and a notice goes to the *old* destination so a hijack is noticed. Each step is audited.

No oracle: asking for a mobile that another member uses gets the same answer as any other
(a masked "code sent to ..."), but no code is sent and the change can never be confirmed.

At the branch, staff change a member's contact details directly (they see the member and
their documents): ``staff_update_contact`` records which staff user did it and notifies
the old destination too.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from bankcore.audit import append_audit
from bankcore.errors import DomainError, ErrorCode
from bankcore.identity import challenges, lockout
from bankcore.identity.challenges import ChallengeIssued
from bankcore.identity.clock import utcnow
from bankcore.identity.members_portal import _check_code, _mask, send_code_to
from bankcore.identity.notifications import deliver, enqueue_notification
from bankcore.members.particulars import normalise_email, normalise_mobile
from bankcore.models import (
    AuditOutcome,
    ContactChange,
    Member,
    MemberCredential,
    NotificationChannel,
    PrincipalKind,
    SecondFactor,
)
from bankcore.services.members import update_contact_details

# A member may ask this many times per hour: each costs an SMS and could flood someone's phone.
MAX_REQUESTS_PER_HOUR = 3
MOBILE, EMAIL = "mobile", "email"


async def request_contact_change(
    *, member_id: int, mobile: str | None = None, email: str | None = None, actor: str, now: datetime | None = None
) -> ChallengeIssued:
    """Start changing the member's ``mobile`` or ``email`` (exactly one): send a code to the new one.

    Returns the challenge to present with the code to ``confirm_contact_change``; ``sent_to``
    is the new destination, masked. Raises ``DomainError``: ``INVALID_INPUT`` (neither or
    both given, or the value is the current one), ``INVALID_MOBILE`` / ``INVALID_EMAIL``,
    ``RATE_LIMITED`` (more than three requests in an hour), ``NOT_FOUND`` (member).
    A mobile already used by another member is *not* refused here (see the module docstring).
    """
    now = now or utcnow()
    if (mobile is None) == (email is None):
        raise DomainError(ErrorCode.INVALID_INPUT, "change either the mobile number or the e-mail, one at a time")
    field = MOBILE if mobile is not None else EMAIL
    value = normalise_mobile(mobile) if mobile is not None else normalise_email(email or "")
    member = await Member.get_or_none(id=member_id)
    if member is None:
        raise DomainError(ErrorCode.NOT_FOUND, "no such member", field="member_id")
    if getattr(member, field) == value:
        raise DomainError(ErrorCode.INVALID_INPUT, f"that is already your {'mobile number' if field == MOBILE else 'e-mail'}",
                          field=field)
    recent = await ContactChange.filter(member_id=member_id, created_at__gte=now - timedelta(hours=1)).count()
    if recent >= MAX_REQUESTS_PER_HOUR:
        raise DomainError(ErrorCode.RATE_LIMITED, "too many change requests, please try again in an hour")
    taken = field == MOBILE and await Member.filter(mobile=value).exclude(id=member_id).exists()
    token, challenge = await challenges.issue_challenge(
        kind=PrincipalKind.MEMBER, principal_id=member_id, method=SecondFactor.CODE, now=now,
        purpose=challenges.CONTACT,
    )
    await ContactChange.create(member_id=member_id, challenge=challenge, field=field, new_value=value,
                               deliverable=not taken, requested_by=actor, created_at=now)
    channel = NotificationChannel.SMS if field == MOBILE else NotificationChannel.EMAIL
    noun = "new mobile number" if field == MOBILE else "new e-mail"
    sent_to = await send_code_to(challenge, token, member, channel=channel, recipient=value, now=now,
                                 purpose=f"{noun} confirmation", send=not taken)
    await append_audit(actor=actor, action=f"member.change_{field}.request", outcome=AuditOutcome.OK,
                       object_type="member", object_id=member_id, details={"new": _mask(value)}, now=now)
    return ChallengeIssued(token, SecondFactor.CODE, challenge.expires_at, sent_to)


async def confirm_contact_change(
    *, member_id: int, challenge_token: str, code: str, actor: str, now: datetime | None = None
) -> Member:
    """Apply the change asked for with ``challenge_token`` when ``code`` is the one sent to the new destination.

    Sends a notice to the old destination and audits ``member.change_mobile`` (or ``_email``).
    Raises ``DomainError``: ``CHALLENGE_EXPIRED`` (unknown, used, expired or exhausted, or
    another member's), ``CODE_INVALID`` (wrong code: counts toward the portal lockout),
    ``ACCOUNT_LOCKED``.
    """
    now = now or utcnow()
    challenge = await challenges.open_challenge(challenge_token, kind=PrincipalKind.MEMBER, now=now,
                                                purpose=challenges.CONTACT)
    if challenge.principal_id != member_id:
        raise DomainError(ErrorCode.CHALLENGE_EXPIRED, "this code was not asked for by you")
    change = await ContactChange.get(challenge_id=challenge.id)
    credential = await MemberCredential.get_or_none(member_id=member_id)
    attempt = await challenges.take_attempt(challenge, now=now)
    # A code is checked even when none was sent, so both cases take the same path.
    ok = await _check_code(challenge, challenge_token, credential, code, now)  # a sent code: no credential needed
    if not ok or not change.deliverable:
        if credential is not None and await lockout.record_failure(MemberCredential, credential.id, now=now):
            await challenges.consume(challenge, now=now)
            raise DomainError(ErrorCode.ACCOUNT_LOCKED, "too many wrong codes, try again in 30 minutes")
        if await challenges.wrong_code(challenge, attempt, now=now):
            raise DomainError(ErrorCode.CHALLENGE_EXPIRED, "too many wrong codes, please ask for a new one")
        raise DomainError(ErrorCode.CODE_INVALID, "wrong code", field="code")
    if not await challenges.consume(challenge, now=now):
        raise DomainError(ErrorCode.CHALLENGE_EXPIRED, "this code was used already")
    before = await Member.get(id=member_id)
    try:
        member = await update_contact_details(member_number=before.member_number, **{change.field: change.new_value})
    except DomainError as exc:
        if exc.code is ErrorCode.DUPLICATE_MEMBER:  # taken meanwhile: say nothing about by whom
            raise DomainError(ErrorCode.INVALID_INPUT, "this number cannot be used, please visit your branch",
                              field=change.field) from None
        raise
    await ContactChange.filter(id=change.id).update(completed_at=now)
    await _record_change(before, member, change.field, actor=actor, via="code to the new destination", now=now)
    return member


async def staff_update_contact(
    *, member_number: str, actor: str, mobile: str | None = None, email: str | None = None, address: str | None = None,
    now: datetime | None = None,
) -> Member:
    """A staff user changes a member's contact details at the branch; ``actor`` is recorded.

    A changed mobile or e-mail is audited with who did it and notified to the old
    destination. Raises as ``update_contact_details``.
    """
    now = now or utcnow()
    before = await Member.get_or_none(member_number=member_number)
    member = await update_contact_details(member_number=member_number, mobile=mobile, email=email, address=address)
    if before is not None:
        for field in (MOBILE, EMAIL):
            await _record_change(before, member, field, actor=actor, via="at the branch", now=now)
        if address is not None and before.address != member.address:
            await append_audit(actor=actor, action="member.change_address", outcome=AuditOutcome.OK,
                               object_type="member", object_id=member.id, now=now)
    return member


async def _record_change(before: Member, after: Member, field: str, *, actor: str, via: str, now: datetime) -> None:
    old, new = getattr(before, field), getattr(after, field)
    if old == new:
        return
    await append_audit(
        actor=actor, action=f"member.change_{field}", outcome=AuditOutcome.OK, object_type="member", object_id=after.id,
        details={"old": _mask(old) if old else None, "new": _mask(new) if new else None, "via": via}, now=now,
    )
    from bankcore.notifications import notify

    # The member's inbox (and their channels) hear of it too; the old destination gets the notice below.
    await notify(member_id=after.id, kind="mobile_changed" if field == MOBILE else "email_changed",
                 params={"mobile" if field == MOBILE else "email": _mask(new) if new else "—"})
    if not old:
        return
    what = "mobile number" if field == MOBILE else "e-mail address"
    notice = await enqueue_notification(
        channel=NotificationChannel.SMS if field == MOBILE else NotificationChannel.EMAIL, recipient=old, now=now,
        body=f"Your coopbank {what} was changed to {_mask(new) if new else 'none'} ({via}). "
        "If you did not ask for this, call your branch at once.",
    )
    await deliver(notice, now=now)

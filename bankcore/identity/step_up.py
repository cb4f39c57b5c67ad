"""Step-up: a fresh one-time code before a sensitive action (a new payee, a large payment).

The member's second factor, as at sign-in: the authenticator app's code, or a code sent
by SMS (e-mail without a mobile). ``request_step_up`` opens a challenge (and sends the
code); ``verify_step_up`` takes the challenge token and the code, once. Wrong codes count
toward the member's lockout, as at sign-in.
"""

from __future__ import annotations

from datetime import datetime

from bankcore.errors import DomainError, ErrorCode
from bankcore.identity import challenges, lockout
from bankcore.identity.challenges import ChallengeIssued
from bankcore.identity.clock import utcnow
from bankcore.identity.members_portal import _check_code, _send_code
from bankcore.models import Member, MemberCredential, PrincipalKind, SecondFactor


async def request_step_up(*, member_id: int, now: datetime | None = None) -> ChallengeIssued:
    """Open a step-up challenge for ``member_id`` (sending a code unless they use an authenticator).

    Raises ``DomainError``: ``NOT_FOUND`` (no portal access), ``SECOND_FACTOR_UNAVAILABLE``.
    """
    now = now or utcnow()
    credential = await MemberCredential.get_or_none(member_id=member_id)
    if credential is None or not credential.active:
        raise DomainError(ErrorCode.NOT_FOUND, "the member has no portal access for a code", field="member")
    method = SecondFactor.TOTP if credential.totp_secret else SecondFactor.CODE
    token, challenge = await challenges.issue_challenge(kind=PrincipalKind.MEMBER, principal_id=member_id, method=method,
                                                        now=now, purpose=challenges.STEP_UP)
    sent_to = None
    if method is SecondFactor.CODE:
        sent_to = await _send_code(challenge, token, await Member.get(id=member_id), now, purpose="payment approval")
    return ChallengeIssued(token, method, challenge.expires_at, sent_to)


async def verify_step_up(*, member_id: int, challenge_token: str | None, code: str | None,
                         now: datetime | None = None) -> None:
    """Accept the step-up for ``member_id`` or raise.

    ``STEP_UP_REQUIRED`` when no code was given, ``CHALLENGE_EXPIRED`` for an unknown,
    used or expired challenge (or one of another member), ``CODE_INVALID`` for a wrong code,
    ``ACCOUNT_LOCKED`` when wrong codes lock the portal.
    """
    if not challenge_token or not code:
        raise DomainError(ErrorCode.STEP_UP_REQUIRED, "confirm with a one-time code", field="step_up_code")
    now = now or utcnow()
    challenge = await challenges.open_challenge(challenge_token, kind=PrincipalKind.MEMBER, now=now,
                                                purpose=challenges.STEP_UP)
    if challenge.principal_id != member_id:
        raise DomainError(ErrorCode.CHALLENGE_EXPIRED, "this code was not asked for this member")
    credential = await MemberCredential.get(member_id=member_id)
    attempt = await challenges.take_attempt(challenge, now=now)
    if not await _check_code(challenge, challenge_token, credential, code, now):
        if await lockout.record_failure(MemberCredential, credential.id, now=now):
            await challenges.consume(challenge, now=now)
            raise DomainError(ErrorCode.ACCOUNT_LOCKED, "too many wrong codes, try again in 30 minutes")
        if await challenges.wrong_code(challenge, attempt, now=now):
            raise DomainError(ErrorCode.CHALLENGE_EXPIRED, "too many wrong codes, ask for a new code")
        raise DomainError(ErrorCode.CODE_INVALID, "wrong code", field="step_up_code")
    if not await challenges.consume(challenge, now=now):
        raise DomainError(ErrorCode.CHALLENGE_EXPIRED, "this code was used already")

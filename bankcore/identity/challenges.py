"""Sign-in challenges: the state between a correct password and the second factor.

The client gets an opaque challenge token after the password step and presents it with
the code. A challenge lives ``CHALLENGE_TTL_S`` and dies after ``MAX_CODE_ATTEMPTS`` wrong
codes (each also counts toward the account's lockout).

Every code check first takes an attempt from the challenge (``take_attempt``): a
compare-and-set on the counter, so ten guesses sent at once count as ten, only the first
``MAX_CODE_ATTEMPTS`` are ever checked, and the last of them, if wrong, ends the
challenge (issue 8 item 8).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from tortoise.expressions import F

from bankcore.errors import DomainError, ErrorCode
from bankcore.identity.clock import hash_token, new_token
from bankcore.models import PrincipalKind, SecondFactor, SignInChallenge

# Five minutes to open the authenticator app or read an SMS (OWASP MFA cheat sheet: short-lived).
CHALLENGE_TTL_S = 5 * 60
MAX_CODE_ATTEMPTS = 5


@dataclass(frozen=True, slots=True)
class ChallengeIssued:
    """Answer to a correct password: present ``challenge_token`` with the code before ``expires_at``.

    ``method`` says where the code comes from (``totp``: the authenticator app, ``code``:
    sent to ``sent_to``, a masked mobile number or e-mail address).
    """

    challenge_token: str
    method: SecondFactor
    expires_at: datetime
    sent_to: str | None = None


# What a challenge was opened for: a challenge answers only its own purpose, so the token of
# a step-up or a contact change can never complete a sign-in.
SIGN_IN, STEP_UP, CONTACT, PASSWORD = "sign-in", "step-up", "contact", "password"


async def issue_challenge(
    *, kind: PrincipalKind, principal_id: int, method: SecondFactor, now: datetime, purpose: str = SIGN_IN
) -> tuple[str, SignInChallenge]:
    """Create a challenge (in the caller's transaction, if any); returns the token and the row."""
    token = new_token()
    row = await SignInChallenge.create(
        token_hash=hash_token(token), principal_kind=kind, principal_id=principal_id, method=method,
        purpose=purpose, created_at=now, expires_at=now + timedelta(seconds=CHALLENGE_TTL_S),
    )
    return token, row


async def open_challenge(token: str, *, kind: PrincipalKind, now: datetime, purpose: str = SIGN_IN) -> SignInChallenge:
    """The live challenge for ``token``, opened for ``purpose``.

    Raises ``DomainError(CHALLENGE_EXPIRED)`` if the token is unknown, of another kind of
    principal or purpose, used, given up after too many wrong codes, or past its expiry:
    the client starts again at the first step.
    """
    row = await SignInChallenge.get_or_none(token_hash=hash_token(token))
    if (
        row is None
        or row.principal_kind != kind
        or row.purpose != purpose
        or row.consumed_at is not None
        or row.attempts >= MAX_CODE_ATTEMPTS
        or now >= row.expires_at
    ):
        raise DomainError(ErrorCode.CHALLENGE_EXPIRED, "sign-in expired, please start again")
    return row


async def take_attempt(challenge: SignInChallenge, *, now: datetime) -> int:
    """Take one code attempt from ``challenge`` before checking a code; returns its number (1..MAX).

    The counter is read and incremented with a compare-and-set (``attempts = n`` in the
    ``WHERE``), retried when another request got there first, so concurrent guesses are
    counted one by one on SQLite and PostgreSQL alike. Raises ``DomainError(CHALLENGE_EXPIRED)``
    when the challenge is used, expired or has no attempts left.
    """
    while True:
        row = await SignInChallenge.get_or_none(id=challenge.id)
        if row is None or row.consumed_at is not None or row.attempts >= MAX_CODE_ATTEMPTS or now >= row.expires_at:
            raise DomainError(ErrorCode.CHALLENGE_EXPIRED, "sign-in expired, please start again")
        taken = await SignInChallenge.filter(
            id=challenge.id, attempts=row.attempts, consumed_at__isnull=True
        ).update(attempts=F("attempts") + 1)
        if taken:
            challenge.attempts = row.attempts + 1
            return challenge.attempts


async def wrong_code(challenge: SignInChallenge, attempt: int, *, now: datetime) -> bool:
    """After a wrong code on ``attempt``: end the challenge if that was its last attempt; True if ended."""
    if attempt >= MAX_CODE_ATTEMPTS:
        await consume(challenge, now=now)
        return True
    return False


async def consume(challenge: SignInChallenge, *, now: datetime) -> bool:
    """Mark ``challenge`` used; False if another request consumed it first (use it once only)."""
    return await SignInChallenge.filter(id=challenge.id, consumed_at__isnull=True).update(consumed_at=now) == 1

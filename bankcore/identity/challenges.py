"""Sign-in challenges: the state between a correct password and the second factor.

The client gets an opaque challenge token after the password step and presents it with
the code. A challenge lives ``CHALLENGE_TTL_S`` and dies after ``MAX_CODE_ATTEMPTS`` wrong
codes (each also counts toward the account's lockout).
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


async def issue_challenge(
    *, kind: PrincipalKind, principal_id: int, method: SecondFactor, now: datetime
) -> tuple[str, SignInChallenge]:
    """Create a challenge (in the caller's transaction, if any); returns the token and the row."""
    token = new_token()
    row = await SignInChallenge.create(
        token_hash=hash_token(token), principal_kind=kind, principal_id=principal_id, method=method,
        created_at=now, expires_at=now + timedelta(seconds=CHALLENGE_TTL_S),
    )
    return token, row


async def open_challenge(token: str, *, kind: PrincipalKind, now: datetime) -> SignInChallenge:
    """The live challenge for ``token``.

    Raises ``DomainError(CHALLENGE_EXPIRED)`` if the token is unknown, of another kind of
    principal, used, given up after too many wrong codes, or past its expiry: the client
    starts again at the password step.
    """
    row = await SignInChallenge.get_or_none(token_hash=hash_token(token))
    if (
        row is None
        or row.principal_kind != kind
        or row.consumed_at is not None
        or row.attempts >= MAX_CODE_ATTEMPTS
        or now >= row.expires_at
    ):
        raise DomainError(ErrorCode.CHALLENGE_EXPIRED, "sign-in expired, please start again")
    return row


async def count_wrong_code(challenge: SignInChallenge) -> None:
    """Count a wrong code on ``challenge`` (atomically, so parallel guesses are all counted)."""
    await SignInChallenge.filter(id=challenge.id).update(attempts=F("attempts") + 1)


async def consume(challenge: SignInChallenge, *, now: datetime) -> bool:
    """Mark ``challenge`` used; False if another request consumed it first (use it once only)."""
    return await SignInChallenge.filter(id=challenge.id, consumed_at__isnull=True).update(consumed_at=now) == 1

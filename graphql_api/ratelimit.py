"""Rate limits on sign-in and one-time codes (the ``limits`` library, moving window).

Counted per resolver call, so aliased fields in one document each count as an attempt.
Limits are per process; the database lockout (10 failures, 30 minutes) holds across
instances. Per principal (login or challenge) and per client address.
"""

from __future__ import annotations

from limits import RateLimitItemPerMinute
from limits.aio.storage import MemoryStorage
from limits.aio.strategies import MovingWindowRateLimiter

from bankcore.errors import DomainError, ErrorCode
from graphql_api.context import Context

PER_LOGIN = RateLimitItemPerMinute(10)
PER_CHALLENGE = RateLimitItemPerMinute(10)
PER_CLIENT = RateLimitItemPerMinute(60)

_storage = MemoryStorage()
_limiter = MovingWindowRateLimiter(_storage)


def _client_address(ctx: Context) -> str:
    request = ctx.request
    client = getattr(request, "client", None)
    return client.host if client is not None else "in-process"


async def check_sign_in(ctx: Context, *, kind: str, key: str) -> None:
    """Count one attempt for ``key`` (a login or challenge token); raise ``RATE_LIMITED`` past the limit."""
    item = PER_CHALLENGE if kind == "code" else PER_LOGIN
    allowed_key = await _limiter.hit(item, "sign-in", kind, key.lower())
    allowed_client = await _limiter.hit(PER_CLIENT, "sign-in-client", _client_address(ctx))
    if not (allowed_key and allowed_client):
        raise DomainError(ErrorCode.RATE_LIMITED, "too many attempts; wait a minute and try again")


async def reset_rate_limits() -> None:
    """Forget every counter (tests)."""
    await _storage.reset()

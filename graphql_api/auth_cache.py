"""A short-lived cache of who holds a bearer token, so each request need not read the session.

Entries live ``TTL_S`` seconds and are dropped at once when the session is revoked
(``SessionRevoked`` on the broker: local revocations directly, other instances' through
the PostgreSQL relay), so sign-out and admin revocation still take effect immediately.
Idle expiry (minutes) is unaffected by a cache of seconds.
"""

from __future__ import annotations

import time

from bankcore.events import SessionRevoked, broker
from bankcore.identity.clock import hash_token
from bankcore.identity.sessions import Principal, authenticate

TTL_S = 5.0
MAX_ENTRIES = 10_000

_cache: dict[str, tuple[Principal, float]] = {}


def _on_revoked(event: object) -> None:
    if isinstance(event, SessionRevoked):
        for key in [k for k, (p, _) in _cache.items() if p.session_id == event.session_id]:
            _cache.pop(key, None)


broker.add_listener("sessions", _on_revoked)


async def principal_for(token: str | None) -> Principal | None:
    """``bankcore.identity.sessions.authenticate``, remembered for a few seconds per token."""
    if not token:
        return None
    key = hash_token(token)
    hit = _cache.get(key)
    now = time.monotonic()
    if hit is not None and hit[1] > now:
        return hit[0]
    principal = await authenticate(token)
    if principal is None:
        _cache.pop(key, None)
        return None
    if len(_cache) >= MAX_ENTRIES:
        _cache.clear()
    _cache[key] = (principal, now + TTL_S)
    return principal


def forget_all() -> None:
    _cache.clear()


def forget_token(token: str | None) -> None:
    """Drop one token's entry (its principal changed, e.g. a forced password change was made)."""
    if token:
        _cache.pop(hash_token(token), None)

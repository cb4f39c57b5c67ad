"""Rate limits on sign-in and one-time codes (the ``limits`` library, moving window).

Counted per resolver call, so aliased fields in one document each count as an attempt;
per principal (login or challenge) and per client address: the peer of an HTTP request,
or for the web app the browser behind the page (behind a proxy, the address it forwarded
when ``COOPBANK_TRUSTED_PROXIES`` names it). The database lockout (10 failures, 30
minutes) comes on top.

Where the counts live decides whether they hold across instances: in Redis when
``COOPBANK_REDIS_URL`` is set (``redis://host:6379/0``, needs the ``redis`` package), in
the bank's database on PostgreSQL (``bankcore.ratelimit_store``), in memory on SQLite
(one process).
"""

from __future__ import annotations

import os
from datetime import UTC, datetime

from limits import RateLimitItemPerMinute
from limits.aio.storage import MemoryStorage, Storage
from limits.storage import storage_from_string
from limits.aio.strategies import MovingWindowRateLimiter
from tortoise.connection import get_connection

from bankcore.errors import DomainError, ErrorCode
from bankcore.ratelimit_store import DatabaseStorage
from graphql_api.context import Context

PER_LOGIN = RateLimitItemPerMinute(10)
PER_CHALLENGE = RateLimitItemPerMinute(10)
PER_CLIENT = RateLimitItemPerMinute(60)

_memory = MemoryStorage()
_limiters: dict[str, MovingWindowRateLimiter] = {}


def _storage_kind() -> str:
    if os.environ.get("COOPBANK_REDIS_URL", "").strip():
        return "redis"
    return "database" if get_connection("default").capabilities.dialect == "postgres" else "memory"


def _new_storage(kind: str) -> Storage:
    if kind == "redis":
        return storage_from_string(f"async+{os.environ['COOPBANK_REDIS_URL'].strip()}")
    return DatabaseStorage() if kind == "database" else _memory


def limiter() -> MovingWindowRateLimiter:
    """The limiter over the storage this process uses (one per kind of storage, made once)."""
    kind = _storage_kind()
    if kind not in _limiters:
        _limiters[kind] = MovingWindowRateLimiter(_new_storage(kind))
    return _limiters[kind]


async def check_sign_in(ctx: Context, *, kind: str, key: str) -> None:
    """Count one attempt for ``key`` (a login or challenge token) and one for the client address;
    raise ``RATE_LIMITED`` past either limit."""
    item = PER_CHALLENGE if kind == "code" else PER_LOGIN
    limits_ = limiter()
    allowed_key = await limits_.hit(item, "sign-in", kind, key.lower()[:120])
    allowed_client = await limits_.hit(PER_CLIENT, "sign-in-client", ctx.client)
    if not (allowed_key and allowed_client):
        raise DomainError(ErrorCode.RATE_LIMITED, "too many attempts; wait a minute and try again")


# Wrong passwords per typed login (existing or not), as the database lockout counts per account.
LOGIN_FAILURES = RateLimitItemPerMinute(10, 30)


async def login_locked_until(*, kind: str, login: str) -> datetime | None:
    """When the typed ``login`` (of ``kind``: staff or member) may try again, if ten wrong
    passwords for it came within 30 minutes; None while it may try now.

    Counted per typed text, not per account, so the answer is the same for a login that
    does not exist: the lock tells nothing about who banks here.
    """
    limits_ = limiter()
    key = ("sign-in-failures", kind, login.strip().casefold()[:120])
    if await limits_.test(LOGIN_FAILURES, *key):
        return None
    stats = await limits_.get_window_stats(LOGIN_FAILURES, *key)
    return datetime.fromtimestamp(stats.reset_time, tz=UTC)


async def count_login_failure(*, kind: str, login: str) -> None:
    """Count one wrong password for the typed ``login``."""
    await limiter().hit(LOGIN_FAILURES, "sign-in-failures", kind, login.strip().casefold()[:120])


async def reset_rate_limits() -> None:
    """Forget every counter (tests).

    The in-memory storage is replaced, not cleared: its expiry task may be walking its keys,
    and limits 5.8 then fails on a key cleared under it (``KeyError`` in a task nobody awaits,
    which the UI tests count as an error log).
    """
    global _memory
    if _storage_kind() == "memory":
        _memory = MemoryStorage()
        _limiters.pop("memory", None)
        return
    await limiter().storage.reset()

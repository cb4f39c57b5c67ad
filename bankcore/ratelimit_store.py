"""A ``limits`` storage kept in the bank's own database, so rate limits hold across instances.

Several ``coopbank serve`` instances behind a load balancer must count one client's
sign-in attempts together, or each instance would allow the limit again. With Redis
configured the ``limits`` library's Redis storage does that; without it, this storage
keeps each counted attempt as a row of ``rate_limit_hit`` and implements the moving
window (``MovingWindowSupport``) in SQL: under a transaction-level advisory lock per key
(PostgreSQL), expired rows of the key are deleted, the rest counted, and new rows
inserted only while the count stays within the limit. SQLite serialises transactions
in its one process, which is all it serves.
"""

from __future__ import annotations

import time
import zlib

from limits.aio.storage import MovingWindowSupport, Storage
from tortoise.connection import get_connection
from tortoise.transactions import in_transaction

from bankcore.ledger.sql import fetch, is_postgres, placeholders

# pg_advisory_xact_lock(namespace, key): a namespace of its own for rate-limit keys.
LOCK_NAMESPACE = 7_100_002


class DatabaseStorage(Storage, MovingWindowSupport):
    """``limits`` storage over the table ``rate_limit_hit`` (moving window only)."""

    STORAGE_SCHEME = ["coopbank+database"]

    def __init__(self, uri: str | None = None, wrap_exceptions: bool = False, **options: float | str | bool) -> None:
        super().__init__(uri, wrap_exceptions=wrap_exceptions, **options)

    @property
    def base_exceptions(self) -> type[Exception] | tuple[type[Exception], ...]:
        return Exception

    async def acquire_entry(self, key: str, limit: int, expiry: int, amount: int = 1) -> bool:
        """Count ``amount`` hits on ``key`` if the last ``expiry`` seconds hold at most ``limit - amount``."""
        if amount > limit:
            return False
        now = time.time()
        async with in_transaction() as conn:
            p = placeholders(conn, 2)
            if is_postgres(conn):
                await conn.execute_query(f"SELECT pg_advisory_xact_lock({LOCK_NAMESPACE}, {p[0]})", [_lock_key(key)])
            await conn.execute_query(f"DELETE FROM rate_limit_hit WHERE key = {p[0]} AND hit_at <= {p[1]}", [key, now - expiry])
            rows = await fetch(conn, f"SELECT COUNT(*) AS n FROM rate_limit_hit WHERE key = {p[0]}", [key])
            if int(rows[0]["n"]) + amount > limit:
                return False
            marks = ", ".join(f"({a}, {b})" for a, b in zip(*[iter(placeholders(conn, 2 * amount))] * 2, strict=True))
            await conn.execute_query(f"INSERT INTO rate_limit_hit (key, hit_at) VALUES {marks}", [v for _ in range(amount) for v in (key, now)])
        return True

    async def get_moving_window(self, key: str, limit: int, expiry: int) -> tuple[float, int]:
        conn = get_connection("default")
        p = placeholders(conn, 2)
        rows = await fetch(conn, f"SELECT MIN(hit_at) AS first, COUNT(*) AS n FROM rate_limit_hit "
                                 f"WHERE key = {p[0]} AND hit_at > {p[1]}", [key, time.time() - expiry])
        count = int(rows[0]["n"] or 0)
        return (float(rows[0]["first"]) if count else time.time()), count

    async def clear(self, key: str) -> None:
        conn = get_connection("default")
        await conn.execute_query(f"DELETE FROM rate_limit_hit WHERE key = {placeholders(conn, 1)[0]}", [key])

    async def reset(self) -> int | None:
        conn = get_connection("default")
        await conn.execute_query("DELETE FROM rate_limit_hit", [])
        return None

    async def check(self) -> bool:
        await get_connection("default").execute_query("SELECT 1", [])
        return True

    # Counters for the fixed-window strategies, which the bank does not use.
    async def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        raise NotImplementedError("DatabaseStorage implements the moving window only")

    async def get(self, key: str) -> int:
        raise NotImplementedError("DatabaseStorage implements the moving window only")

    async def get_expiry(self, key: str) -> float:
        raise NotImplementedError("DatabaseStorage implements the moving window only")


def _lock_key(key: str) -> int:
    # A 32-bit key for the two-argument advisory lock; collisions only make two keys wait on each other.
    return zlib.crc32(key.encode()) - 2**31

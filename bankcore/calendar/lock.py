"""One day-end at a time, across processes, with nothing to unlock by hand after a crash.

PostgreSQL: a session-level advisory lock taken with ``pg_try_advisory_lock`` on a
connection of its own, held for the whole run. If the process dies (even ``kill -9``),
its connection closes and PostgreSQL releases the lock: no stuck lock rows (Fineract's
users fight exactly that, FINERACT-2602).

SQLite: an exclusive ``flock`` on a file next to the database, released by the kernel
when the process dies; plus an in-process lock for two runs inside one process.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import os
from collections.abc import AsyncIterator

from tortoise.connection import get_connection

from bankcore.errors import DomainError, ErrorCode

DAY_END_LOCK_KEY = 7_100_002
_in_process = asyncio.Lock()


def _held() -> DomainError:
    return DomainError(ErrorCode.DAY_END_RUNNING, "a day-end is already running; try again when it has finished")


@contextlib.asynccontextmanager
async def _postgres_lock(client: object) -> AsyncIterator[None]:
    import asyncpg

    conn = await asyncpg.connect(
        host=client.host, port=client.port, user=client.user, password=client.password,  # type: ignore[attr-defined]
        database=client.database,  # type: ignore[attr-defined]
    )
    try:
        if not await conn.fetchval("SELECT pg_try_advisory_lock($1)", DAY_END_LOCK_KEY):
            raise _held()
        yield
    finally:
        await conn.close()  # closing the session releases the lock


@contextlib.asynccontextmanager
async def _file_lock(path: str | None) -> AsyncIterator[None]:
    if path is None or path == ":memory:":
        yield
        return
    fd = os.open(f"{path}.day-end.lock", os.O_CREAT | os.O_RDWR, 0o600)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise _held() from None
        yield
    finally:
        os.close(fd)  # closing the descriptor releases the flock


@contextlib.asynccontextmanager
async def day_end_lock() -> AsyncIterator[None]:
    """Hold the bank-wide day-end lock for the ``async with`` block.

    Raises ``DomainError(DAY_END_RUNNING)`` at once if another run holds it (in this
    process or any other): a second accountant's click is refused, not queued.
    """
    if _in_process.locked():
        raise _held()
    async with _in_process:
        client = get_connection("default")
        if client.capabilities.dialect == "postgres":
            async with _postgres_lock(client):
                yield
        else:
            async with _file_lock(getattr(client, "filename", None)):
                yield

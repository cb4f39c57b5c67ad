"""Small helpers for the few hand-written SQL statements on the ledger's hot paths.

The ORM is fine for most work; a posting, though, is the bank's busiest transaction and
its lock query needs a join and ``FOR UPDATE OF``, which Tortoise cannot express.
"""

from __future__ import annotations

from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient


def is_postgres(conn: BaseDBAsyncClient) -> bool:
    return conn.capabilities.dialect == "postgres"


def placeholders(conn: BaseDBAsyncClient, count: int, start: int = 1) -> list[str]:
    """``$1, $2, ...`` for asyncpg, ``?, ?, ...`` for SQLite."""
    if is_postgres(conn):
        return [f"${i}" for i in range(start, start + count)]
    return ["?"] * count


async def fetch(conn: BaseDBAsyncClient, sql: str, params: list[Any]) -> list[dict[str, Any]]:
    return await conn.execute_query_dict(sql, params)

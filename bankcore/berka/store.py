"""Set-based inserts of imported reference rows (members, accounts, ...), keyed by a unique column.

The importer writes thousands of rows per table; one ORM ``create`` per row would be a
round trip each (ARCHITECTURE.md §5). Here rows go in as one ``COPY`` (PostgreSQL) or
one ``executemany`` (SQLite) per chunk, after dropping those whose key (``source_ref``
or ``code``) already exists, so every stage can be re-run and resumed.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date, datetime
from enum import Enum
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.connection import get_connection
from tortoise.transactions import in_transaction

DEFAULT_CHUNK = 10_000


def _is_pg(conn: BaseDBAsyncClient) -> bool:
    return conn.capabilities.dialect == "postgres"


def _sqlite_value(value: Any) -> Any:
    """Python value -> what Tortoise itself stores in SQLite for it."""
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, datetime):
        return str(value)
    if isinstance(value, date):
        return value.isoformat()
    return value


def _pg_value(value: Any) -> Any:
    return value.value if isinstance(value, Enum) else value


async def existing_keys(conn: BaseDBAsyncClient, table: str, column: str, keys: Sequence[str]) -> dict[str, int]:
    """``{key: id}`` for the rows of ``table`` whose ``column`` is one of ``keys``."""
    if not keys:
        return {}
    found: dict[str, int] = {}
    for start in range(0, len(keys), 50_000):
        batch = list(keys[start : start + 50_000])
        if _is_pg(conn):
            _, rows = await conn.execute_query(
                f'SELECT id, "{column}" AS k FROM "{table}" WHERE "{column}" = ANY($1::text[])', [batch]
            )
        else:
            _, rows = await conn.execute_query(
                f'SELECT id, "{column}" AS k FROM "{table}" WHERE "{column}" IN (SELECT value FROM json_each(?))',
                [json.dumps(batch)],
            )
        found.update({row["k"]: int(row["id"]) for row in rows})
    return found


async def insert_missing(
    table: str,
    columns: Sequence[str],
    rows: Sequence[Sequence[Any]],
    *,
    key: str,
    chunk_size: int = DEFAULT_CHUNK,
) -> tuple[int, dict[str, int]]:
    """Insert the ``rows`` of ``table`` whose ``key`` column value is new.

    ``rows`` are value tuples in ``columns`` order; ``key`` must be one of ``columns``
    and unique in the table. Each chunk commits on its own. Returns (rows inserted,
    ``{key value: id}`` for every row given, new or not).
    """
    key_index = list(columns).index(key)
    conn = get_connection("default")
    inserted = 0
    for start in range(0, len(rows), chunk_size):
        chunk = rows[start : start + chunk_size]
        async with in_transaction() as tx:
            if _is_pg(tx):
                # Key lookups must use the unique index even when the planner's statistics
                # are stale (see bankcore.ledger.bulk).
                await tx.execute_script("SET LOCAL enable_seqscan = off")
            present = await existing_keys(tx, table, key, [r[key_index] for r in chunk])
            todo = [r for r in chunk if r[key_index] not in present]
            if not todo:
                continue
            if _is_pg(tx):
                await tx._connection.copy_records_to_table(  # type: ignore[attr-defined]
                    table, records=[tuple(_pg_value(v) for v in r) for r in todo], columns=list(columns)
                )
            else:
                marks = ", ".join("?" * len(columns))
                names = ", ".join(f'"{c}"' for c in columns)
                await tx.execute_many(
                    f'INSERT INTO "{table}" ({names}) VALUES ({marks})',
                    [[_sqlite_value(v) for v in r] for r in todo],
                )
            inserted += len(todo)
    ids = await existing_keys(conn, table, key, [r[key_index] for r in rows])
    return inserted, ids

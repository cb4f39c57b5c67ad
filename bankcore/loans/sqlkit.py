"""Named parameters and date arithmetic for the loans' set-based SQL, on PostgreSQL and SQLite."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient

from bankcore.ledger.sql import is_postgres

_NAME = re.compile(r"(?<![:\w]):([a-z_][a-z0-9_]*)")


def bind(conn: BaseDBAsyncClient, sql: str, params: dict[str, Any]) -> tuple[str, list[Any]]:
    """``:name`` placeholders -> ``$n`` (PostgreSQL, dates and ints cast) or ``?`` (SQLite, dates as ISO text)."""
    pg = is_postgres(conn)
    values: list[Any] = []
    numbers: dict[str, int] = {}

    def replace(match: re.Match[str]) -> str:
        name = match.group(1)
        value = params[name]
        if pg:
            if name not in numbers:
                values.append(value)
                numbers[name] = len(values)
            cast = "::date" if isinstance(value, date) else "::bigint" if isinstance(value, int) and not isinstance(value, bool) else ""
            return f"${numbers[name]}{cast}"
        values.append(value.isoformat() if isinstance(value, date) else value)
        return "?"

    return _NAME.sub(replace, sql), values


def days_between(conn: BaseDBAsyncClient, later: str, earlier: str) -> str:
    """SQL for whole days from ``earlier`` to ``later`` (both date expressions)."""
    if is_postgres(conn):
        return f"({later} - {earlier})"
    return f"CAST(julianday({later}) - julianday({earlier}) AS INTEGER)"


def minus_days(conn: BaseDBAsyncClient, day: str, days: str) -> str:
    """SQL for the date ``days`` (an integer expression) before ``day``."""
    if is_postgres(conn):
        return f"({day} - CAST({days} AS INTEGER))"
    return f"date({day}, '-' || ({days}) || ' days')"


def is_distinct(conn: BaseDBAsyncClient, a: str, b: str) -> str:
    """SQL true when ``a`` and ``b`` differ, NULL counting as a value."""
    return f"({a} IS DISTINCT FROM {b})" if is_postgres(conn) else f"({a} IS NOT {b})"


def least(conn: BaseDBAsyncClient, a: str, b: str) -> str:
    return f"LEAST({a}, {b})" if is_postgres(conn) else f"MIN({a}, {b})"


async def execute(conn: BaseDBAsyncClient, sql: str, params: dict[str, Any]) -> int:
    """Run one statement; returns the rows it changed (also for ``WITH ... UPDATE``)."""
    text, values = bind(conn, sql, params)
    if is_postgres(conn) and text.lstrip().upper().startswith("WITH"):
        # Tortoise counts the rows *returned* by a statement that does not start with
        # UPDATE / INSERT / DELETE (none here): read the command tag instead.
        async with conn.acquire_connection() as raw:
            tag = await raw.execute(text, *values)
        return int(tag.rsplit(" ", 1)[-1]) if tag and tag.rsplit(" ", 1)[-1].isdigit() else 0
    count, _ = await conn.execute_query(text, values)
    return count


async def rows(conn: BaseDBAsyncClient, sql: str, params: dict[str, Any]) -> list[dict[str, Any]]:
    text, values = bind(conn, sql, params)
    return await conn.execute_query_dict(text, values)


def greatest(conn: BaseDBAsyncClient, a: str, b: str) -> str:
    return f"GREATEST({a}, {b})" if is_postgres(conn) else f"MAX({a}, {b})"


def plus_months(conn: BaseDBAsyncClient, day: str, months: str) -> str:
    """SQL for the date ``months`` (an integer expression) after ``day``; only for days of month 1-28 (no clamping)."""
    if is_postgres(conn):
        return f"CAST({day} + make_interval(months => CAST({months} AS INTEGER)) AS DATE)"
    return f"date({day}, '+' || ({months}) || ' months')"

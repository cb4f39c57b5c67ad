"""The bank's business date: stored, never the wall clock, moved forward only by day-end.

Every posting takes its value date from here (unless a permitted back-value is given),
so imports and tests can run in 1993 and a branch can close a day at 23:00 or at 01:00.

Consistency with day-end. A posting reads the business date *inside* its transaction
while holding a shared lock, and day-end moves the date forward while holding the same
lock exclusively: so once day-end has moved D to D+1, every posting valued D has
committed, and no later posting can land on D behind a step that already summed it.
On PostgreSQL the lock is a transaction-level advisory lock (shared locks do not queue
behind each other and need no row write); SQLite runs one write transaction at a time.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.connection import get_connection

from bankcore.ledger.sql import fetch, is_postgres, placeholders

CALENDAR_ROW_ID = 1
# pg_advisory_xact_lock key of the business date (any 64-bit number not used elsewhere).
BUSINESS_DATE_LOCK_KEY = 7_100_001


def _as_date(value: object) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


async def _read(conn: BaseDBAsyncClient, *, lock: str | None) -> date | None:
    mark = placeholders(conn, 1)[0]
    if lock is not None and is_postgres(conn):
        fn = "pg_advisory_xact_lock_shared" if lock == "shared" else "pg_advisory_xact_lock"
        rows = await fetch(
            conn,
            f"SELECT {fn}({BUSINESS_DATE_LOCK_KEY}), business_date FROM bank_calendar WHERE id = {mark}",
            [CALENDAR_ROW_ID],
        )
    else:
        rows = await fetch(conn, f"SELECT business_date FROM bank_calendar WHERE id = {mark}", [CALENDAR_ROW_ID])
    return _as_date(rows[0]["business_date"]) if rows else None


async def ensure_calendar(*, start: date | None = None) -> date:
    """Create the calendar row if the bank has none; return the business date.

    A new bank's first business date is ``start`` or, by default, today's date (the only
    place the wall clock sets a banking date: the day the bank is set up). Idempotent and
    safe under concurrency (insert-if-absent).
    """
    conn = get_connection("default")
    found = await _read(conn, lock=None)
    if found is not None:
        return found
    first = start or datetime.now(UTC).date()
    m = placeholders(conn, 3)
    await conn.execute_query(
        f"INSERT INTO bank_calendar (id, business_date, updated_at) VALUES ({', '.join(m)}) ON CONFLICT (id) DO NOTHING",
        [CALENDAR_ROW_ID, first, datetime.now(UTC)],
    )
    found = await _read(conn, lock=None)
    assert found is not None
    return found


async def business_date() -> date:
    """The bank's current business date (creating the calendar on first use).

    For display and defaults. A posting reads it under the day-end lock instead
    (``business_date_for_posting``).
    """
    found = await _read(get_connection("default"), lock=None)
    return found if found is not None else await ensure_calendar()


async def business_date_for_posting(conn: BaseDBAsyncClient) -> date:
    """The business date, read inside the posting transaction ``conn`` under the shared lock.

    Day-end's move to the next date waits for this transaction to end (see module doc).
    """
    found = await _read(conn, lock="shared")
    if found is None:
        await ensure_calendar()
        found = await _read(conn, lock="shared")
    assert found is not None
    return found


async def posting_window(conn: BaseDBAsyncClient) -> tuple[date, date | None]:
    """(business date, books closed through) read in posting transaction ``conn`` under the shared lock.

    ``books closed through`` is the last day of the last closed financial year (None
    while no year is closed): ``post_entry`` refuses value dates on or before it. Read in
    the same statement as the business date, so it costs the posting no round trip.
    """
    for _ in range(2):
        mark = placeholders(conn, 1)[0]
        lock = f"pg_advisory_xact_lock_shared({BUSINESS_DATE_LOCK_KEY}), " if is_postgres(conn) else ""
        rows = await fetch(
            conn, f"SELECT {lock}business_date, books_closed_through FROM bank_calendar WHERE id = {mark}", [CALENDAR_ROW_ID]
        )
        if rows:
            closed = rows[0]["books_closed_through"]
            return _as_date(rows[0]["business_date"]), (_as_date(closed) if closed is not None else None)
        await ensure_calendar()
    raise AssertionError("the calendar row could not be created")


async def close_books_through(conn: BaseDBAsyncClient, *, through: date) -> None:
    """Refuse postings valued on or before ``through`` from now on (the year-end close), in transaction ``conn``.

    Takes the business-date lock exclusively, so postings in flight (which hold it shared)
    finish first. Never moves the date back.
    """
    await _read(conn, lock="exclusive")
    m = placeholders(conn, 3)
    await conn.execute_query(
        f"UPDATE bank_calendar SET books_closed_through = {m[0]} WHERE id = {m[1]} "
        f"AND (books_closed_through IS NULL OR books_closed_through < {m[2]})",
        [through, CALENDAR_ROW_ID, through],
    )


async def books_closed_through() -> date | None:
    """The last day of the last closed financial year, or None."""
    conn = get_connection("default")
    mark = placeholders(conn, 1)[0]
    rows = await fetch(conn, f"SELECT books_closed_through FROM bank_calendar WHERE id = {mark}", [CALENDAR_ROW_ID])
    value = rows[0]["books_closed_through"] if rows else None
    return _as_date(value) if value is not None else None


async def advance_business_date(conn: BaseDBAsyncClient, *, closing: date) -> date:
    """Move the business date from ``closing`` to the day after, inside transaction ``conn``.

    Takes the business-date lock exclusively, so it waits for postings in flight. Returns
    the new business date. If the date is no longer ``closing`` (another run moved it),
    it is left as it is and returned.
    """
    current = await _read(conn, lock="exclusive")
    if current != closing:
        return current if current is not None else closing
    following = closing + timedelta(days=1)
    m = placeholders(conn, 3)
    await conn.execute_query(
        f"UPDATE bank_calendar SET business_date = {m[0]}, updated_at = {m[1]} WHERE id = {m[2]}",
        [following, datetime.now(UTC), CALENDAR_ROW_ID],
    )
    return following


async def set_business_date_at_least(day: date) -> date:
    """Move the business date forward to ``day`` if it is earlier; never backwards.

    For a data import that brings history up to ``day`` (the Berka import sets the date
    to its last transaction date). Returns the business date afterwards. Day-end is the
    only other mover of the date.
    """
    from tortoise.transactions import in_transaction

    await ensure_calendar(start=day)
    async with in_transaction() as conn:
        current = await _read(conn, lock="exclusive")
        assert current is not None
        if current >= day:
            return current
        m = placeholders(conn, 3)
        await conn.execute_query(
            f"UPDATE bank_calendar SET business_date = {m[0]}, updated_at = {m[1]} WHERE id = {m[2]}",
            [day, datetime.now(UTC), CALENDAR_ROW_ID],
        )
        return day

"""Month-end balance snapshots, so that a balance as of any date reads a month of postings,
not the whole history (historical balances in the manner of Blnk's and TigerBeetle's).

A snapshot (``BalanceSnapshotRun`` + ``BalanceSnapshot``) holds, for a month end ``S``,
every ledger account's debits minus credits over the postings valued on or before ``S``
with id up to ``through_posting_id``, and the account's last customer-induced value date.
It is taken under the business-date lock (every posting transaction holds that lock
shared while it writes; the bulk importer holds a table lock on ``ledger_account``), so
every posting with a lower id is committed and every later one gets a higher id.

A balance as of ``D`` is then the union of three disjoint sets of postings:

1. the latest snapshot ``S <= D`` (postings valued ``<= S``, id ``<= through``);
2. postings valued in ``(S, D]``, read through the journal's ``(value_date, id)`` index;
3. postings valued ``<= S`` with id ``> through``: back-values written after the snapshot.

Without a snapshot at or before ``D`` the sum runs over all postings valued ``<= D``.
Snapshots are never updated (a back-value is corrected by part 3) and are taken by the
day-end step ``reports.balance_snapshot`` at each month end, or for a whole imported
history by ``snapshot_history``.
"""

from __future__ import annotations

import calendar
from datetime import UTC, date, datetime
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.connection import get_connection
from tortoise.transactions import in_transaction

from bankcore.ledger.sql import fetch, is_postgres, placeholders
from bankcore.models import BalanceSnapshotRun, EntryType

CUSTOMER_INDUCED = (
    EntryType.CASH_DEPOSIT, EntryType.CASH_WITHDRAWAL, EntryType.TRANSFER, EntryType.INWARD_TRANSFER,
    EntryType.OUTWARD_TRANSFER, EntryType.CARD_WITHDRAWAL,
)
_TYPES = ", ".join(f"'{t.value}'" for t in CUSTOMER_INDUCED)
_SIGNED = "CASE p.side WHEN 'D' THEN p.amount_minor ELSE -p.amount_minor END"
_LAST = f"CASE WHEN je.entry_type IN ({_TYPES}) THEN p.value_date END"


def _as_date(value: object) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def month_end(day: date) -> date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


async def latest_snapshot(on_or_before: date) -> tuple[int, date, int] | None:
    """(run id, as_of, through_posting_id) of the latest snapshot at or before the date."""
    run = await BalanceSnapshotRun.filter(as_of__lte=on_or_before).order_by("-as_of").first()
    return (run.id, _as_date(run.as_of), int(run.through_posting_id)) if run else None


async def balance_source(conn: BaseDBAsyncClient, *, as_of: date, currency: str, start: int = 1,
                         last_customer: bool = False) -> tuple[str, list[Any]]:
    """SQL of a subquery with one row per ledger account of ``currency`` that has postings
    valued on or before ``as_of``: ``id``, ``net`` (debits minus credits) and, with
    ``last_customer``, ``last_customer`` (last customer-induced value date or NULL).

    Its placeholders are numbered from ``start`` (PostgreSQL); put it in the statement
    before any other placeholder and pass its params first.
    """
    snapshot = await latest_snapshot(as_of)
    if snapshot is None:
        m = placeholders(conn, 2, start)
        if last_customer:
            sql = (f"SELECT p.ledger_account_id AS id, SUM({_SIGNED}) AS net, MAX({_LAST}) AS last_customer "
                   "FROM posting p JOIN journal_entry je ON je.id = p.entry_id "
                   f"WHERE p.value_date <= {m[0]} AND p.currency = {m[1]} GROUP BY p.ledger_account_id")
        else:
            sql = (f"SELECT p.ledger_account_id AS id, SUM({_SIGNED}) AS net FROM posting p "
                   f"WHERE p.value_date <= {m[0]} AND p.currency = {m[1]} GROUP BY p.ledger_account_id")
        return sql, [as_of, currency]
    run_id, snap_day, through = snapshot
    # The snapshot's rows are the spine (the planner knows their number, so the reports'
    # joins to 100,000 accounts are hash joins, not a nested loop it chose because a GROUP
    # BY over a UNION is estimated at 200 rows); the postings after it are aggregated in
    # ``d`` and added, and accounts without a snapshot row come from ``d`` alone.
    m = placeholders(conn, 9, start)
    last = (", CASE WHEN d.last_customer IS NULL OR (s.last_customer_on IS NOT NULL "
            "AND s.last_customer_on >= d.last_customer) THEN s.last_customer_on ELSE d.last_customer END AS last_customer"
            if last_customer else "")
    sql = (
        "WITH d AS (SELECT id, SUM(net) AS net, MAX(last_customer) AS last_customer FROM ("
        f"SELECT p.ledger_account_id AS id, {_SIGNED} AS net, {_LAST} AS last_customer "
        "FROM journal_entry je JOIN posting p ON p.entry_id = je.id "
        f"WHERE je.value_date > {m[0]} AND je.value_date <= {m[1]} AND p.currency = {m[2]} "
        f"UNION ALL SELECT p.ledger_account_id, {_SIGNED}, {_LAST} "
        "FROM posting p JOIN journal_entry je ON je.id = p.entry_id "
        f"WHERE p.id > {m[3]} AND p.value_date <= {m[4]} AND p.currency = {m[5]}"
        ") u GROUP BY id) "
        f"SELECT s.ledger_account_id AS id, s.net_debit_minor + COALESCE(d.net, 0) AS net{last} "
        "FROM balance_snapshot s LEFT JOIN d ON d.id = s.ledger_account_id "
        f"WHERE s.run_id = {m[6]} AND s.currency = {m[7]} "
        f"UNION ALL SELECT d.id, d.net{', d.last_customer' if last_customer else ''} FROM d WHERE NOT EXISTS "
        f"(SELECT 1 FROM balance_snapshot s2 WHERE s2.run_id = {m[8]} AND s2.ledger_account_id = d.id)"
    )
    return sql, [snap_day, as_of, currency, through, snap_day, currency, run_id, currency, run_id]


async def take_snapshot(*, as_of: date) -> BalanceSnapshotRun:
    """Take the snapshot of the end of ``as_of`` (idempotent: an existing one is returned).

    Reads the highest committed posting id under the business-date lock, then writes one
    row per account with postings valued on or before ``as_of`` in one set-based
    statement: from the previous snapshot plus the postings it lacks when there is one
    (a month of postings), else from the whole history.
    """
    existing = await BalanceSnapshotRun.get_or_none(as_of=as_of)
    if existing is not None:
        return existing
    async with in_transaction() as conn:
        if is_postgres(conn):
            await conn.execute_query("SELECT business_date FROM bank_calendar FOR UPDATE")
            await conn.execute_script("LOCK TABLE ledger_account IN SHARE MODE")
        through = int((await fetch(conn, "SELECT COALESCE(MAX(id), 0) AS n FROM posting", []))[0]["n"])
    async with in_transaction() as conn:
        m = placeholders(conn, 3)
        await conn.execute_query(
            f"INSERT INTO balance_snapshot_run (as_of, through_posting_id, accounts, created_at) VALUES ({m[0]}, {m[1]}, 0, {m[2]})",
            [as_of, through, datetime.now(UTC)],
        )
        run = await BalanceSnapshotRun.get(as_of=as_of).using_db(conn)
        previous = await BalanceSnapshotRun.filter(as_of__lt=as_of).using_db(conn).order_by("-as_of").first()
        if previous is None:
            m = placeholders(conn, 3)
            await conn.execute_query(
                "INSERT INTO balance_snapshot (run_id, ledger_account_id, currency, net_debit_minor, last_customer_on) "
                f"SELECT {m[0]}, p.ledger_account_id, MIN(p.currency), SUM({_SIGNED}), MAX({_LAST}) "
                "FROM posting p JOIN journal_entry je ON je.id = p.entry_id "
                f"WHERE p.value_date <= {m[1]} AND p.id <= {m[2]} GROUP BY p.ledger_account_id",
                [run.id, as_of, through],
            )
        else:
            # Incremental: the previous snapshot (valued <= S0, id <= T0) plus the two disjoint
            # sets it lacks - valued in (S0, as_of] with id <= through, and back-values (valued
            # <= S0) with id in (T0, through] - so a month end reads a month of postings, not
            # the whole history (the same three parts as ``balance_source``).
            # The month's postings are found by their own value date (a copy of their entry's)
            # as well as the entry's: PostgreSQL then reads that month's block ranges of
            # ``posting`` (its BRIN index) instead of every posting, whatever its statistics
            # say about the entries of a day-end that has just written 61,000 of them.
            if is_postgres(conn):
                await conn.execute_query("SET LOCAL work_mem = '64MB'")  # the GROUP BY of 100,000 accounts in memory
            m = placeholders(conn, 10)
            await conn.execute_query(
                "INSERT INTO balance_snapshot (run_id, ledger_account_id, currency, net_debit_minor, last_customer_on) "
                f"SELECT {m[0]}, id, MIN(currency), SUM(net), MAX(last_customer) FROM ("
                "SELECT s.ledger_account_id AS id, s.currency, s.net_debit_minor AS net, s.last_customer_on AS last_customer "
                f"FROM balance_snapshot s WHERE s.run_id = {m[1]} "
                f"UNION ALL SELECT p.ledger_account_id, p.currency, {_SIGNED}, {_LAST} "
                "FROM journal_entry je JOIN posting p ON p.entry_id = je.id "
                f"WHERE je.value_date > {m[2]} AND je.value_date <= {m[3]} AND p.id <= {m[4]} "
                f"AND p.value_date > {m[5]} AND p.value_date <= {m[6]} "
                f"UNION ALL SELECT p.ledger_account_id, p.currency, {_SIGNED}, {_LAST} "
                "FROM posting p JOIN journal_entry je ON je.id = p.entry_id "
                f"WHERE p.id > {m[7]} AND p.id <= {m[8]} AND p.value_date <= {m[9]}"
                ") u GROUP BY id",
                [run.id, previous.id, _as_date(previous.as_of), as_of, through, _as_date(previous.as_of), as_of,
                 int(previous.through_posting_id), through, _as_date(previous.as_of)],
            )
        count = (await fetch(conn, f"SELECT COUNT(*) AS n FROM balance_snapshot WHERE run_id = {placeholders(conn, 1)[0]}",
                             [run.id]))[0]["n"]
        await BalanceSnapshotRun.filter(id=run.id).using_db(conn).update(accounts=int(count))
    return await BalanceSnapshotRun.get(as_of=as_of)


async def snapshot_history(*, through: date) -> list[date]:
    """Take the missing snapshots of every month end from the first posting's month up to
    ``through`` (inclusive); returns the dates taken. For an imported history."""
    conn = get_connection("default")
    first = (await fetch(conn, "SELECT MIN(value_date) AS d FROM posting", []))[0]["d"]
    if first is None:
        return []
    taken = []
    day = month_end(_as_date(first))
    have = set(await BalanceSnapshotRun.all().values_list("as_of", flat=True))
    while day <= through:
        if day not in {_as_date(d) for d in have}:
            await take_snapshot(as_of=day)
            taken.append(day)
        day = month_end(date(day.year + (day.month == 12), day.month % 12 + 1, 1))
    return taken

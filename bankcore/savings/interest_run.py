"""Savings interest from the ledger, set-based: daily products, period credit, month-end accrual.

The rule (RBI/2009-10/339, daily product; IBA practice Actual/365 fixed, 365 even in a
leap year): an account's interest for a period is

    round_half_up( Σ over the period's days of max(end-of-day balance, 0) × rate / (10000 × 365) )

with the rate in force on each day (basis points a year), rounded **once** per account
and period. End-of-day balances come from the ledger by value date, so imported history
and back-valued postings count. The same sum as ``bankcore.interest.savings.savings_interest``
(the pure reference the tests compare against), computed in one SQL statement for all of
a product's accounts:

* a day's end-of-day balance is the account's cached balance less every posting valued
  after that day (this reads only the period's postings and later ones, never the whole
  history);
* ``runs``: the days on which the balance or the rate changes cut the period into runs;
  window sums over the period's postings in date order give each run's end-of-day
  balance and ``LEAD`` its length in days;
* an account positive on every day of the period (or on none), which two bounds from
  one aggregate over those postings tell, needs no runs: its product is a closed form (or
  nothing); only the others, a tenth of the accounts on the benchmark bank, are sorted
  (``_products_sql``);
* Σ max(balance, 0) × days × rate is exact integer arithmetic; the half-up rounding is an
  integer division ``(2n + d) div 2d``.

The credit computes the daily products once, into a temporary table with the entries'
ids, then writes with one statement each (records, entries, postings, outbox events,
balances) over all accounts at once, in one transaction; the record table is the guard
that makes a re-run post nothing twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.transactions import in_transaction

from bankcore import chart
from bankcore.ledger.sql import fetch, is_postgres
from bankcore.models import Product
from bankcore.savings.rates import RateSegment, rate_segments

# Actual/365 fixed: the denominator of the daily rate, leap years included.
DAYS_IN_YEAR = 365
BPS = 10_000
_DENOMINATOR = BPS * DAYS_IN_YEAR
# Accounts that earn: everything but accounts not yet open or already closed (inoperative,
# dormant and frozen accounts still earn interest: RBI inoperative-account directions).
_EARNING = "a.status NOT IN ('pending', 'closed')"


class _Params:
    """Numbered placeholders for one statement, with PostgreSQL casts where needed."""

    def __init__(self, conn: BaseDBAsyncClient) -> None:
        self.pg = is_postgres(conn)
        self.values: list[Any] = []

    def __call__(self, value: Any, pg_type: str | None = None) -> str:
        self.values.append(value)
        if not self.pg:
            return f"?{len(self.values)}"  # numbered, so a fragment may appear twice
        mark = f"${len(self.values)}"
        return f"{mark}::{pg_type}" if pg_type else mark

    def days(self, later: str, earlier: str) -> str:
        """SQL for the number of days from ``earlier`` to ``later`` (both date expressions)."""
        if self.pg:
            return f"({later} - {earlier})"
        return f"CAST(julianday({later}) - julianday({earlier}) AS INTEGER)"

    def div(self, numerator: str, denominator: str) -> str:
        """Integer division of non-negative integers (PostgreSQL sums of bigint are numeric)."""
        if self.pg:
            return f"div({numerator}, {denominator})::bigint"
        return f"(({numerator}) / ({denominator}))"

    def least(self, a: str, b: str) -> str:
        return f"LEAST({a}, {b})" if self.pg else f"MIN({a}, {b})"

    def bigint(self, expr: str) -> str:
        return f"({expr})::bigint" if self.pg else f"({expr})"


def _products_sql(q: _Params, product_id: int, start: date, end: date, segments: list[RateSegment],
                  ledger_account_ids: list[int] | None) -> str:
    """SELECT lid, product, interest for every earning account of ``product_id`` over ``start..end``.

    An end-of-day balance is the cached balance less the postings valued after that day.
    The accounts fall in three classes by two bounds on every end-of-day balance of the
    period, read from the period's postings (and later ones) in one aggregate: with ``C``
    and ``D`` the credits and debits valued from ``start`` on, no end-of-day balance is
    below ``bal - C`` nor above ``bal + D``. So

    * ``bal - C > 0``: positive every day, so the daily product is the plain sum of the
      end-of-day balances, in closed form per rate segment ``[f, t]`` of ``n`` days:
      ``n * bal - Σ delta * min(value date - f, n)`` over the postings valued after ``f``
      (a posting valued on day ``v`` is missing from the end-of-day balances of the
      ``v - f`` days before it) - one aggregate, no sort;
    * ``bal + D <= 0``: never positive, nothing to compute;
    * the others (overdrawn on some days and not others, a tenth of the accounts of the
      benchmark bank) go through one sort of their postings per account and date: a
      change point's end-of-day balance is ``bal + (running sum through the day - sum of
      all from start)``, both window sums over the same partition; postings of one day
      are peers (the default RANGE frame gives each the day's balance) and every peer but
      the last lasts 0 days, so no grouping by day is needed.
    """
    only = ""
    if ledger_account_ids is not None:
        only = " AND la.id IN (" + ", ".join(q(i, "bigint") for i in ledger_account_ids) + ")" if ledger_account_ids else " AND 1 = 0"
    acc = (f"SELECT la.id AS lid, la.balance_minor AS bal FROM account a "
           f"JOIN ledger_account la ON la.id = a.ledger_account_id "
           f"WHERE a.product_id = {q(product_id, 'bigint')} AND {_EARNING}{only}")
    segs = ", ".join(f"({q(s.start, 'date')}, {q(s.end, 'date')}, {q(s.annual_rate_bps, 'bigint')})" for s in segments)
    start_mark = q(start, "date")
    end_mark = q(end, "date")
    after_end = q(end + timedelta(days=1), "date")
    days = q.days(q.least(f"COALESCE(runs.nxt, {after_end})", after_end), "runs.d")
    seg_days = q.days("segs.t", "segs.f") + " + 1"
    before = q.least(q.days("mv.d", "segs.f"), seg_days)  # days of the segment before the posting's value date
    # A run's end-of-day balance and its balance-days are bigints (a balance times at most
    # 184 days); only the weighted sums multiply by the rate, as numeric on PostgreSQL so
    # that no balance a bank can hold overflows. Window sums of bigints are numeric in
    # PostgreSQL: cast back once per row instead of doing every later step in numeric.
    eod = "runs.eod"
    balance_days = f"{eod} * {days}"
    weighted = f"CAST({balance_days} AS NUMERIC) * segs.r" if q.pg else f"{balance_days} * segs.r"
    term_weighted = "CAST(x.v AS NUMERIC) * x.r" if q.pg else "x.v * x.r"
    return (
        f"WITH acc AS ({acc}), segs (f, t, r) AS (VALUES {segs}), "
        "mv AS (SELECT p.ledger_account_id AS lid, p.value_date AS d, "
        "CASE WHEN p.side = 'C' THEN p.amount_minor ELSE -p.amount_minor END AS delta "
        f"FROM posting p JOIN acc ON acc.lid = p.ledger_account_id WHERE p.value_date >= {start_mark}), "
        # k: 1 positive every day of the period, -1 never positive, 0 the others
        "cls AS (SELECT acc.lid, acc.bal, CASE WHEN acc.bal - COALESCE(m.cr, 0) > 0 THEN 1 "
        "WHEN acc.bal + COALESCE(m.dr, 0) <= 0 THEN -1 ELSE 0 END AS k FROM acc LEFT JOIN "
        "(SELECT lid, SUM(CASE WHEN delta > 0 THEN delta ELSE 0 END) AS cr, "
        "SUM(CASE WHEN delta < 0 THEN -delta ELSE 0 END) AS dr FROM mv GROUP BY lid) m ON m.lid = acc.lid), "
        # positive every day: the closed form, per segment
        f"pos AS (SELECT x.lid, SUM(x.v) AS product, SUM({term_weighted}) AS weighted FROM ("
        f"SELECT cls.lid, segs.r, cls.bal * ({seg_days}) AS v FROM cls CROSS JOIN segs WHERE cls.k = 1 "
        f"UNION ALL SELECT mv.lid, segs.r, -mv.delta * {before} AS v FROM mv JOIN cls ON cls.lid = mv.lid "
        "CROSS JOIN segs WHERE cls.k = 1 AND mv.d > segs.f) x GROUP BY x.lid), "
        # the others: runs of end-of-day balances; the cached balance rides along every row
        # so the runs need no second join
        "pts AS (SELECT cls.lid, cls.bal, segs.f AS d, 0 AS delta FROM cls CROSS JOIN segs WHERE cls.k = 0 "
        "UNION ALL SELECT mv.lid, cls.bal, mv.d, mv.delta FROM mv JOIN cls ON cls.lid = mv.lid WHERE cls.k = 0), "
        "runs AS (SELECT pts.lid, pts.d, pts.bal + "
        + q.bigint("SUM(pts.delta) OVER (PARTITION BY pts.lid ORDER BY pts.d) - SUM(pts.delta) OVER (PARTITION BY pts.lid)")
        + " AS eod, LEAD(pts.d) OVER (PARTITION BY pts.lid ORDER BY pts.d) AS nxt FROM pts), "
        f"mixed AS (SELECT runs.lid, SUM(CASE WHEN {eod} > 0 THEN {balance_days} ELSE 0 END) AS product, "
        f"SUM(CASE WHEN {eod} > 0 THEN {weighted} ELSE 0 END) AS weighted "
        "FROM runs JOIN segs ON runs.d >= segs.f AND runs.d <= segs.t "
        f"WHERE runs.d <= {end_mark} GROUP BY runs.lid), "
        "products AS (SELECT lid, product, weighted FROM pos UNION ALL SELECT lid, product, weighted FROM mixed) "
        f"SELECT lid, {q.bigint('product')} AS product, "
        f"{q.div(f'2 * weighted + {_DENOMINATOR}', str(2 * _DENOMINATOR))} AS interest FROM products"
    )


async def _tune(conn: BaseDBAsyncClient) -> None:
    """PostgreSQL, for this transaction: no JIT (compiling the statement cost half its 11 s on the
    100,000-account benchmark) and room to sort the period's postings in memory."""
    if is_postgres(conn):
        await conn.execute_query("SET LOCAL jit = off")
        await conn.execute_query("SET LOCAL work_mem = '64MB'")


@dataclass(frozen=True, slots=True)
class AccountInterest:
    """One account's daily product (sum of positive end-of-day balances) and interest, in minor units."""

    ledger_account_id: int
    product_minor: int
    interest_minor: int


async def compute_interest(*, product: Product, start: date, end: date,
                           ledger_account_ids: list[int] | None = None) -> dict[int, AccountInterest]:
    """Interest of every earning account of ``product`` for ``start..end`` (inclusive), without posting.

    Keyed by ledger account id; accounts whose balance was never positive are left out.
    ``ledger_account_ids`` limits it to those accounts. Reads only; for previews and tests.
    """
    segments = await rate_segments(product, start, end)
    async with in_transaction() as conn:
        await _tune(conn)
        q = _Params(conn)
        rows = await fetch(conn, _products_sql(q, product.id, start, end, segments, ledger_account_ids), q.values)
    return {int(r["lid"]): AccountInterest(int(r["lid"]), int(r["product"]), int(r["interest"]))
            for r in rows if int(r["product"]) > 0}


async def accrued_total(*, product: Product, start: date, end: date) -> int:
    """Σ over accounts of the interest accrued for ``start..end``, each rounded as it will be credited."""
    segments = await rate_segments(product, start, end)
    async with in_transaction() as conn:
        await _tune(conn)
        q = _Params(conn)
        sql = _products_sql(q, product.id, start, end, segments, None)
        rows = await fetch(conn, f"SELECT {q.bigint('COALESCE(SUM(interest), 0)')} AS total FROM ({sql}) x", q.values)
    return int(rows[0]["total"])


_BATCH = "savings_credit_batch"


async def _batch_table(conn: BaseDBAsyncClient, computed: str, params: list[Any], *, end: date) -> None:
    """Create the transaction's temporary table ``savings_credit_batch (lid, product, interest,
    entry_id)``: the accounts not yet credited for the period ending ``end`` with a positive
    daily product, the entry id each credit will take (NULL when the interest rounds to 0).

    Ids are taken up front (PostgreSQL: the entry sequence; SQLite: one writer, so the ids
    after the highest are ours, as ``bankcore.ledger.batch.write_entries`` does), so the
    postings and events are written from this table without finding their entries again.
    """
    q = _Params(conn)
    q.values = list(params)
    fresh = (f"SELECT x.lid, x.product, x.interest FROM ({computed}) x WHERE x.product > 0 AND NOT EXISTS "
             f"(SELECT 1 FROM savings_interest_credit c WHERE c.ledger_account_id = x.lid "
             f"AND c.period_end = {q(end, 'date')})")
    if q.pg:
        await conn.execute_query(
            f"CREATE TEMP TABLE {_BATCH} ON COMMIT DROP AS SELECT f.lid, f.product, f.interest, CASE WHEN f.interest > 0 "
            f"THEN nextval(pg_get_serial_sequence('journal_entry', 'id')) END AS entry_id FROM ({fresh}) f", q.values)
        await conn.execute_query(f"ANALYZE {_BATCH}")
        return
    await conn.execute_query(f"DROP TABLE IF EXISTS temp.{_BATCH}")
    last = ("(SELECT MAX(COALESCE((SELECT seq FROM sqlite_sequence WHERE name = 'journal_entry'), 0), "
            "COALESCE((SELECT MAX(id) FROM journal_entry), 0)))")
    await conn.execute_query(
        f"CREATE TEMP TABLE {_BATCH} AS SELECT f.lid, f.product, f.interest, CASE WHEN f.interest > 0 THEN {last} + "
        "ROW_NUMBER() OVER (ORDER BY f.interest > 0 DESC, f.lid) END AS entry_id FROM (" + fresh + ") f", q.values)


async def credit_interest(*, product: Product, start: date, end: date, key_prefix: str, initiator: str) -> int:
    """Credit every earning account of ``product`` its interest for ``start..end``, valued ``end``.

    One INTEREST entry per account with interest (Dr interest paid on deposits, Cr the
    account), idempotency key ``key_prefix + <ledger account id>``; accounts already credited
    for a period ending ``end`` are skipped (the ``savings_interest_credit`` record is the
    guard). Set-based, in one transaction: the daily products once into a temporary table
    with the entries' ids, then one statement each for the records, the entries, the
    postings, the ``entry.posted`` outbox events and the balances. Returns the number of
    entries posted.
    """
    gl = await chart.ensure_chart(currency=product.currency)
    expense_id = gl[chart.DEPOSIT_INTEREST_EXPENSE].id
    segments = await rate_segments(product, start, end)
    now = datetime.now(UTC)
    narration = f"Savings interest {start.isoformat()} to {end.isoformat()}"
    async with in_transaction() as conn:
        await _tune(conn)
        q = _Params(conn)
        computed = _products_sql(q, product.id, start, end, segments, None)
        await _batch_table(conn, computed, q.values, end=end)
        q = _Params(conn)
        await conn.execute_query(
            "INSERT INTO savings_interest_credit (ledger_account_id, product_id, period_start, period_end, "
            "product_minor, interest_minor, created_at) "
            f"SELECT b.lid, {q(product.id, 'bigint')}, {q(start, 'date')}, {q(end, 'date')}, b.product, b.interest, "
            f"{q(now, 'timestamptz')} FROM {_BATCH} b",
            q.values,
        )
        q = _Params(conn)
        await conn.execute_query(
            "INSERT INTO journal_entry (id, entry_type, value_date, posted_at, narration, initiator, idempotency_key) "
            f"SELECT b.entry_id, 'interest', {q(end, 'date')}, {q(now, 'timestamptz')}, {q(narration, 'text')}, "
            f"{q(initiator[:100], 'text')}, {q(key_prefix, 'text')} || CAST(b.lid AS TEXT) "
            f"FROM {_BATCH} b WHERE b.entry_id IS NOT NULL ORDER BY b.entry_id",
            q.values,
        )
        q = _Params(conn)
        await conn.execute_query(
            "INSERT INTO posting (entry_id, ledger_account_id, side, amount_minor, currency, value_date) "
            f"SELECT b.entry_id, CASE WHEN legs.side = 'C' THEN b.lid ELSE {q(expense_id, 'bigint')} END, legs.side, "
            f"b.interest, {q(product.currency, 'text')}, {q(end, 'date')} "
            f"FROM {_BATCH} b CROSS JOIN (SELECT 'D' AS side UNION ALL SELECT 'C') AS legs "
            "WHERE b.entry_id IS NOT NULL ORDER BY b.entry_id, legs.side DESC",
            q.values,
        )
        # every posted entry leaves an ``entry.posted`` outbox event (alerts, webhooks), as post_entry does;
        # without balances in the payload (the dispatcher then reads the account's balance)
        q = _Params(conn)
        await conn.execute_query(
            "INSERT INTO outbox_event (topic, ref_id, payload, created_at) "
            f"SELECT 'entry.posted', b.entry_id, '{{}}', {q(now, 'timestamptz')} FROM {_BATCH} b "
            "WHERE b.entry_id IS NOT NULL ORDER BY b.entry_id",
            q.values,
        )
        rows = await fetch(
            conn,
            "UPDATE ledger_account SET balance_minor = ledger_account.balance_minor + b.interest "
            f"FROM {_BATCH} b WHERE b.lid = ledger_account.id AND b.entry_id IS NOT NULL RETURNING ledger_account.id",
            [],
        )
        if not q.pg:
            await conn.execute_query(f"DROP TABLE temp.{_BATCH}")
    return len(rows)

"""Set-based loan classification, accrual and penal charges for a business date (one SQL statement each).

The same rules as the pure ``bankcore.classification`` (which the tests compare against):

* Days past due at the day-end of ``D``: ``D - (due date of the oldest instalment with
  principal or interest unpaid) + 1`` over the rows due on or before ``D``; 0 when the
  arrears are at most the loan's arrears tolerance (Fineract's ``inArrearsTolerance``).
  (RBI IRACP clarifications, 12 Nov 2021: 1 on the due date itself.) Read on the next
  business date ``D + 1``, that is ``business date - due date``, the CLI's definition.
* SMA-0 1-30, SMA-1 31-60, SMA-2 61-90; NPA from the day days past due reach 91
  (``npa_since``), until all arrears are paid; sub-standard while the NPA is at most 12
  months old, D1 to 24, D2 to 48, then D3 (IRACP master circular for UCBs).
* Restructured loans (``reschedule_loan``): during the *specified period*, from the
  restructuring to ``loan.restructured_until`` (12 months after the first instalment
  under the new terms), the loan's own class is never upgraded: it may worsen by the
  rules above, but keeps the worst class it had until the period ends; after it the usual
  rules apply (so a loan still in arrears stays where its days past due put it). This is
  the simple form of the IRAC rule that a restructured account is upgraded only after
  "satisfactory performance during the specified period" (RBI Prudential Framework for
  Resolution of Stressed Assets, 7 Jun 2019, Annex paras on upgradation; UCB IRAC master
  circular on restructured advances: at least one year from the first payment under the
  restructured terms). Not modelled: the downgrade *on* restructuring and the "10 % of
  principal repaid" part of the specified period (``../shared/DOMAIN_NOTES.md`` gives
  neither; both are board-policy choices to add as settings).
* Borrower-wise: the worst NPA class of a borrower's active loans is every one of their
  loans' class (IRACP para 2.2.2); a performing borrower's loans keep their own band.
* Days past due and accrual are computed on read, never stored (both change daily):
  accrual is interest on the principal outstanding (the loan account's balance) from the
  last due date to ``D``, ACT/365, half up, booked by month end and on payment.
* Penal charges: each day-end charges ``unpaid principal+interest x penal rate / 365`` on
  every overdue instalment (millionths of a minor unit; on the overdue instalment only,
  never on charges: RBI penal charges circular, 18 Aug 2023); the step records the date
  and readers compute the total (``bankcore.loans.penal_sql``).
"""

from __future__ import annotations

from datetime import date, timedelta

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.connection import get_connection
from tortoise.transactions import in_transaction

from bankcore.ledger.sql import is_postgres
from bankcore.loans.dates import add_months
from bankcore.loans.penal_sql import record_levy
from bankcore.loans.sqlkit import days_between, execute, is_distinct, minus_days, rows

NPA_RANK = {"SUBSTANDARD": 4, "DOUBTFUL_1": 5, "DOUBTFUL_2": 6, "DOUBTFUL_3": 7, "LOSS": 8}
# Every class, best first (the rank a restructured loan may not improve on during its specified period).
CLASS_RANK = {"STANDARD": 0, "SMA_0": 1, "SMA_1": 2, "SMA_2": 3, **NPA_RANK}
SPECIFIED_PERIOD_MONTHS = 12


def _rank(expr: str) -> str:
    return f"CASE ({expr}) " + " ".join(f"WHEN '{k}' THEN {v}" for k, v in CLASS_RANK.items()) + " ELSE 0 END"


def age_cutoff(as_of: date, months: int) -> date:
    """The earliest NPA date ``s`` with ``as_of <= add_months(s, months)`` (an NPA since ``s`` is at most ``months`` old)."""
    s = add_months(as_of, -months)
    while add_months(s - timedelta(days=1), months) >= as_of:
        s -= timedelta(days=1)
    while add_months(s, months) < as_of:
        s += timedelta(days=1)
    return s


_UNPAID = "(i.principal_minor + i.interest_minor - i.paid_principal_minor - i.paid_interest_minor)"


# Rows due and not fully paid: a fully paid row (``paid_on`` set) owes nothing, so the
# arrears of a loan are the sum over these rows; the partial index
# ``loan_instalment_unpaid_idx`` (due_date, loan_id) WHERE paid_on IS NULL keeps them few.
_ARREARS = (
    f"SELECT i.loan_id, SUM({_UNPAID}) AS arrears, MIN(CASE WHEN {_UNPAID} > 0 THEN i.due_date END) AS oldest "
    "FROM loan_instalment i WHERE i.paid_on IS NULL AND i.due_date <= :d GROUP BY i.loan_id"
)


def _last_due(l: str) -> str:
    return (f"COALESCE((SELECT MAX(i.due_date) FROM loan_instalment i WHERE i.loan_id = {l}.id AND i.due_date <= :d), "
            f"{l}.disbursed_on, {l}.granted_on)")


def _accrued(conn: BaseDBAsyncClient, b: str) -> str:
    """SQL for the interest accrued at ``b``'s rate on its ``balance_minor`` since ``b.last_due`` (ACT/365, half up)."""
    return (f"CASE WHEN {b}.annual_rate_bps = 0 THEN 0 ELSE ({b}.balance_minor * {b}.annual_rate_bps * "
            f"{days_between(conn, ':d', f'{b}.last_due')} * 2 + 3650000) / 7300000 END")


def accrued_sql(conn: BaseDBAsyncClient) -> str:
    """SQL (``:d`` the date) of every ACTIVE loan's interest accrued since its last due date: rows ``(id, accrued)``.

    Computed on read, not stored: the figure changes every day, and storing it rewrote
    every loan row at every day-end. The balance comes from one join, each loan's last due
    date from one probe of the ``(loan_id, due_date)`` index.
    """
    return (
        f"SELECT b.id, {_accrued(conn, 'b')} AS accrued FROM (SELECT l.id, l.annual_rate_bps, la.balance_minor, "
        f"{_last_due('l')} AS last_due FROM loan l JOIN account a ON a.id = l.account_id "
        "JOIN ledger_account la ON la.id = a.ledger_account_id WHERE l.status = 'ACTIVE') b"
    )


async def accrued_interest(on: date) -> dict[int, int]:
    """``{loan id: interest accrued since its last due date}`` of every ACTIVE loan at the day-end of ``on``."""
    conn = get_connection("default")
    return {int(r["id"]): int(r["accrued"]) for r in await rows(conn, accrued_sql(conn), {"d": on})}


def days_past_due_sql(conn: BaseDBAsyncClient, day: str = ":d") -> str:
    """SQL of the days past due at the day-end of ``day`` of every ACTIVE loan in arrears: rows ``(loan_id, dpd)``.

    One aggregate over the unpaid rows due (the partial index of unpaid rows); a loan
    absent from it is 0 days past due. The loan book reads the same figure as of the next
    business date (``business date - oldest due date``).
    """
    return (f"SELECT a.loan_id, {days_between(conn, day, 'a.oldest')} + 1 AS dpd FROM ({_ARREARS.replace(':d', day)}) a "
            "JOIN loan l ON l.id = a.loan_id WHERE l.status = 'ACTIVE' AND a.arrears > l.arrears_tolerance_minor")


async def classify_loans(on: date) -> int:
    """NPA date, own class and borrower-wise class of every ACTIVE loan at the day-end of ``on``.

    Days past due are computed (one aggregate over the unpaid rows due, never a subquery
    per loan), not stored: they change every day for a loan in arrears, and writing them
    rewrote every loan row daily. A loan row is written only when its NPA date or class
    changes (a band boundary crossed, arrears cleared, an NPA ageing into doubtful); the
    date classified is one row (``loan_classification``). The borrower-wise class comes from
    one aggregate per borrower in the same statement, and each loan that changes is written once.
    Returns the loans whose own class or NPA date changed.
    """
    params = {"d": on, "c12": age_cutoff(on, 12), "c24": age_cutoff(on, 24), "c48": age_cutoff(on, 48)}
    async with in_transaction() as conn:
        npa = (f"CASE WHEN c.dpd = 0 THEN NULL WHEN c.npa_since IS NOT NULL THEN c.npa_since "
               f"WHEN c.dpd > 90 THEN {minus_days(conn, ':d', 'c.dpd - 91')} ELSE NULL END")
        own = ("CASE WHEN n.own_class = 'LOSS' AND n.dpd > 0 THEN 'LOSS' "
               "WHEN n.npa IS NOT NULL THEN CASE WHEN n.npa >= :c12 THEN 'SUBSTANDARD' WHEN n.npa >= :c24 "
               "THEN 'DOUBTFUL_1' WHEN n.npa >= :c48 THEN 'DOUBTFUL_2' ELSE 'DOUBTFUL_3' END "
               "WHEN n.dpd = 0 THEN 'STANDARD' WHEN n.dpd <= 30 THEN 'SMA_0' "
               "WHEN n.dpd <= 60 THEN 'SMA_1' ELSE 'SMA_2' END")
        # a restructured loan inside its specified period keeps its (worse) class: no upgrade yet
        held = f"n.restructured_until IS NOT NULL AND :d <= n.restructured_until AND {_rank('n.own_class')} > {_rank(own)}"
        dpd = days_past_due_sql(conn)
        if is_postgres(conn):
            # the aggregate over every unpaid row due in a statement of its own: PostgreSQL plans
            # no parallel workers for a data-modifying WITH, and a CREATE TABLE AS gets two
            # (1.1 s instead of 1.9-2.5 s at 100,000 loans in arrears)
            await execute(conn, "DROP TABLE IF EXISTS pg_temp.classify_dpd", {})  # (called twice in one transaction)
            await execute(conn, f"CREATE TEMP TABLE classify_dpd ON COMMIT DROP AS {dpd}", params)
            dpd = "SELECT loan_id, dpd FROM classify_dpd"
        # own class and borrower-wise class together, into a table of the loans that change, then
        # one UPDATE: a loan row written twice in one transaction has its foreign keys checked
        # again (PostgreSQL re-checks a row of its own transaction: 0.2 s of the old second
        # statement's 0.4 s at 100,000 loans in arrears)
        rank = "CASE m.cls " + " ".join(f"WHEN '{k}' THEN {v}" for k, v in NPA_RANK.items()) + " ELSE 0 END"
        worst = "CASE w.worst " + " ".join(f"WHEN {v} THEN '{k}'" for k, v in NPA_RANK.items()) + " ELSE m.cls END"
        changed = f"(m.own_class <> m.cls OR {is_distinct(conn, 'm.npa_since', 'm.npa')})"
        # (called twice in one transaction; the schema named: never a table of the bank's own)
        await execute(conn, f"DROP TABLE IF EXISTS {'pg_temp' if is_postgres(conn) else 'temp'}.classify_new", {})
        await execute(conn, (
            f"CREATE TEMP TABLE classify_new{' ON COMMIT DROP' if is_postgres(conn) else ''} AS WITH a AS ({dpd}), "
            "c AS (SELECT l.id, l.member_id, l.npa_since, l.own_class, l.asset_class, l.restructured_until, "
            "COALESCE(a.dpd, 0) AS dpd FROM loan l LEFT JOIN a ON a.loan_id = l.id WHERE l.status = 'ACTIVE'), "
            f"n AS (SELECT c.*, {npa} AS npa FROM c), "
            f"m AS (SELECT n.id, n.member_id, n.npa_since, n.npa, n.own_class, n.asset_class, "
            f"CASE WHEN {held} THEN n.own_class ELSE {own} END AS cls FROM n), "
            # the worst NPA class of a borrower's active loans is every one of their loans' class
            # (loans without a borrower, none today, are their own class)
            f"w AS (SELECT m.member_id, MAX({rank}) AS worst FROM m WHERE m.member_id IS NOT NULL GROUP BY m.member_id), "
            f"f AS (SELECT m.id, m.npa, m.cls, {changed} AS own_changed, {worst} AS asset, m.asset_class "
            "FROM m LEFT JOIN w ON w.member_id = m.member_id) "
            "SELECT f.id, f.npa, f.cls, f.asset, f.own_changed FROM f WHERE f.own_changed OR f.asset_class <> f.asset"
        ), params)
        count = int((await rows(conn, "SELECT COUNT(*) AS n FROM classify_new WHERE own_changed", {}))[0]["n"])
        await execute(conn, "UPDATE loan SET npa_since = x.npa, own_class = x.cls, asset_class = x.asset "
                            "FROM classify_new x WHERE x.id = loan.id", {})
        if not is_postgres(conn):
            await execute(conn, "DROP TABLE temp.classify_new", {})
        if not await execute(conn, "UPDATE loan_classification SET classified_on = :d WHERE id = 1", params):
            await execute(conn, "INSERT INTO loan_classification (id, classified_on) VALUES (1, :d)", params)
    return count


async def classified_on() -> date | None:
    """The business date of the loans' last classification, or None before the first."""
    found = await rows(get_connection("default"), "SELECT classified_on FROM loan_classification WHERE id = 1", {})
    if not found:
        return None
    value = found[0]["classified_on"]
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


async def levy_penal_charges(on: date) -> int:
    """Levy the day's penal charges on overdue instalments: record ``on`` as levied (one row; idempotent per date).

    The charges themselves are computed on read from the levied dates
    (``bankcore.loans.penal_sql``), equal to what adding each day's charge to every overdue
    row gave; no instalment row is rewritten. Returns 1 if ``on`` was recorded, 0 if it was already.
    """
    async with in_transaction() as conn:
        return await record_levy(conn, on)

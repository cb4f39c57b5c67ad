"""Penal charges computed on read, in SQL, for every reader and writer of a loan's dues.

Day-end used to add each day's charge to every overdue instalment row (775,312 rows a
day on the 100,000-loan benchmark). Now the ``loans.penal_charges`` step only records
the date in ``loan_penal_levy`` (dates ``levied_from`` .. ``levied_through``, contiguous),
and the charges are what the old daily accumulation gave, computed when read:

* a row holds ``penal_e6`` (millionths of a minor unit) accrued through ``penal_through``;
* for every levied date ``d`` after that, the old step added
  ``floor(unpaid x penal rate bps x 100 / 365)`` (``penal.daily_penal_e6``) when the loan
  was ACTIVE with a penal rate, the row was due before ``d`` and unpaid, and the loan's
  arrears of rows due on or before ``d`` exceeded its arrears tolerance (days past due
  > 0). While nothing is paid those conditions only switch on as ``d`` grows, so the
  days counted are ``levied_through - max(penal_through, levied_from - 1, due date,
  first date the arrears exceed the tolerance - 1)``, each adding the same increment;
* ``penal_minor`` is the total rounded half up (``penal.penal_minor_of_e6``).

Anything that changes what a row counts on (a payment, a write-off, a reschedule)
first *materialises* the loan's rows (``materialise``: ``penal_e6`` brought up to
``levied_through``, ``penal_through`` set), so the days before it keep the old figure.
A levied date not following the last one (a gap: day-end skipped dates) materialises
the whole book first, so the dates levied stay one interval. Charges are on the
overdue instalment only, never on charges (RBI penal charges circular, 18 Aug 2023).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from tortoise.backends.base.client import BaseDBAsyncClient

from bankcore.ledger.sql import is_postgres
from bankcore.loans.sqlkit import days_between, execute, minus_days, rows

LEVY_ROW_ID = 1
_UNPAID = "({i}.principal_minor + {i}.interest_minor - {i}.paid_principal_minor - {i}.paid_interest_minor)"


@dataclass(frozen=True, slots=True)
class Levy:
    """The dates levied: ``levied_from`` to ``levied_through`` inclusive."""

    levied_from: date
    levied_through: date


def _day(value: object) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


async def levy_of(conn: BaseDBAsyncClient) -> Levy | None:
    """The levied dates, or None before the first levy."""
    found = await rows(conn, "SELECT levied_from, levied_through FROM loan_penal_levy WHERE id = :id", {"id": LEVY_ROW_ID})
    return Levy(_day(found[0]["levied_from"]), _day(found[0]["levied_through"])) if found else None


def _lit(conn: BaseDBAsyncClient, day: date) -> str:
    # a date of our own (never user input) as a literal: the expression drops into any statement
    return f"DATE '{day.isoformat()}'" if is_postgres(conn) else f"'{day.isoformat()}'"


def _greatest(conn: BaseDBAsyncClient, *items: str) -> str:
    return f"{'GREATEST' if is_postgres(conn) else 'MAX'}({', '.join(items)})"


def pending_e6_sql(conn: BaseDBAsyncClient, levy: Levy | None, i: str = "i", l: str = "l") -> str:
    """SQL for the penal charges (millionths of a minor unit) instalment ``i`` accrued after its ``penal_e6`` through ``levy``."""
    if levy is None:
        return "0"
    through, before = _lit(conn, levy.levied_through), _lit(conn, levy.levied_from - timedelta(days=1))
    unpaid = _UNPAID.format(i=i)
    # first due date whose arrears (rows due on or before it) exceed the tolerance: only read when there is one
    first = (f"(SELECT MIN(g2.due_date) FROM loan_instalment g2 WHERE g2.loan_id = {l}.id AND g2.paid_on IS NULL "
             f"AND (SELECT SUM({_UNPAID.format(i='g3')}) FROM loan_instalment g3 WHERE g3.loan_id = {l}.id "
             f"AND g3.paid_on IS NULL AND g3.due_date <= g2.due_date) > {l}.arrears_tolerance_minor)")
    gate = (f"CASE WHEN {l}.arrears_tolerance_minor <= 0 THEN {i}.due_date "
            f"ELSE COALESCE({minus_days(conn, first, '1')}, {through}) END")
    since = _greatest(conn, f"COALESCE({i}.penal_through, {before})", before, f"{i}.due_date", gate)
    days = days_between(conn, through, since)
    return (f"(CASE WHEN {l}.status = 'ACTIVE' AND {l}.penal_rate_bps > 0 AND {i}.paid_on IS NULL "
            f"AND {i}.due_date < {through} AND {unpaid} > 0 AND {days} > 0 "
            f"THEN {days} * ({unpaid} * {l}.penal_rate_bps * 100 / 365) ELSE 0 END)")


def penal_e6_sql(conn: BaseDBAsyncClient, levy: Levy | None, i: str = "i", l: str = "l") -> str:
    """SQL for instalment ``i``'s penal charges (millionths of a minor unit) through ``levy`` (``l``: its loan)."""
    if levy is None:
        return f"{i}.penal_e6"
    return f"({i}.penal_e6 + {pending_e6_sql(conn, levy, i, l)})"


def penal_minor_of_pending_sql(i: str, pending: str) -> str:
    """SQL for the penal charges in minor units (half up) of row ``i`` when ``pending`` (a column or
    expression, evaluated twice) holds ``pending_e6_sql``: for statements that compute it once."""
    return f"(CASE WHEN {pending} > 0 THEN ({i}.penal_e6 + {pending} + 500000) / 1000000 ELSE {i}.penal_minor END)"


def penal_minor_sql(conn: BaseDBAsyncClient, levy: Levy | None, i: str = "i", l: str = "l") -> str:
    """SQL for instalment ``i``'s penal charges in minor units (half up) through ``levy``; ``l`` is its loan.

    The stored ``penal_minor`` when nothing accrued since it (the pending part is read once).
    """
    if levy is None:
        return f"{i}.penal_minor"
    return penal_minor_of_pending_sql(i, pending_e6_sql(conn, levy, i, l))


async def materialise(conn: BaseDBAsyncClient, *, loan_ids: list[int] | None = None, levy: Levy | None = None) -> int:
    """Bring the unpaid rows' ``penal_e6`` / ``penal_minor`` up to the last levied date and mark them (one UPDATE).

    ``loan_ids`` None: the whole book. Call inside the transaction that then changes what
    the rows count on (payments, write-off, reschedule). Returns the rows written.
    """
    levy = levy or await levy_of(conn)
    if levy is None or loan_ids == []:
        return 0
    through = _lit(conn, levy.levied_through)
    only = "" if loan_ids is None else f" AND l.id IN ({', '.join(str(int(x)) for x in loan_ids)})"
    e6, minor = penal_e6_sql(conn, levy, "i", "l"), penal_minor_sql(conn, levy, "i", "l")
    if is_postgres(conn):
        sql = (f"UPDATE loan_instalment AS i SET penal_e6 = {e6}, penal_minor = {minor}, "
               f"penal_through = {through} FROM loan l WHERE l.id = i.loan_id AND i.paid_on IS NULL "
               f"AND i.due_date < {through} AND (i.penal_through IS NULL OR i.penal_through < {through}){only}")
    else:  # SQLite: no alias on the updated table in UPDATE ... FROM
        t = "loan_instalment"
        e6, minor = penal_e6_sql(conn, levy, t, "l"), penal_minor_sql(conn, levy, t, "l")
        sql = (f"UPDATE loan_instalment SET penal_e6 = {e6}, penal_minor = {minor}, "
               f"penal_through = {through} FROM loan l WHERE l.id = loan_instalment.loan_id "
               f"AND loan_instalment.paid_on IS NULL AND loan_instalment.due_date < {through} "
               f"AND (loan_instalment.penal_through IS NULL OR loan_instalment.penal_through < {through}){only}")
    return await execute(conn, sql, {})


async def record_levy(conn: BaseDBAsyncClient, on: date) -> int:
    """Record that day-end levied penal charges for ``on`` (idempotent); 1 if recorded, 0 if already.

    A date after a gap materialises the whole book through the last levied date first.
    """
    levy = await levy_of(conn)
    if levy is None:
        await execute(conn, "INSERT INTO loan_penal_levy (id, levied_from, levied_through) VALUES (:id, :d, :d)",
                      {"id": LEVY_ROW_ID, "d": on})
        return 1
    if on <= levy.levied_through:
        return 0
    if on == levy.levied_through + timedelta(days=1):
        await execute(conn, "UPDATE loan_penal_levy SET levied_through = :d WHERE id = :id", {"d": on, "id": LEVY_ROW_ID})
        return 1
    await materialise(conn, levy=levy)
    await execute(conn, "UPDATE loan_penal_levy SET levied_from = :d, levied_through = :d WHERE id = :id",
                  {"d": on, "id": LEVY_ROW_ID})
    return 1


async def penal_by_row(conn: BaseDBAsyncClient, loan_id: int) -> dict[int, tuple[int, int]]:
    """``{instalment id: (penal_e6, penal_minor)}`` of a loan's unpaid rows as of the last levied date."""
    levy = await levy_of(conn)
    if levy is None:
        return {}
    found = await rows(conn, (f"SELECT i.id, i.penal_e6 + {pending_e6_sql(conn, levy)} AS e6, "
                              f"{penal_minor_sql(conn, levy)} AS minor FROM loan_instalment i "
                              "JOIN loan l ON l.id = i.loan_id WHERE i.loan_id = :id AND i.paid_on IS NULL"), {"id": loan_id})
    return {int(r["id"]): (int(r["e6"]), int(r["minor"])) for r in found}

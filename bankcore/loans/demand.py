"""The demand list: what borrowers owe, instalment by instalment, as of a date.

Branch staff use it to remind borrowers before a due date and to chase arrears (the
"demand and collection register" of co-operative banks); the demand and overdue report
(``bankcore.reports.demand``) is drawn from the same rows. A row is an instalment of a
loan disbursed by ``as_of`` and ACTIVE (or CLOSED since: as of a past date it was still
running), due on or before ``until``, that was not fully paid at the end of ``as_of``,
arrears included. Amounts come from the schedule (``loan_instalment``): principal and
interest demanded less what was paid, and penal charges levied less paid (charges are a
separate demand, never capitalised: RBI penal charges circular, 2023). One query, oldest
due date first.

Days past due count as the loans' classification does (``bankcore.loans.classify``): at
the end of ``as_of`` an unpaid instalment due on ``d <= as_of`` is ``as_of - d + 1`` days
past due (1 on the due date itself: RBI IRACP clarifications, 12 Nov 2021); one not yet
due is 0.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from tortoise.connection import get_connection

from bankcore.calendar.business_date import business_date
from bankcore.errors import DomainError, ErrorCode
from bankcore.loans.penal_sql import levy_of, penal_minor_sql
from bankcore.loans.sqlkit import rows as sql_rows

MAX_DAYS = 366
MAX_ROWS = 2000


@dataclass(frozen=True, slots=True)
class DemandRow:
    """One unpaid instalment (amounts in minor units of ``currency``; ``due_minor`` is their sum).

    ``overdue``: due before ``as_of`` (arrears at the start of that day); ``days_past_due``:
    counted at its end, so an instalment due on ``as_of`` is 1 day past due but not overdue.
    """

    loan_number: str
    member_number: str
    member_name: str
    repayment_account_number: str
    branch_code: str
    instalment_number: int
    due_date: date
    currency: str
    principal_due_minor: int
    interest_due_minor: int
    charges_due_minor: int
    due_minor: int
    days_past_due: int
    overdue: bool


async def unpaid_instalments(*, as_of: date, until: date, currency: str | None = None, branch_code: str | None = None,
                             limit: int | None = None) -> list[DemandRow]:
    """Instalments unpaid at the end of ``as_of`` and due by ``until``, optionally of one currency or branch.

    As of a past date, an instalment paid in full after that date is shown unpaid at its full
    amount (its ``paid_on`` says when); a part payment made after it cannot be told apart
    (payments are not dated per instalment) and is taken as already made. ``limit`` caps the
    rows (none by default).
    """
    params: dict[str, object] = {"as_of": as_of, "until": until}
    conn = get_connection("default")
    penal = penal_minor_sql(conn, await levy_of(conn))  # charges through the last day-end, computed on read
    where = ["l.status IN ('ACTIVE', 'CLOSED')", "l.disbursed_on <= :as_of", "i.due_date <= :until",
             f"(i.paid_on > :as_of OR (i.paid_on IS NULL AND i.principal_minor + i.interest_minor + {penal} > "
             "i.paid_principal_minor + i.paid_interest_minor + i.paid_penal_minor))"]
    if currency:
        where.append("l.currency = :currency")
        params["currency"] = currency
    if branch_code:
        where.append("b.code = :branch")
        params["branch"] = branch_code
    sql = (
        "SELECT a.number AS loan_number, COALESCE(m.member_number, '') AS member_number, "
        "COALESCE(m.full_name, '') AS member_name, ra.number AS repayment_account, b.code AS branch_code, "
        f"i.number, i.due_date, i.paid_on, l.currency, i.principal_minor, i.interest_minor, {penal} AS penal_minor, "
        "i.paid_principal_minor, i.paid_interest_minor, i.paid_penal_minor "
        "FROM loan_instalment i JOIN loan l ON l.id = i.loan_id JOIN account a ON a.id = l.account_id "
        "JOIN account ra ON ra.id = l.repayment_account_id JOIN branch b ON b.id = a.branch_id "
        "LEFT JOIN member m ON m.id = l.member_id "
        f"WHERE {' AND '.join(where)} ORDER BY i.due_date, a.number, i.number"
        + (f" LIMIT {int(limit)}" if limit is not None else "")
    )
    result = []
    for r in await sql_rows(conn, sql, params):
        due_date = r["due_date"] if isinstance(r["due_date"], date) else date.fromisoformat(str(r["due_date"])[:10])
        paid_later = r["paid_on"] is not None  # fully paid, but after as_of: unpaid that day
        principal = r["principal_minor"] - (0 if paid_later else r["paid_principal_minor"])
        interest = r["interest_minor"] - (0 if paid_later else r["paid_interest_minor"])
        charges = max(r["penal_minor"] - (0 if paid_later else r["paid_penal_minor"]), 0)
        total = principal + interest + charges
        if total <= 0:
            continue
        result.append(DemandRow(
            loan_number=r["loan_number"], member_number=r["member_number"], member_name=r["member_name"],
            repayment_account_number=r["repayment_account"], branch_code=r["branch_code"],
            instalment_number=int(r["number"]), due_date=due_date, currency=r["currency"],
            principal_due_minor=principal, interest_due_minor=interest, charges_due_minor=charges, due_minor=total,
            days_past_due=(as_of - due_date).days + 1 if due_date <= as_of else 0, overdue=due_date < as_of,
        ))
    return result


async def demand_list(*, days: int, branch_code: str | None = None, limit: int = MAX_ROWS) -> list[DemandRow]:
    """Unpaid instalments of ACTIVE loans due up to ``days`` (0-366) after the business date, arrears first.

    Raises ``DomainError(INVALID_INPUT)`` for ``days`` outside 0-366.
    """
    if type(days) is not int or not 0 <= days <= MAX_DAYS:
        raise DomainError(ErrorCode.INVALID_INPUT, f"days must be 0-{MAX_DAYS}", field="days")
    today = await business_date()
    # as of today a CLOSED loan owes nothing (closing needs every instalment paid): active loans only
    return await unpaid_instalments(as_of=today, until=today + timedelta(days=days), branch_code=branch_code,
                                    limit=limit)

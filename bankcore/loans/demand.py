"""The demand list: what borrowers owe from now to ``days`` ahead, instalment by instalment.

Branch staff use it to remind borrowers before a due date and to chase arrears (the
"demand and collection register" of co-operative banks). A row is an instalment of an
ACTIVE loan due on or before ``business date + days`` that is not fully paid, arrears
included (``overdue`` when due before the business date). The amount is what remains of
principal, interest and penal charges. One query, oldest due date first.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from tortoise.connection import get_connection

from bankcore.calendar.business_date import business_date
from bankcore.errors import DomainError, ErrorCode
from bankcore.loans.sqlkit import rows as sql_rows

MAX_DAYS = 366
MAX_ROWS = 2000


@dataclass(frozen=True, slots=True)
class DemandRow:
    """One unpaid instalment (amounts in minor units of ``currency``)."""

    loan_number: str
    member_number: str
    member_name: str
    repayment_account_number: str
    branch_code: str
    instalment_number: int
    due_date: date
    currency: str
    due_minor: int
    overdue: bool


async def demand_list(*, days: int, branch_code: str | None = None, limit: int = MAX_ROWS) -> list[DemandRow]:
    """Unpaid instalments of ACTIVE loans due up to ``days`` (0-366) after the business date, arrears first.

    Raises ``DomainError(INVALID_INPUT)`` for ``days`` outside 0-366.
    """
    if type(days) is not int or not 0 <= days <= MAX_DAYS:
        raise DomainError(ErrorCode.INVALID_INPUT, f"days must be 0-{MAX_DAYS}", field="days")
    today = await business_date()
    params: dict[str, object] = {"until": today + timedelta(days=days)}
    where = ["l.status = 'ACTIVE'", "i.due_date <= :until",
             "i.principal_minor + i.interest_minor + i.penal_minor > "
             "i.paid_principal_minor + i.paid_interest_minor + i.paid_penal_minor"]
    if branch_code:
        where.append("b.code = :branch")
        params["branch"] = branch_code
    sql = (
        "SELECT a.number AS loan_number, COALESCE(m.member_number, '') AS member_number, "
        "COALESCE(m.full_name, '') AS member_name, ra.number AS repayment_account, b.code AS branch_code, "
        "i.number, i.due_date, l.currency, "
        "(i.principal_minor + i.interest_minor + i.penal_minor - i.paid_principal_minor - i.paid_interest_minor "
        " - i.paid_penal_minor) AS due "
        "FROM loan_instalment i JOIN loan l ON l.id = i.loan_id JOIN account a ON a.id = l.account_id "
        "JOIN account ra ON ra.id = l.repayment_account_id JOIN branch b ON b.id = a.branch_id "
        "LEFT JOIN member m ON m.id = l.member_id "
        f"WHERE {' AND '.join(where)} ORDER BY i.due_date, a.number, i.number LIMIT {int(limit)}"
    )
    result = []
    for r in await sql_rows(get_connection("default"), sql, params):
        due_date = r["due_date"] if isinstance(r["due_date"], date) else date.fromisoformat(str(r["due_date"])[:10])
        result.append(DemandRow(
            loan_number=r["loan_number"], member_number=r["member_number"], member_name=r["member_name"],
            repayment_account_number=r["repayment_account"], branch_code=r["branch_code"],
            instalment_number=int(r["number"]), due_date=due_date, currency=r["currency"], due_minor=int(r["due"]),
            overdue=due_date < today,
        ))
    return result

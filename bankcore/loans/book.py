"""The loan book as of the business date: one row per loan (the CLI's CSV, the staff loan book, reports).

``days_past_due`` = business date - due date of the oldest instalment not fully paid
(principal and interest), counted only when the arrears exceed the loan's arrears
tolerance; 0 when nothing is overdue. An instalment due on the business date itself is
due, not overdue (day-end of that date makes it so). ``asset_class`` is the class the
last day-end (or the import) gave. ``next_due_date`` is the next date an instalment not
fully paid falls due (on or after the business date).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from tortoise.connection import get_connection

from bankcore.calendar.business_date import business_date
from bankcore.loans.penal_sql import levy_of, penal_minor_sql
from bankcore.loans.sqlkit import rows as sql_rows
from bankcore.money import Money

CSV_HEADER = ("loan_number", "source_ref", "member_number", "account_number", "status", "principal",
              "outstanding_principal", "interest_due", "charges_due", "days_past_due", "asset_class", "next_due_date")


@dataclass(frozen=True, slots=True)
class LoanBookRow:
    """One loan in the book (amounts in minor units of ``currency``)."""

    loan_id: int
    loan_number: str
    source_ref: str
    member_number: str
    account_number: str
    status: str
    currency: str
    principal_minor: int
    outstanding_principal_minor: int
    interest_due_minor: int
    charges_due_minor: int
    days_past_due: int
    asset_class: str
    next_due_date: date | None
    branch_code: str
    product_code: str
    provision_minor: int

    def csv_row(self) -> tuple[str, ...]:
        def plain(minor: int) -> str:
            return Money(minor, self.currency).to_plain()

        return (self.loan_number, self.source_ref, self.member_number, self.account_number, self.status,
                plain(self.principal_minor), plain(self.outstanding_principal_minor), plain(self.interest_due_minor),
                plain(self.charges_due_minor), str(self.days_past_due), self.asset_class,
                self.next_due_date.isoformat() if self.next_due_date else "")


def _as_date(value: object) -> date | None:
    if value is None or isinstance(value, date):
        return value  # type: ignore[return-value]
    return date.fromisoformat(str(value)[:10])


async def loan_book(*, as_of: date | None = None, branch_code: str | None = None, product_code: str | None = None,
                    asset_class: str | None = None, status: str | None = None, loan_ids: list[int] | None = None,
                    limit: int | None = None, after_id: int = 0) -> list[LoanBookRow]:
    """The loan book as of ``as_of`` (default the business date), filtered, in loan-number order... by id.

    Filters: ``branch_code`` (the loan account's branch), ``product_code``, ``asset_class``,
    ``status``, ``loan_ids``; keyset paging with ``after_id``/``limit``. One query.
    """
    on = as_of or await business_date()
    conn = get_connection("default")
    where = ["l.id > :after"]
    params: dict[str, object] = {"d": on, "after": after_id}
    if branch_code:
        where.append("b.code = :branch")
        params["branch"] = branch_code
    if product_code:
        where.append("p.code = :product")
        params["product"] = product_code
    if asset_class:
        where.append("l.asset_class = :class")
        params["class"] = asset_class
    if status:
        where.append("l.status = :status")
        params["status"] = status
    if loan_ids is not None:
        if not loan_ids:
            return []
        where.append("l.id IN (" + ", ".join(str(int(i)) for i in loan_ids) + ")")
    unpaid = "(i.principal_minor + i.interest_minor - i.paid_principal_minor - i.paid_interest_minor)"
    levy = await levy_of(conn)  # penal charges through the last day-end, computed on read
    sql = (
        "SELECT l.id, a.number AS loan_number, COALESCE(l.source_ref, '') AS source_ref, "
        "COALESCE(m.member_number, '') AS member_number, ra.number AS account_number, l.status, l.currency, "
        "l.amount_minor, la.balance_minor, l.arrears_tolerance_minor, l.asset_class, l.provision_minor, "
        "b.code AS branch_code, p.code AS product_code, "
        "(SELECT COALESCE(SUM(i.interest_minor - i.paid_interest_minor), 0) FROM loan_instalment i "
        " WHERE i.loan_id = l.id AND i.due_date <= :d) AS interest_due, "
        f"(SELECT COALESCE(SUM({penal_minor_sql(conn, levy)} - i.paid_penal_minor), 0) FROM loan_instalment i "
        " WHERE i.loan_id = l.id AND i.due_date <= :d) AS charges_due, "
        f"(SELECT COALESCE(SUM({unpaid}), 0) FROM loan_instalment i WHERE i.loan_id = l.id AND i.due_date < :d) AS arrears, "
        f"(SELECT MIN(i.due_date) FROM loan_instalment i WHERE i.loan_id = l.id AND i.due_date < :d AND {unpaid} > 0) AS oldest, "
        "(SELECT MIN(i.due_date) FROM loan_instalment i WHERE i.loan_id = l.id AND i.due_date >= :d AND i.paid_on IS NULL) AS next_due "
        "FROM loan l JOIN account a ON a.id = l.account_id JOIN ledger_account la ON la.id = a.ledger_account_id "
        "JOIN account ra ON ra.id = l.repayment_account_id JOIN branch b ON b.id = a.branch_id "
        "JOIN product p ON p.id = a.product_id LEFT JOIN member m ON m.id = l.member_id "
        f"WHERE {' AND '.join(where)} ORDER BY l.id" + (f" LIMIT {int(limit)}" if limit else "")
    )
    result = []
    for r in await sql_rows(conn, sql, params):
        active = r["status"] == "ACTIVE"
        oldest = _as_date(r["oldest"])
        dpd = (on - oldest).days if active and oldest and int(r["arrears"]) > int(r["arrears_tolerance_minor"]) else 0
        result.append(LoanBookRow(
            loan_id=int(r["id"]), loan_number=r["loan_number"], source_ref=r["source_ref"], member_number=r["member_number"],
            account_number=r["account_number"], status=r["status"], currency=r["currency"],
            principal_minor=int(r["amount_minor"]), outstanding_principal_minor=int(r["balance_minor"]),
            interest_due_minor=int(r["interest_due"]) if active else 0, charges_due_minor=int(r["charges_due"]) if active else 0,
            days_past_due=dpd, asset_class=r["asset_class"], next_due_date=_as_date(r["next_due"]) if active else None,
            branch_code=r["branch_code"], product_code=r["product_code"], provision_minor=int(r["provision_minor"]),
        ))
    return result

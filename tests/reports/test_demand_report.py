"""The demand and overdue list (issue 14): unpaid instalments overdue and falling due soon,
by the registry (CSV, PDF) and the API, for the back office and clerks."""

from __future__ import annotations

import csv
import io
from datetime import date

from bankcore.calendar.business_date import set_business_date_at_least
from bankcore.loans.demand import demand_list as loans_demand_list
from bankcore.loans.repayment import repay_loan
from bankcore.models import Loan, LoanInstalment
from bankcore.money import Money
from bankcore.reports.base import Amount
from bankcore.reports.export import report_csv, report_pdf
from bankcore.reports.registry import ReportRequest, run_report
from tests.api.helpers import codes, gql, member, staff
from tests.loans.factory import active_loan, borrower, loan_bank

FIRST_DUE, SECOND_DUE = date(2025, 2, 5), date(2025, 3, 5)
HEADER = "loan_number,member_number,member_name,due_date,principal_due,interest_due,charges_due,total_due,days_past_due"
DEMAND = """
query DemandList($asOf: Date!) {
  demandList(asOf: $asOf) { name ok columns { key } rows { cells } summary { label display } gaps csv }
}"""


async def _two_borrowers() -> tuple[str, str, LoanInstalment]:
    """A borrower who paid the first EMI on its due date and one who did not; returns both loans and the unpaid row."""
    await loan_bank(penal_bps=0, tolerance_minor=0)
    payer = await borrower(deposit="30000.00", name="Asha Rao")
    paid = await active_loan(payer)
    late = await borrower(deposit="30000.00", name="Ravi Kulkarni")
    unpaid = await active_loan(late)
    await Loan.filter(account__number=unpaid).update(auto_debit=False)
    await set_business_date_at_least(FIRST_DUE)
    first = await LoanInstalment.get(loan__account__number=paid, number=1)
    await repay_loan(loan_number=paid, amount=Money(first.principal_minor + first.interest_minor, "INR"),
                     initiator="test", idempotency_key="emi-1", from_account_number=payer.savings)
    # 3 rupees of penal charges levied on the late one's first instalment
    await LoanInstalment.filter(loan__account__number=unpaid, number=1).update(penal_minor=3_00)
    await set_business_date_at_least(date(2025, 2, 11))
    return paid, unpaid, await LoanInstalment.get(loan__account__number=unpaid, number=1)


async def test_the_list_shows_overdue_and_coming_instalments_with_days_past_due(db: str) -> None:
    paid, unpaid, late_row = await _two_borrowers()
    # when the list is drawn as of 10 Feb (30 days ahead: to 12 Mar)
    report = await run_report("demand", ReportRequest(as_of=date(2025, 2, 10)))
    rows = list(csv.DictReader(io.StringIO(report_csv(report).decode())))
    # then the late borrower's first EMI is 6 days past due, with its charges, and both
    # borrowers' second EMIs are coming (0 days); the paid EMI is not there
    assert report_csv(report).decode().splitlines()[0] == HEADER
    assert [(r["loan_number"], r["due_date"], r["days_past_due"]) for r in rows] == [
        (unpaid, "2025-02-05", "6"), (paid, "2025-03-05", "0"), (unpaid, "2025-03-05", "0")]
    overdue = rows[0]
    assert overdue["member_name"] == "Ravi Kulkarni" and overdue["charges_due"] == "3.00"
    assert Money.parse(overdue["total_due"], "INR").amount_minor == (
        late_row.principal_minor + late_row.interest_minor + 3_00)
    assert Money.parse(overdue["principal_due"], "INR").amount_minor + Money.parse(
        overdue["interest_due"], "INR").amount_minor + 3_00 == Money.parse(overdue["total_due"], "INR").amount_minor
    assert dict(report.summary)["Overdue instalments"] == 1 and not report.gaps
    assert report_pdf(report).startswith(b"%PDF")
    # as of the day before the first due date, both first EMIs are coming, the payment made
    # later does not count yet, and the list says what it cannot know of that past date
    before = await run_report("demand", ReportRequest(as_of=date(2025, 2, 4)))
    assert [(r.cells[0], r.cells[3], r.cells[8]) for r in before.rows] == [
        (paid, FIRST_DUE, 0), (unpaid, FIRST_DUE, 0), (paid, SECOND_DUE, 0), (unpaid, SECOND_DUE, 0)]
    assert before.gaps


async def test_clerks_and_the_back_office_read_it_through_the_api_members_may_not(db: str) -> None:
    _, unpaid, _ = await _two_borrowers()
    for role in ("clerk", "manager", "accountant", "auditor"):
        result = await gql(staff(role), DEMAND, asOf="2025-02-10")
        assert result.errors is None, (role, result.errors)
    listing = result.data["demandList"]
    assert [c["key"] for c in listing["columns"]] == HEADER.split(",")
    assert listing["rows"][0]["cells"][:1] == [unpaid] and listing["rows"][0]["cells"][-1] == "6"
    assert listing["csv"].splitlines()[0] == HEADER
    assert codes(await gql(member(1), DEMAND, asOf="2025-02-10")) == ["FORBIDDEN"]
    assert codes(await gql(staff("cashier"), DEMAND, asOf="2025-02-10")) == ["FORBIDDEN"]


async def test_the_report_and_the_loans_demand_list_show_the_same_dues(db: str) -> None:
    # given two borrowers, one in arrears, on 11 Feb
    await _two_borrowers()
    # when the clerks' demand list for 30 days and the report as of the business date are drawn
    dues = await loans_demand_list(days=30)
    report = await run_report("demand", ReportRequest(as_of=date(2025, 2, 11)))
    # then they hold the same instalments at the same amounts (one source: the loans domain)
    assert [(d.loan_number, d.due_date, Amount(d.due_minor, "INR")) for d in dues] == [
        (r.cells[0], r.cells[3], r.cells[7]) for r in report.rows]
    assert [d.overdue for d in dues] == [True, False, False]

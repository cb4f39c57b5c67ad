"""Reports over other domains' data: the share and dividend registers (issue 12's shares)."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta

import pytest

from bankcore.books.year_end import close_financial_year
from bankcore.calendar.business_date import set_business_date_at_least
from bankcore.reports.export import report_csv, report_pdf
from bankcore.reports.registry import ReportRequest, run_report
from bankcore.shares import dividend as dividend_module
from bankcore.shares.dividend import approve_dividend, propose_dividend
from bankcore.shares.register import redeem_shares
from tests.shares.factory import START
from tests.shares.test_year_end_dividend import _a_year_of_business


def _csv(report) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(report_csv(report).decode())))


async def test_share_and_dividend_registers(db: str, monkeypatch: pytest.MonkeyPatch) -> None:
    people = await _a_year_of_business()
    register = await run_report("share-register", ReportRequest(as_of=START))
    assert register.ok, register.checks
    rows = _csv(register)
    assert [(r["shares"], r["paid_up"]) for r in rows[:-1]] == [("20", "2000.00"), ("10", "1000.00"), ("10", "1000.00")]
    assert rows[-1]["shares"] == "40" and rows[-1]["paid_up"] == "4000.00"
    before = await run_report("share-register", ReportRequest(as_of=date(2025, 6, 1)))
    assert before.ok and before.rows[-1].cells[3] == 0

    await set_business_date_at_least(date(2026, 4, 1))
    await close_financial_year(financial_year=2025, initiator="accountant", idempotency_key="close")

    async def npa_now(*, currency: str) -> int:
        return 100

    monkeypatch.setattr(dividend_module, "net_npa_bps", npa_now)
    proposal = await propose_dividend(financial_year=2025, rate_bps=1200, initiator="accountant", idempotency_key="d")
    await approve_dividend(declaration_id=proposal.id, approver="manager")
    dividends = _csv(await run_report("dividend-register", ReportRequest(as_of=date(2026, 4, 1))))
    assert [(r["financial_year"], r["dividend"], r["rate_percent"]) for r in dividends[:-1]] == [
        ("2025-26", "240.00", "12.00"), ("2025-26", "120.00", "12.00"), ("2025-26", "120.00", "12.00")]
    assert dividends[-1]["dividend"] == "480.00"
    assert {r["member_number"]: r["credited_to"] for r in dividends[:-1]}[people["Meera"][0]] == "UNPAID"
    assert report_pdf(await run_report("dividend-register", ReportRequest(as_of=date(2026, 4, 1)))).startswith(b"%PDF")

    # a redemption later leaves the register as of the earlier date unchanged, and still tied to the ledger
    await redeem_shares(member_number=people["Ravi"][0], shares=10, initiator="c", idempotency_key="x",
                        to_account_number=people["Ravi"][1])
    again = await run_report("share-register", ReportRequest(as_of=START))
    assert again.ok and again.rows[-1].cells[3] == 40
    now = await run_report("share-register", ReportRequest(as_of=date(2026, 4, 1)))
    assert now.ok and now.rows[-1].cells[3] == 30


async def test_npa_statement_and_loans_outstanding_from_the_loans_domain(db: str) -> None:
    from bankcore.loans.books import compute_provisions
    from bankcore.loans.classify import classify_loans
    from bankcore.loans.lifecycle import find_loan
    from bankcore.models import Loan
    from tests.loans.factory import active_loan, borrower, loan_bank, move_to

    await loan_bank(penal_bps=0, tolerance_minor=0)
    good, bad = await borrower(deposit="150000.00"), await borrower(deposit="150000.00", name="Ravi Iyer")
    good_loan, bad_loan = await active_loan(good), await active_loan(bad, amount="50000.00")
    await Loan.filter(id=(await find_loan(bad_loan)).id).update(auto_debit=False)
    await Loan.filter(id=(await find_loan(good_loan)).id).update(auto_debit=False)
    on = date(2025, 2, 5) + timedelta(days=90)  # the first EMI 91 days past due: sub-standard
    await move_to(on)
    await classify_loans(on)
    await Loan.filter(id=(await find_loan(good_loan)).id).update(asset_class="STANDARD")
    await compute_provisions(on)
    outstanding = _csv(await run_report("loans-outstanding", ReportRequest(as_of=on)))
    assert outstanding[-1]["loans"] == "2" and outstanding[-1]["outstanding"] == "150000.00"
    npa = await run_report("npa", ReportRequest(as_of=on))
    rows = {r["asset_class"]: r for r in _csv(npa)}
    assert rows["SUBSTANDARD"]["outstanding"] == "50000.00" and rows["SUBSTANDARD"]["provision_required"] == "5000.00"
    assert rows["STANDARD"]["provision_required"] == "400.00"  # 0.40 % of 1,00,000
    assert rows["TOTAL"]["loans"] == "2"
    summary = dict(npa.summary)
    assert summary["Gross NPA % of advances"] == "33.33"
    assert not npa.gaps  # classified as of the report's date
    assert (await run_report("npa", ReportRequest(as_of=on - timedelta(days=1)))).gaps

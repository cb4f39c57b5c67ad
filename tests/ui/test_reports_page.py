"""The staff Reports page (User fixture): figures, tie-outs, charts, CSV and PDF downloads, roles."""

from __future__ import annotations

from nicegui.testing import User

from tests.reports.test_ledger_reports import _bank
from tests.ui.test_staff import as_staff


async def test_accountant_reads_the_balance_sheet_and_downloads_csv_and_pdf(user: User) -> None:
    await _bank()
    await as_staff(user, "accountant")
    await user.open("/staff/reports")
    # The page's body is drawn after its first request (frame.section): wait for it, as a person does.
    await user.should_see(marker="report-asof", retries=200)
    user.find(marker="report-asof").clear().type("31-03-2026")
    user.find(marker="report-show").click()
    await user.should_see("Balance sheet (Form A, Third Schedule, Banking Regulation Act)", retries=20)
    await user.should_see("✓ Total assets equal total capital and liabilities")
    await user.should_see(marker="report-chart")
    await user.should_see(marker="report-table")
    user.find(marker="report-csv").click()
    csv = await user.download.next(timeout=20)
    assert "ASSETS,TOTAL,Total assets,800.00" in csv.text.splitlines()
    user.find(marker="report-pdf").click()
    pdf = await user.download.next(timeout=20)
    assert pdf.content.startswith(b"%PDF")


async def test_clerk_sees_only_the_lists_a_clerk_works_through(user: User) -> None:
    await _bank()
    await as_staff(user, "clerk")
    await user.open("/staff/reports")
    await user.should_see(marker="report-name")
    options = set(user.find(marker="report-name").elements.pop().options.values())
    assert options == {"KYC due", "Inoperative and unclaimed accounts", "Demand and overdue list"}
    user.find(marker="report-show").click()
    await user.should_see("Inoperative and unclaimed deposit accounts", retries=20)
    await user.should_see(marker="tile Accounts")

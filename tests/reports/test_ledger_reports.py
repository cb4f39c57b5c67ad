"""Reports from the ledger, as of any date, on a small bank with a known history.

History (INR), business date 2026-03-31:
  2026-01-10  A deposits 1,000.00 cash (savings SB0);   B deposits 500.00 (current CA)
  2026-02-15  A pays B 200.00 (transfer)
  2026-03-01  B withdraws 900.00 cash (CA overdraft: B goes to -600.00)
  2026-03-20  fee 10.00 on A (Dr A, Cr fee income); interest 5.00 to A (Dr interest expense, Cr A)
"""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest

from bankcore.calendar.business_date import ensure_calendar
from bankcore.chart import DEPOSIT_INTEREST_EXPENSE, FEE_INCOME
from bankcore.errors import DomainError
from bankcore.ledger.entry import EntryDraft, credit, debit
from bankcore.ledger.posting import post_entry
from bankcore.models import Account, EntryType
from bankcore.reports.balances import balance_as_of, gl_balances
from bankcore.reports.export import report_csv, report_pdf
from bankcore.reports.registry import REPORT_NAMES, ReportRequest, run_report
from bankcore.reports.trial_balance import trial_balance
from bankcore.services._lookup import gl_account_id
from bankcore.services.money_movement import deposit_cash, transfer_funds, withdraw_cash
from tests.ledger.factory import inr, make_account, small_bank

D1, D2, D3, D4 = date(2026, 1, 10), date(2026, 2, 15), date(2026, 3, 1), date(2026, 3, 20)
TODAY = date(2026, 3, 31)


async def _bank() -> tuple[str, str]:
    await ensure_calendar(start=TODAY)
    await small_bank()
    a = await make_account("SB0")
    b = await make_account("CA")
    await deposit_cash(account_number=a, amount=inr("1000.00"), initiator="t", value_date=D1)
    await deposit_cash(account_number=b, amount=inr("500.00"), initiator="t", value_date=D1)
    await transfer_funds(from_account_number=a, to_account_number=b, amount=inr("200.00"), initiator="t", value_date=D2)
    await withdraw_cash(account_number=b, amount=inr("900.00"), initiator="t", value_date=D3)
    la = (await Account.get(number=a)).ledger_account_id
    fee, interest = await gl_account_id(FEE_INCOME, "INR"), await gl_account_id(DEPOSIT_INTEREST_EXPENSE, "INR")
    await post_entry(EntryDraft(EntryType.FEE, D4, "Service charge", "t", (debit(la, 1000, "INR"), credit(fee, 1000, "INR"))))
    await post_entry(EntryDraft(EntryType.INTEREST, D4, "Interest", "t",
                                (debit(interest, 500, "INR"), credit(la, 500, "INR"))))
    return a, b


def _csv(report) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(report_csv(report).decode())))


async def test_balance_as_of_any_date_for_account_gl_and_control(db: str) -> None:
    a, b = await _bank()
    assert (await balance_as_of(code=a, as_of=D1)).amount_minor == 100_000
    assert (await balance_as_of(code=a, as_of=D2)).amount_minor == 80_000
    assert (await balance_as_of(code=a, as_of=TODAY)).amount_minor == 80_000 - 1_000 + 500
    assert (await balance_as_of(code=b, as_of=D3)).amount_minor == 50_000 + 20_000 - 90_000
    assert (await balance_as_of(code=a, as_of=date(2026, 1, 9))).amount_minor == 0
    assert (await balance_as_of(code="1100-INR", as_of=D2)).amount_minor == 150_000
    assert (await balance_as_of(code="1100-INR", as_of=TODAY)).amount_minor == 60_000
    assert (await balance_as_of(code="2100-INR", as_of=TODAY)).amount_minor == 79_500  # savings control = A
    # The class header rolls up everything beneath it: savings 795 + current -200.
    assert (await balance_as_of(code="2000-INR", as_of=TODAY)).amount_minor == 79_500 - 20_000
    with pytest.raises(DomainError) as err:
        await balance_as_of(code="9999-INR", as_of=TODAY)
    assert err.value.code == "NOT_FOUND"


async def test_balance_sheet_balances_as_of_past_and_present_dates(db: str) -> None:
    await _bank()
    for day in (D1, D2, D3, D4, TODAY):
        report = await run_report("balance-sheet", ReportRequest(as_of=day, currency="INR"))
        assert report.ok, report.checks
        rows = _csv(report)
        totals = {r["section"]: r["amount"] for r in rows if r["code"] == "TOTAL"}
        assert totals["LIABILITIES"] == totals["ASSETS"]
        # The CSV's lines add up to their section's TOTAL (GL detail rows are left out).
        for section in ("LIABILITIES", "ASSETS"):
            lines = [r for r in rows if r["section"] == section and r["code"] != "TOTAL"]
            assert sum(int(r["amount"].replace(".", "")) for r in lines) == int(totals[section].replace(".", ""))
    rows = {(r["section"], r["code"]): r for r in _csv(await run_report("balance-sheet", ReportRequest(as_of=TODAY)))}
    # Deposits show credit balances only (A 795.00); B's overdraft (200.00) is an advance.
    assert rows[("LIABILITIES", "3")]["amount"] == "795.00"
    assert rows[("ASSETS", "4")]["amount"] == "200.00"
    assert rows[("ASSETS", "1")]["amount"] == "600.00"  # cash
    assert rows[("LIABILITIES", "2")]["amount"] == "5.00"  # fee 10 less interest 5, not yet appropriated
    assert rows[("ASSETS", "TOTAL")]["amount"] == "800.00"
    assert list(rows)[0] == ("LIABILITIES", "1")


async def test_profit_and_loss_over_a_period(db: str) -> None:
    await _bank()
    report = await run_report("profit-and-loss", ReportRequest(as_of=TODAY, from_date=date(2026, 3, 1)))
    rows = {(r["section"], r["code"]): r["amount"] for r in _csv(report)}
    assert rows[("INCOME", "I.2")] == "10.00"
    assert rows[("EXPENDITURE", "II.1")] == "5.00"
    assert rows[("INCOME", "TOTAL")] == "10.00" and rows[("EXPENDITURE", "TOTAL")] == "5.00"
    assert rows[("PROFIT", "III")] == "5.00"
    # Before the fee and interest the period shows nothing.
    early = {(r["section"], r["code"]): r["amount"]
             for r in _csv(await run_report("profit-and-loss", ReportRequest(as_of=D3, from_date=D1)))}
    assert early[("PROFIT", "III")] == "0.00"
    # Default period: from 1 April of the financial year (2025-04-01).
    assert (await run_report("profit-and-loss", ReportRequest(as_of=TODAY))).from_date == date(2025, 4, 1)


async def test_trial_balance_report_equals_the_gl_and_the_existing_trial_balance(db: str) -> None:
    await _bank()
    for day in (D2, TODAY):
        report = await run_report("trial-balance", ReportRequest(as_of=day, currency="INR"))
        assert report.ok
        legacy = await trial_balance(as_of=day, currency="INR")
        ours = {r.cells[0]: (r.cells[3].minor, r.cells[4].minor) for r in report.rows if r.style != "total"}
        assert ours == {b.code: (max(b.net_debit_minor, 0), max(-b.net_debit_minor, 0)) for b in legacy.rows}
        gl = await gl_balances(as_of=day, currency="INR")
        for code, (dr, cr) in ours.items():
            assert (await balance_as_of(code=code, as_of=day)).amount_minor in (gl[code].balance_minor,)
            assert dr - cr == gl[code].net_debit_minor


async def test_day_book_and_cash_book_for_a_date(db: str) -> None:
    a, b = await _bank()
    day = await run_report("day-book", ReportRequest(as_of=D1))
    assert day.ok
    rows = _csv(day)
    assert [r["entry_type"] for r in rows[:-1]] == ["cash_deposit"] * 4
    assert rows[-1]["debit"] == rows[-1]["credit"] == "1500.00"
    cash = await run_report("cash-book", ReportRequest(as_of=D3))
    assert cash.ok
    rows = _csv(cash)
    assert rows[0]["narration"] == "Opening balance" and rows[0]["balance"] == "1500.00"
    assert rows[1]["payments"] == "900.00" and rows[1]["account"] == b
    assert rows[-1]["balance"] == "600.00"
    assert (await run_report("day-book", ReportRequest(as_of=date(2026, 1, 11)))).rows[-1].cells[3] == ""


async def test_general_ledger_for_an_account_and_a_period(db: str) -> None:
    a, _ = await _bank()
    report = await run_report("general-ledger", ReportRequest(as_of=TODAY, from_date=D2, account=a))
    assert report.ok
    rows = _csv(report)
    assert rows[0]["balance"] == "1000.00"  # opening on 2026-02-15
    assert [r["balance"] for r in rows[1:-1]] == ["800.00", "790.00", "795.00"]
    assert rows[-1]["debit"] == "210.00" and rows[-1]["credit"] == "5.00"
    control = await run_report("general-ledger", ReportRequest(as_of=TODAY, from_date=D1, account="2200-INR"))
    assert control.ok and "one row per day" in control.subtitle
    with pytest.raises(DomainError):
        await run_report("general-ledger", ReportRequest(as_of=TODAY, account="NOPE"))
    with pytest.raises(DomainError):
        await run_report("general-ledger", ReportRequest(as_of=D1, from_date=TODAY, account=a))


async def test_every_report_renders_csv_and_pdf(db: str) -> None:
    await _bank()
    for name in REPORT_NAMES:
        report = await run_report(name, ReportRequest(as_of=TODAY, from_date=D1))
        header = report_csv(report).decode().splitlines()[0]
        assert header == ",".join(c.key for c in report.columns)
        assert report_pdf(report).startswith(b"%PDF")
    assert header  # the loop ran
    with pytest.raises(DomainError):
        await run_report("no-such-report", ReportRequest(as_of=TODAY))


async def test_year_end_close_is_not_income_or_expenditure_of_the_period(db: str) -> None:
    from bankcore.books.year_end import close_financial_year
    from bankcore.calendar.business_date import set_business_date_at_least

    await _bank()
    await set_business_date_at_least(date(2026, 4, 2))
    await close_financial_year(financial_year=2025, initiator="t", idempotency_key="close-2025")
    year = {(r["section"], r["code"]): r["amount"]
            for r in _csv(await run_report("profit-and-loss", ReportRequest(as_of=TODAY)))}
    assert year[("INCOME", "I.2")] == "10.00" and year[("EXPENDITURE", "II.1")] == "5.00"
    assert year[("PROFIT", "III")] == "5.00"
    after = {(r["section"], r["code"]): r["amount"]
             for r in _csv(await run_report("profit-and-loss", ReportRequest(as_of=date(2026, 4, 2))))}
    assert after[("PROFIT", "III")] == "0.00"
    sheet = await run_report("balance-sheet", ReportRequest(as_of=TODAY))
    assert sheet.ok
    lines = {(r["section"], r["code"]): r["amount"] for r in _csv(sheet)}
    # 5.00 appropriated: 1% (0.05) to the education fund payable, the rest stays in reserves and surplus.
    assert lines[("LIABILITIES", "2")] == "4.95" and lines[("LIABILITIES", "5")] == "0.05"

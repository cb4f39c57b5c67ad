"""The Day-end page (User fixture): business date in the header, a run with live progress,
the history of runs; an auditor sees the history but no run button."""

from __future__ import annotations

from datetime import date

from nicegui.testing import User

from bankcore.calendar.business_date import ensure_calendar
from bankcore.models import DayEndRun, DayEndStatus
from tests.ledger.factory import small_bank
from tests.ui.test_staff import as_staff

# a day-end run reports when it is done; under a loaded CI run (three pytest processes on two cores)
# one date took more than the 4 s the page was given (30 s: the wait ends as soon as it is there)
DAY_END_WAIT = 300


async def test_the_accountant_closes_dates_from_the_day_end_page(user: User) -> None:
    await ensure_calendar(start=date(1994, 3, 30))
    await small_bank()
    await as_staff(user, "accountant")
    await user.open("/staff/day-end")
    await user.should_see("Business date 30-03-1994")  # the header
    await user.should_see("No day-end has run yet.")
    user.find(marker="through").type("31-03-1994")
    user.find(marker="run-day-end").click()
    await user.should_see("Closed 2 date(s), 30-03-1994 to 31-03-1994. Business date now 01-04-1994.", retries=DAY_END_WAIT)
    await user.should_see("31-03-1994 closed")  # the live progress line
    await user.should_see(marker="run 1994-03-31", retries=DAY_END_WAIT)  # the history reloaded
    [header] = user.find(marker="business-date").elements  # the header moved with the date, no reload needed
    assert header.text == "Business date 01-04-1994"
    tables = user.find(marker="steps").elements  # each run's steps, with their rows and times
    assert any(r["step"] == "savings.credit_interest" and r["outcome"] == "completed" for t in tables for r in t.rows)
    assert await DayEndRun.filter(status=DayEndStatus.COMPLETED).count() == 2
    user.find(marker="run-day-end").click()  # the same dates again
    await user.should_see("Nothing to close: those dates are closed already.", retries=DAY_END_WAIT)
    user.find(marker="through").elements.pop().value = ""  # just the business date
    user.find(marker="run-day-end").click()
    await user.should_see("Closed 1 date(s), 01-04-1994 to 01-04-1994", retries=DAY_END_WAIT)


async def test_an_auditor_sees_the_history_but_cannot_run_it(user: User) -> None:
    await ensure_calendar(start=date(1994, 3, 30))
    await small_bank()
    await as_staff(user, "auditor")
    await user.open("/staff/day-end")
    await user.should_see(marker="history")
    await user.should_not_see(marker="run-day-end")
    await user.should_see(marker="nav /staff/day-end")


async def test_a_cashier_has_no_day_end_page(user: User) -> None:
    await small_bank()
    await as_staff(user, "cashier")
    await user.open("/staff/day-end")
    await user.should_see("This page is not available for your role.")


async def test_a_manager_reactivates_an_inoperative_account(user: User) -> None:
    from bankcore.models import Account, AccountStatus
    from tests.ledger.factory import make_account

    await ensure_calendar(start=date(1994, 3, 30))
    await small_bank()
    number = await make_account("SB0")
    await Account.filter(number=number).update(status=AccountStatus.INOPERATIVE)
    await as_staff(user, "manager")
    await user.open("/staff/inoperative")
    user.find(marker="reactivate-number").type(number)
    user.find(marker="reactivate").click()
    await user.should_see(f"Account {number} is active again.", retries=20)
    assert (await Account.get(number=number)).status == AccountStatus.ACTIVE
    user.find(marker="reactivate").click()
    await user.should_see("not inoperative", retries=20)

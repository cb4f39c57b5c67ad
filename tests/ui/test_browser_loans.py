"""The member's Pay EMI in headless Chromium against a real `coopbank serve`, checked in the ledger:
exactly the reviewed amount leaves savings for the loan, once; and the staff Loans page renders.

With ``COOPBANK_SCREENSHOTS=DIR`` the pages are also saved there as PNGs (``docs/screenshots``).
Skipped (with the reason) where chromium, chromedriver or selenium are missing.
"""

from __future__ import annotations

from datetime import date

from selenium.webdriver.common.keys import Keys

from bankcore.loans.lifecycle import apply_for_loan
from bankcore.models import Account, JournalEntry, LedgerAccount, Posting
from bankcore.verify import verify_ledger
from graphql_api.http import TOKEN_COOKIE
from tests.ledger.factory import inr, make_member
from tests.live.server import serve, staff_token
from tests.loans.factory import Borrower, active_loan, loan_bank, move_to
from tests.ui.browser import browser_test, button, chrome, field, wait_text
from tests.ui.test_browser import MEMBER_PASSWORD, _portal_member, _sign_in
from tests.ui.test_browser_shares import _shoot

pytestmark = browser_test("postgres")


async def balance(number: str) -> int:
    return (await LedgerAccount.get(id=(await Account.get(number=number)).ledger_account_id)).balance_minor


async def test_a_member_pays_an_emi_of_exactly_the_reviewed_amount(db: str) -> None:
    # given: a portal member with an active loan, two instalments overdue; another member's application waiting
    await loan_bank()
    number, savings, secret = await _portal_member("Asha Rao", "20000.00")
    loan = await active_loan(Borrower(number, savings, await make_member("Guarantor of Asha")))
    applicant = await make_member("Ravi Kumar")
    from tests.ledger.factory import make_account

    await make_account("SB0", owner=applicant, deposit="5000.00")
    await apply_for_loan(member_number=applicant, product_code="PL", amount=inr("50000.00"), tenure_months=6,
                         applied_by="staff:99", guarantor_member_numbers=(number,))
    await move_to(date(2025, 3, 10))
    before = await balance(savings)
    with serve(db) as base:
        phone = chrome(360, 780)
        try:
            _sign_in(phone, base, staff=False, login=number, password=MEMBER_PASSWORD, secret=secret)
            wait_text(phone, "My accounts")
            phone.get(f"{base}/member/loans")
            wait_text(phone, "days overdue", timeout=15)
            _shoot(phone, "member-loans-phone")
            # when: she reviews ₹2,500, changes it to ₹2,000, reviews again and confirms
            amount = field(phone, "Amount")
            amount.send_keys(Keys.CONTROL, "a")
            amount.send_keys("2500")
            button(phone, "Pay EMI").click()
            wait_text(phone, f"Pay ₹2,500.00 to loan {loan}")
            amount.send_keys(Keys.CONTROL, "a")
            amount.send_keys("2000")
            wait_text(phone, "Changed: review again before confirming.")
            button(phone, "Pay EMI").click()
            wait_text(phone, f"Pay ₹2,000.00 to loan {loan}")
            _shoot(phone, "member-loans-pay-phone")
            button(phone, "Confirm payment").click()
            wait_text(phone, "Paid: ", timeout=15)
        finally:
            phone.quit()
        desk = chrome(1280, 800)
        try:
            _sign_in(desk, base, staff=False, login=number, password=MEMBER_PASSWORD, secret=secret, step_offset=1)
            wait_text(desk, "My accounts")
            desk.get(f"{base}/member/loans")
            wait_text(desk, "days overdue", timeout=15)
            _shoot(desk, "member-loans-desktop")
        finally:
            desk.quit()
        manager = await staff_token("manager")
        for width, height, size in ((360, 780, "phone"), (1280, 800, "desktop")):
            driver = chrome(width, height)
            try:
                driver.get(f"{base}/healthz")
                driver.add_cookie({"name": TOKEN_COOKIE, "value": manager, "path": "/"})
                driver.get(f"{base}/staff/loans")
                wait_text(driver, "Member " + applicant, timeout=15)
                _shoot(driver, f"staff-loans-{size}")
            finally:
                driver.quit()
    # then: one repayment, of ₹2,000.00, from her savings
    entries = await JournalEntry.filter(entry_type="loan_repayment")
    assert len(entries) == 1
    legs = await Posting.filter(entry_id=entries[0].id)
    assert sum(p.amount_minor for p in legs if p.side == "D") == 2000_00
    assert await balance(savings) == before - 2000_00
    assert (await verify_ledger()).ok

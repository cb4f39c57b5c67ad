"""Money flows in headless Chromium against a real `coopbank serve`, checked in the ledger:
the counter posts exactly what was reviewed, and a member's transfer pays once.

Skipped (with the reason) where chromium, chromedriver or selenium are missing.
"""

from __future__ import annotations


from bankcore.identity.staff import create_staff_user
from bankcore.models import Account, JournalEntry, LedgerAccount, Posting
from tests.ledger.factory import make_account, make_member, small_bank
from tests.live.server import serve
from tests.ui.browser import browser_test, button, chrome, field, wait_text
from tests.ui.test_browser import MEMBER_PASSWORD, _portal_member, _sign_in

pytestmark = browser_test("sqlite")


async def balance(number: str) -> int:
    account = await Account.get(number=number)
    return (await LedgerAccount.get(id=account.ledger_account_id)).balance_minor


async def test_the_counter_posts_what_was_reviewed_not_what_the_toggle_says_later(db: str) -> None:
    # given: a member with ₹5,000.00 and a cashier
    await small_bank()
    account = await make_account("SB0", owner=await make_member("Asha Rao"), deposit="5000.00")
    cashier = await create_staff_user(username="ravi", full_name="Ravi K", role="cashier",
                                      password="counter staff pass 9", actor="test")
    with serve(db) as base:
        desk = chrome(1280, 800)
        try:
            _sign_in(desk, base, staff=True, login="ravi", password="counter staff pass 9", secret=cashier.totp.secret)
            wait_text(desk, "Today's cash")
            field(desk, "Name, member number, mobile or account number").send_keys(account)
            button(desk, "Find").click()
            wait_text(desk, "Balance ₹5,000.00")
            field(desk, "Amount").send_keys("2500")
            button(desk, "Review").click()
            wait_text(desk, "Take in ₹2,500.00")
            # when: the cashier flips the toggle to Withdrawal after reviewing a deposit
            button(desk, "Withdrawal").click()
            wait_text(desk, "Changed: review again before confirming.")
            assert "Take in ₹2,500.00" not in desk.find_element("tag name", "body").text
            button(desk, "Review").click()
            wait_text(desk, "Pay out ₹2,500.00")
            button(desk, "Confirm").click()
            wait_text(desk, "Cash withdrawal receipt")
        finally:
            desk.quit()
    # then: exactly one withdrawal of ₹2,500 was posted, no deposit
    entries = await JournalEntry.filter(initiator=f"staff:{cashier.user.id}")
    assert [e.entry_type for e in entries] == ["cash_withdrawal"]
    legs = await Posting.filter(entry_id=entries[0].id)
    assert sorted(p.amount_minor for p in legs) == [2500_00, 2500_00]
    assert await balance(account) == 2500_00


async def test_a_members_transfer_pays_once_and_the_form_starts_fresh(db: str) -> None:
    # given: two members
    await small_bank()
    number, account, secret = await _portal_member("Asha Rao", "5000.00")
    other = await make_account("SB0", owner=await make_member("Rahul Kumar"))
    with serve(db) as base:
        driver = chrome(360, 780)
        try:
            _sign_in(driver, base, staff=False, login=number, password=MEMBER_PASSWORD, secret=secret)
            wait_text(driver, "₹5,000.00")
            driver.get(f"{base}/member/transfer")
            wait_text(driver, "To account number")
            field(driver, "To account number").send_keys(other)
            field(driver, "Amount").send_keys("750")
            field(driver, "Remark (optional)").send_keys("Rent")
            button(driver, "Review").click()
            # the confirmation shows whose account it is, masked, and the narration the receiver sees
            wait_text(driver, "R**** K****")
            wait_text(driver, f"Transfer {account} to {other}: Rent")
            button(driver, "Confirm transfer").click()
            wait_text(driver, "New balance ₹4,250.00")
            # when: after Done the member starts a new transfer and reviews with nothing filled in
            button(driver, "New transfer").click()
            wait_text(driver, "To account number")
            assert field(driver, "Amount").get_attribute("value") == ""
            button(driver, "Review").click()
            wait_text(driver, "Enter the receiving account's 12-digit number.")
        finally:
            driver.quit()
    # then: one transfer, with the remark added to the narration
    entries = await JournalEntry.filter(entry_type="transfer")
    assert [e.narration for e in entries] == [f"Transfer {account} to {other}: Rent"]
    assert await balance(other) == 750_00
    assert await balance(account) == 4250_00

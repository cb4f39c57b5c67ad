"""End to end in headless Chromium (`coopbank serve` in its own process): a member joins by buying
shares in the portal; the staff's share register and dividend pages render on a phone and a desktop.

With ``COOPBANK_SCREENSHOTS=DIR`` the pages are also saved there as PNGs (``docs/screenshots``).
"""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path


from bankcore.books.year_end import close_financial_year
from bankcore.calendar.business_date import ensure_calendar, set_business_date_at_least
from bankcore.models import Member, ShareTransaction
from bankcore.shares.dividend import approve_dividend, propose_dividend
from bankcore.shares.register import purchase_shares, transfer_shares
from bankcore.verify import verify_ledger
from graphql_api.http import TOKEN_COOKIE
from tests.ledger.factory import make_account, make_member, small_bank
from tests.live.server import serve, staff_token
from tests.shares.test_year_end_dividend import _book
from tests.ui.browser import browser_test, button, chrome, field, wait_text
from tests.ui.test_browser import MEMBER_PASSWORD, _portal_member, _sign_in

pytestmark = browser_test("sqlite")
SHOTS = os.environ.get("COOPBANK_SCREENSHOTS")


def _shoot(driver, name: str) -> None:  # noqa: ANN001
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        driver.save_screenshot(str(Path(SHOTS) / f"{name}.png"))


async def test_member_buys_shares_in_the_portal_and_staff_pages_render(db: str) -> None:
    # given: a verified member with ₹5,000 and an authenticator; two other shareholders; a closed year and a dividend
    await ensure_calendar(start=date(2025, 6, 2))
    await small_bank()
    number, account, secret = await _portal_member("Asha Rao", "5000.00")
    for name, shares in (("Ravi Kumar", 40), ("Meera Nair", 25)):
        member = await make_member(name)
        savings = await make_account("SB0", owner=member, deposit="10000.00")
        await purchase_shares(member_number=member, shares=shares, from_account_number=savings, initiator="t", idempotency_key=name)
    await _book(250_000_00, 120_000_00, date(2025, 6, 2))
    with serve(db) as base:
        driver = chrome(360, 780)
        try:
            _sign_in(driver, base, staff=False, login=number, password=MEMBER_PASSWORD, secret=secret)
            wait_text(driver, "₹5,000.00")
            # when: she buys 10 shares from her savings account
            driver.get(f"{base}/member/shares")
            wait_text(driver, "Not yet a shareholder")
            button(driver, "Continue").click()
            wait_text(driver, "Admission fee ₹100.00")
            button(driver, "Buy").click()
            # then: the page shows her holding and certificate
            wait_text(driver, "Paid up ₹1,000.00", timeout=15)
            wait_text(driver, "SC-")
            _shoot(driver, "member-shares-phone")
        finally:
            driver.quit()
    (bought,) = await ShareTransaction.filter(member__member_number=number)
    assert bought.shares == 10 and bought.admission_fee_minor == 100_00 and bought.amount_minor == 1_000_00
    # the staff pages, after a year-end close and a dividend
    ravi = await Member.get(full_name="Ravi Kumar")
    await transfer_shares(from_member_number=ravi.member_number, to_member_number=number, shares=5, initiator="t",
                          idempotency_key="tr")
    await set_business_date_at_least(date(2026, 4, 1))
    await close_financial_year(financial_year=2025, initiator="staff:accountant", idempotency_key="close")
    proposal = await propose_dividend(financial_year=2025, rate_bps=1200, initiator="staff:accountant", idempotency_key="d")
    await approve_dividend(declaration_id=proposal.id, approver="staff:manager")
    assert (await verify_ledger()).ok
    manager = await staff_token("manager")
    with serve(db) as base:
        for width, height, size in ((360, 780, "phone"), (1280, 800, "desktop")):
            driver = chrome(width, height)
            try:
                driver.get(f"{base}/healthz")
                driver.add_cookie({"name": TOKEN_COOKIE, "value": manager, "path": "/"})
                driver.get(f"{base}/staff/shares")
                wait_text(driver, "3 shareholders")
                field(driver, "Member number").send_keys(number)
                driver.find_element("xpath", "//button[.//i[text()='search']]").click()
                wait_text(driver, "15 shares, paid up ₹1,500.00")
                _shoot(driver, f"staff-share-register-{size}")
                driver.get(f"{base}/staff/dividends")
                wait_text(driver, "2025-26 at 12.00%")
                button(driver, "Report").click()
                wait_text(driver, "Dividend report")
                _shoot(driver, f"staff-dividends-{size}")
            finally:
                driver.quit()

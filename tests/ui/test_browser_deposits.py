"""End to end in headless Chromium (`coopbank serve` in its own process): a member opens a
one-year cumulative fixed deposit of ₹1,00,000 from savings in the portal on a phone,
confirmed with a one-time code, and exactly that is posted (Dr savings, Cr the deposit's
own account); the member's and the staff's deposit pages render on a phone and a desktop
without sideways scrolling.

With ``COOPBANK_SCREENSHOTS=DIR`` the pages are also saved there as PNGs (``docs/screenshots``).
"""

from __future__ import annotations

import os
from pathlib import Path

from bankcore.identity.clock import utcnow
from bankcore.identity.totp import code_at, time_step
from bankcore.models import Account, DepositStatus, EntryType, JournalEntry, LedgerAccount, Posting, TermDeposit
from bankcore.verify import verify_ledger
from graphql_api.http import TOKEN_COOKIE
from tests.deposits.factory import deposit_bank
from tests.live.server import serve, staff_token
from tests.ui.browser import browser_test, button, chrome, field, wait_text
from tests.ui.test_browser import MEMBER_PASSWORD, _portal_member, _sign_in

pytestmark = browser_test("postgres")
SHOTS = os.environ.get("COOPBANK_SCREENSHOTS")


def _shoot(driver, name: str) -> None:  # noqa: ANN001
    """The whole page (the window stretched to its height for the shot), so nothing below the fold is missed."""
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        size = driver.get_window_size()
        # the page's length: the bottom of its last card (the page element itself fills the window)
        height = driver.execute_script(
            "return Math.max(window.innerHeight, ...[...document.querySelectorAll('.q-card, .q-table__container')]"
            ".map(e => e.getBoundingClientRect().bottom + window.scrollY))")
        driver.set_window_size(size["width"], min(int(height) + 24 + size["height"] - driver.execute_script(
            "return window.innerHeight"), 3000))
        driver.save_screenshot(str(Path(SHOTS) / f"{name}.png"))
        driver.set_window_size(size["width"], size["height"])


def _no_sideways_scroll(driver) -> None:  # noqa: ANN001
    overflow = driver.execute_script("return document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"the page is {overflow}px wider than the screen"


async def test_a_member_opens_an_fd_on_a_phone_and_exactly_that_is_posted(db: str) -> None:
    # given: a member with ₹1,50,000 in savings, an authenticator, and an FD product at 7 % for a year
    await deposit_bank()
    number, savings, secret = await _portal_member("Asha Rao", "150000.00")
    with serve(db) as base:
        driver = chrome(360, 780)
        try:
            _sign_in(driver, base, staff=False, login=number, password=MEMBER_PASSWORD, secret=secret)
            signed_in_step = time_step(utcnow())
            wait_text(driver, "₹1,50,000.00")
            # when: she opens a one-year cumulative FD of ₹1,00,000 and confirms with a fresh code
            driver.get(f"{base}/member/deposits")
            wait_text(driver, "You have no deposits yet.")
            _no_sideways_scroll(driver)
            button(driver, "Open a fixed deposit").click()
            wait_text(driver, "365–730 days: 7.00 %")
            field(driver, "Amount").send_keys("100000")
            _shoot(driver, "member-deposits-open-phone")
            button(driver, "Review").click()
            wait_text(driver, f"Open a Fixed deposit of ₹1,00,000.00 for 12 months from {savings}?")
            _no_sideways_scroll(driver)
            _shoot(driver, "member-deposits-review-phone")
            button(driver, "Confirm and open").click()
            wait_text(driver, "Confirm it is you")
            # a code is used once: the next time step's code (accepted within ±1 step)
            field(driver, "6-digit code").send_keys(code_at(secret, max(signed_in_step + 1, time_step(utcnow()))))
            button(driver, "Confirm").click()
            # then: the page shows the deposit with its compounded maturity value
            wait_text(driver, "₹1,07,185.90", timeout=15)
            wait_text(driver, "Tax documents and passbook")
            _no_sideways_scroll(driver)
            _shoot(driver, "member-deposits-phone")
            driver.set_window_size(1280, 800)
            driver.refresh()
            wait_text(driver, "₹1,07,185.90", timeout=15)
            _no_sideways_scroll(driver)
            _shoot(driver, "member-deposits-desktop")
        finally:
            driver.quit()
    # and exactly this was posted: one transfer, Dr savings 1,00,000.00, Cr the FD's own account 1,00,000.00
    fd = await TermDeposit.get(member__member_number=number)
    assert (fd.principal_minor, fd.rate_bps, fd.tenure_months, str(fd.payout), fd.status) == \
        (100_000_00, 700, 12, "CUMULATIVE", DepositStatus.ACTIVE)
    entry = await JournalEntry.get(narration__contains=fd.number)
    assert entry.entry_type == EntryType.TRANSFER and entry.narration == f"Fixed deposit {fd.number} opened from {savings}"
    savings_ledger = (await Account.get(number=savings)).ledger_account_id
    legs = sorted((p.ledger_account_id, p.side, p.amount_minor) for p in await Posting.filter(entry_id=entry.id))
    assert legs == sorted([(savings_ledger, "D", 100_000_00), (fd.ledger_account_id, "C", 100_000_00)])
    assert (await LedgerAccount.get(id=savings_ledger)).balance_minor == 50_000_00
    assert (await verify_ledger()).ok


async def test_the_staff_deposit_desk_renders_on_a_phone_and_a_desktop(db: str) -> None:
    await deposit_bank()
    manager = await staff_token("manager")
    with serve(db) as base:
        for width, height, size in ((360, 780, "phone"), (1280, 800, "desktop")):
            driver = chrome(width, height)
            try:
                driver.get(f"{base}/healthz")
                driver.add_cookie({"name": TOKEN_COOKIE, "value": manager, "path": "/"})
                driver.get(f"{base}/staff/deposits")
                wait_text(driver, "Member documents", timeout=15)
                wait_text(driver, "TDS register (s.194A)")
                _no_sideways_scroll(driver)
                _shoot(driver, f"staff-deposits-{size}")
            finally:
                driver.quit()

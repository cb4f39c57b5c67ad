"""``screenshots.py --flows``: what the demo's data cannot show, on a small bank made by the
test factories and served by `coopbank serve`: a member closing a loan (quote, review,
one-time code, done) and the staff Members page's KYC tab with the risk-category card.
"""

from __future__ import annotations

import tempfile
from datetime import date
from pathlib import Path

from screenshot_kit import SIZES, save, scroll_to_text

from tests.ui.browser import _find, button, chrome, click_tab, field, wait_text


async def flows(out: Path) -> None:
    """Close a loan as a member (phone and desktop), and the KYC tab with the risk-category card as a manager."""
    from tortoise import Tortoise

    from bankcore.db import migrate_database, tortoise_config
    from bankcore.identity.clock import utcnow
    from bankcore.identity.members_portal import enrol_member_totp, set_member_password
    from bankcore.identity.sessions import open_session
    from bankcore.identity.totp import code_at, time_step
    from bankcore.models import Member, PrincipalKind
    from tests.live.server import serve, staff_token
    from tests.loans.factory import active_loan, borrower, loan_bank, move_to

    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite://{tmp}/bank.sqlite3"
        await migrate_database(url)
        await Tortoise.init(config=tortoise_config(url))
        try:
            await loan_bank()
            loans = {}
            for size in SIZES:  # one loan per size: closing one leaves nothing to close for the other
                b = await borrower(deposit="150000.00", name={"phone": "Asha Rao", "desktop": "Meera Nair"}[size])
                await active_loan(b)
                member = await Member.get(member_number=b.member)
                await set_member_password(member_id=member.id, password="coopbank member pass 1", actor="screenshots")
                secret = (await enrol_member_totp(member_id=member.id, actor="screenshots")).secret
                token = (await open_session(kind=PrincipalKind.MEMBER, principal_id=member.id, now=utcnow())).token
                loans[size] = (token, secret, b.guarantor)  # the guarantor: a verified member to re-assess
            await move_to(date(2025, 1, 20))
            manager = await staff_token("manager", username="demo-manager")
            with serve(url) as base:
                driver = chrome(*SIZES["desktop"])
                try:
                    for size, (width, height) in SIZES.items():
                        driver.set_window_size(width, height)
                        token, secret, member_number = loans[size]
                        _close_a_loan(driver, base, out, size, token, secret, code_at, time_step, utcnow)
                        _kyc_tab(driver, base, out, size, manager, member_number)
                finally:
                    driver.quit()
        finally:
            await Tortoise.close_connections()


def _close_a_loan(driver, base: str, out: Path, size: str, token: str, secret: str,  # noqa: ANN001, PLR0913
                  code_at, time_step, utcnow) -> None:  # noqa: ANN001
    driver.delete_all_cookies()
    driver.get(f"{base}/healthz")
    driver.add_cookie({"name": "coopbank_token", "value": token, "path": "/"})
    driver.get(f"{base}/member/loans")
    button(driver, "Close loan").click()  # (waits for it: the page draws after its first request)
    wait_text(driver, "Close the loan today")
    scroll_to_text(driver, "Close the loan today")
    save(driver, out, f"member-loans-close-quote-{size}")
    button(driver, "Review").click()
    wait_text(driver, "The quote holds for today only")
    scroll_to_text(driver, "and close loan")
    save(driver, out, f"member-loans-close-review-{size}")
    button(driver, "Confirm and close").click()
    wait_text(driver, "Confirm it is you")
    field(driver, "6-digit code").send_keys(code_at(secret, time_step(utcnow())))
    save(driver, out, f"member-loans-close-code-{size}")
    button(driver, "Confirm").click()
    wait_text(driver, "Closed: ")
    scroll_to_text(driver, "Closed: ")
    save(driver, out, f"member-loans-close-done-{size}")


def _kyc_tab(driver, base: str, out: Path, size: str, manager: str, member_number: str) -> None:  # noqa: ANN001
    driver.delete_all_cookies()
    driver.get(f"{base}/healthz")
    driver.add_cookie({"name": "coopbank_token", "value": manager, "path": "/"})
    driver.get(f"{base}/staff/clerk")
    click_tab(driver, "KYC documents")  # on a phone it lies beyond the tab bar's visible strip
    wait_text(driver, "Change a member's risk category")
    # the card with its outcome (the new re-KYC date) says more than an empty form
    card = "//div[contains(@class,'q-card') and .//*[normalize-space()=\"Change a member's risk category\"]]"
    _find(driver, f"{card}//label[.//div[contains(@class,'q-field__label') and normalize-space()='Member number']]"
                  "//input").send_keys(member_number)
    field(driver, "Reason").send_keys("Politically exposed person")
    button(driver, "Change risk category").click()
    wait_text(driver, "KYC is due again on")
    scroll_to_text(driver, "KYC is due again on")
    save(driver, out, f"staff-kyc-risk-{size}")

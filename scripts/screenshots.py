"""Screenshots of the main pages, phone (360x780) and desktop (1280x800), into docs/screenshots.

Starts a fresh `coopbank demo` in a temporary directory (real Berka data, the demo's own
users), signs in through the real sign-in page as a member and as each staff role in
headless Chromium, and saves one PNG per page and size. Needs chromium and chromedriver.

    python scripts/screenshots.py [--out docs/screenshots]
    python scripts/screenshots.py --flows   # only the flows below, on a small bank (about a minute)

``--flows`` shoots what the demo's data cannot show, on a bank made by the test factories and
served by `coopbank serve`: a member closing a loan (quote, review, one-time code, done) and the
staff Members page's KYC tab with the checker's risk-category card.
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

# Run by path, this folder is on sys.path: the siblings import as top-level modules.
from screenshot_demo import Demo, sign_in  # noqa: E402
from screenshot_kit import SIZES, retype, scroll_to, shoot  # noqa: E402

from tests.ui.browser import button, chrome, click_tab, field, wait_text  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=REPO / "docs" / "screenshots")
    parser.add_argument("--flows", action="store_true", help="only the loan-closing and KYC flows, on a small bank")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    if args.flows:
        import asyncio

        from screenshot_flows import flows

        asyncio.run(flows(args.out))
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        demo = Demo(Path(tmp))
        try:
            run(demo, args.out)
        finally:
            demo.stop()
    return 0


def run(demo: Demo, out: Path) -> None:
    base = demo.base
    first, second = demo.member_logins()[:2]
    with demo.db() as db:
        own = db.execute(
            "SELECT a.number FROM account a JOIN account_holder h ON h.account_id = a.id JOIN member m ON m.id = h.member_id "
            "WHERE m.member_number = ? ORDER BY a.number LIMIT 1", (first,)).fetchone()[0]
        other = db.execute(
            "SELECT a.number FROM account a JOIN account_holder h ON h.account_id = a.id JOIN member m ON m.id = h.member_id "
            "JOIN product p ON p.id = a.product_id WHERE m.member_number = ? AND p.kind != 'loan' LIMIT 1", (second,)).fetchone()[0]
        # the imported history ends years ago: show its last months rather than an empty "last 12 months"
        history_end = date.fromisoformat(db.execute(
            "SELECT MAX(value_date) FROM journal_entry WHERE initiator = 'system:import-berka'").fetchone()[0])
        account_end = date.fromisoformat(db.execute(
            "SELECT MAX(p.value_date) FROM posting p JOIN account a ON a.ledger_account_id = p.ledger_account_id "
            "JOIN journal_entry je ON je.id = p.entry_id WHERE a.number = ? AND je.initiator = 'system:import-berka'",
            (own,)).fetchone()[0])
    account_start = account_end - timedelta(days=75)

    driver = chrome(*SIZES["desktop"])
    try:
        shoot(driver, out, "signin", "/signin", base, wait="Member number or mobile")
        # the cashier first, so the member's history has a deposit of today
        sign_in(driver, demo, staff="demo-cashier")

        def deposit(d) -> None:  # noqa: ANN001
            if "receipt" in d.find_element("tag name", "body").text:
                return
            field(d, "Name, member number, mobile or account number").send_keys(own)
            button(d, "Find").click()
            wait_text(d, "Balance ")
            field(d, "Amount").send_keys("2500")
            button(d, "Review").click()
            wait_text(d, "Take in")
            button(d, "Confirm").click()
            wait_text(d, "receipt")

        driver.get(base + "/staff/cashier")
        wait_text(driver, "Cash drawer")
        if "Open drawer" in driver.find_element("tag name", "body").text.replace("OPEN DRAWER", "Open drawer"):
            field(driver, "Opening float (counted)").send_keys("20000")
            button(driver, "Open drawer").click()
        wait_text(driver, "Today's cash")
        deposit(driver)
        shoot(driver, out, "cashier-receipt", settle=0.5, before=scroll_to("receipt"))
        reference = re.search(r"Reference\s+(\d+)", driver.find_element("tag name", "body").text).group(1)
        driver.delete_all_cookies()

        sign_in(driver, demo, member=first)
        shoot(driver, out, "member-dashboard", "/member", base, wait="My accounts")
        def history(d) -> None:  # noqa: ANN001
            retype(field(d, "From"), account_start.strftime("%d-%m-%Y"))
            retype(field(d, "To"), account_end.strftime("%d-%m-%Y"))
            button(d, "Show").click()
            time.sleep(0.5)
            wait_text(d, "Closing")

        shoot(driver, out, "member-account", f"/member/accounts/{own}", base, wait="Closing", before=history)

        def fill_transfer(d) -> None:  # noqa: ANN001
            field(d, "To account number").send_keys(other)
            field(d, "Amount").send_keys("1500")
            field(d, "Remark (optional)").send_keys("Rent, November")
            button(d, "Review").click()
            wait_text(d, "Please confirm")

        shoot(driver, out, "member-transfer", "/member/transfer", base, wait="To account number", before=fill_transfer)
        shoot(driver, out, "member-statements", "/member/statements", base, wait="PDF")

        def fill_add_money(d) -> None:  # noqa: ANN001
            field(d, "Amount").send_keys("2500")

        shoot(driver, out, "member-add-money", "/member/add-money", base, wait="Pay from any bank", before=fill_add_money)

        def pay_on_checkout(d) -> None:  # noqa: ANN001
            if "Paid: the money" in d.find_element("tag name", "body").text:
                return
            button(d, "Continue to payment").click()
            wait_text(d, "Test checkout", timeout=15)
            d.find_element("xpath", "//button[@value='success']").click()
            wait_text(d, "Paid: the money is in your account", timeout=20)

        shoot(driver, out, "member-add-money-paid", None, base, before=pay_on_checkout)
        shoot(driver, out, "member-send", "/member/send", base, wait="Recent payments")
        shoot(driver, out, "member-profile", "/member/profile", base, wait="Contact details")
        shoot(driver, out, "member-instructions", "/member/instructions", base, wait="New standing instruction")
        shoot(driver, out, "member-deposits", "/member/deposits", base, wait="Your deposits")
        shoot(driver, out, "member-inbox", "/member/inbox", base, wait="Alert settings")
        shoot(driver, out, "member-security", "/security", base, wait="Change your password")
        driver.delete_all_cookies()

        def branch_window(d) -> None:  # noqa: ANN001
            retype(field(d, "Up to (default: last activity)"), history_end.strftime("%d-%m-%Y"))
            button(d, "Show").click()
            time.sleep(0.5)
            wait_text(d, "Daily volume")

        # the accountant (maker) asks for the demo deposit to be reversed; the manager (checker) sees it queued
        sign_in(driver, demo, staff="demo-accountant")
        driver.get(base + "/staff/approvals")
        field(driver, "Entry id").send_keys(reference)
        field(driver, "Reason").send_keys("Deposit keyed to the wrong account")
        button(driver, "File request").click()
        wait_text(driver, "Deposit keyed to the wrong account")
        driver.delete_all_cookies()

        def close_a_day(d) -> None:  # noqa: ANN001
            if "Runs" in d.page_source and "No day-end has run yet." in d.page_source:
                button(d, "Run day-end").click()
                wait_text(d, "Business date now", timeout=120)

        def show_the_report(d) -> None:  # noqa: ANN001
            button(d, "Show").click()
            wait_text(d, "Third Schedule", timeout=60)  # the shown report's title, not the menu's

        def open_sessions_tab(d) -> None:  # noqa: ANN001
            click_tab(d, "Sessions")
            time.sleep(0.5)

        for staff, pages in (
            ("demo-manager", (("manager-approvals", "/staff/approvals", "KYC approval"),
                              ("manager-branch", "/staff/branch", "Daily volume", branch_window))),
            ("demo-clerk", (("clerk-members", "/staff/clerk", "Name, member number or mobile"),)),
            ("demo-accountant", (("accountant-books", "/staff/books", "As of"),
                                 ("accountant-payments", "/staff/payments", "Suspense ageing"),
                                 ("accountant-reports", "/staff/reports", "Balance sheet (Form A)", show_the_report),
                                 ("accountant-deposits", "/staff/deposits", "Maturing soon"),
                                 ("accountant-day-end", "/staff/day-end", "Runs", close_a_day))),
            ("demo-admin", (("admin", "/staff/admin", "Add a staff user"),
                            ("admin-sessions", "/staff/admin", "Add a staff user", open_sessions_tab),
                            ("admin-settings", "/staff/settings", "bank.time_zone"),
                            ("admin-webhooks", "/staff/webhooks", "Subscribe a partner"),
                            ("staff-security", "/security", "Change your password"))),
            ("demo-auditor", (("auditor-audit", "/staff/audit", "Hash chain"),)),
        ):
            sign_in(driver, demo, staff=staff)
            for name, path, wait, *before in pages:
                shoot(driver, out, name, path, base, wait=wait, settle=1.5, before=before[0] if before else None)
            driver.delete_all_cookies()
    finally:
        driver.quit()


if __name__ == "__main__":
    sys.exit(main())

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
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from datetime import date, timedelta
from pathlib import Path

import pyotp

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from selenium.webdriver.common.keys import Keys  # noqa: E402

from tests.ui.browser import _find, button, chrome, field, wait_text  # noqa: E402


def retype(element, text: str) -> None:  # noqa: ANN001
    element.send_keys(Keys.CONTROL, "a")
    element.send_keys(Keys.BACKSPACE)
    element.send_keys(text)


def scroll_to(text: str):  # noqa: ANN201
    def go(driver) -> None:  # noqa: ANN001
        driver.execute_script(
            "const el = [...document.querySelectorAll('.q-card')].find(e => e.innerText.includes(arguments[0]));"
            "if (el) el.scrollIntoView({block: 'start'});", text)
    return go

SIZES = {"phone": (360, 780), "desktop": (1280, 800)}


class Demo:
    """A `coopbank demo` child process whose output is collected (credentials, sign-in codes)."""

    def __init__(self, workdir: Path) -> None:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.workdir = workdir
        self.output = ""
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            sim_port = s.getsockname()[1]
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "coopbank.cli", "demo", "--port", str(self.port), "--sim-port", str(sim_port)], cwd=workdir,
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        )
        threading.Thread(target=self._read, daemon=True).start()
        deadline = time.monotonic() + 600  # the full Berka import on a busy 2-core machine
        while "NiceGUI ready" not in self.output and "Serving at" not in self.output:
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"demo did not start:\n{self.output[-3000:]}")
            time.sleep(0.2)
        self.base = f"http://127.0.0.1:{self.port}"
        import urllib.request

        while True:  # "Serving at" is printed before the server (and the gateway simulator) is up
            try:
                with urllib.request.urlopen(f"{self.base}/healthz", timeout=1) as answer:
                    if answer.status == 200:
                        break
            except OSError:
                pass
            if self.proc.poll() is not None or time.monotonic() > deadline + 60:
                raise RuntimeError(f"demo did not serve:\n{self.output[-3000:]}")
            time.sleep(0.3)
        time.sleep(1.0)

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.output += line

    def totp(self, username: str) -> str:
        secret = re.search(rf"login {re.escape(username)}\s.*TOTP secret (\w+)", self.output).group(1)
        return secret

    def member_logins(self) -> list[str]:
        return re.findall(r"member · .*login (\d{8}) or", self.output)

    def last_code(self) -> str:
        return re.findall(r"\[sms\].*?: (\d{6}) is your", self.output)[-1]

    def db(self) -> sqlite3.Connection:
        return sqlite3.connect(self.workdir / "coopbank.sqlite3")

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()


def sign_in(driver, demo: Demo, *, staff: str | None = None, member: str | None = None) -> None:  # noqa: ANN001
    driver.get(f"{demo.base}/signin")
    wait_text(driver, "Member number or mobile")
    if staff:
        button(driver, "Staff").click()
        wait_text(driver, "Username")
        field(driver, "Username").send_keys(staff)
        field(driver, "Password").send_keys(f"coopbank {staff.removeprefix('demo-')} pass")
    else:
        field(driver, "Member number or mobile").send_keys(member)
        field(driver, "Password").send_keys("coopbank member pass 1")
    button(driver, "Continue").click()
    wait_text(driver, "authenticator app" if staff else "We sent a code")
    time.sleep(0.3)
    code = pyotp.TOTP(demo.totp(staff)).now() if staff else demo.last_code()
    field(driver, "6-digit code").send_keys(code)
    button(driver, "Sign in").click()
    time.sleep(1.0)


def shoot(driver, out: Path, name: str, path: str | None = None, base: str = "", wait: str | None = None,  # noqa: ANN001
          before=None, settle: float = 1.0) -> None:  # noqa: ANN001
    for size, (width, height) in SIZES.items():
        driver.set_window_size(width, height)
        if path is not None:
            driver.get(base + path)
        if wait:
            wait_text(driver, wait, timeout=15)
        if before is not None:
            before(driver)
        time.sleep(settle)
        driver.save_screenshot(str(out / f"{name}-{size}.png"))
        print(f"  {name}-{size}.png", flush=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=REPO / "docs" / "screenshots")
    parser.add_argument("--flows", action="store_true", help="only the loan-closing and KYC flows, on a small bank")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    if args.flows:
        import asyncio

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
            d.find_element("xpath", "//*[contains(@class,'q-tab') and .//*[normalize-space()='Sessions']]").click()
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
                loans[size] = (token, secret)
            await move_to(date(2025, 1, 20))
            manager = await staff_token("manager", username="demo-manager")
            with serve(url) as base:
                driver = chrome(*SIZES["desktop"])
                try:
                    for size, (width, height) in SIZES.items():
                        driver.set_window_size(width, height)
                        token, secret = loans[size]
                        _close_a_loan(driver, base, out, size, token, secret, code_at, time_step, utcnow)
                        _kyc_tab(driver, base, out, size, manager)
                finally:
                    driver.quit()
        finally:
            await Tortoise.close_connections()


def _save(driver, out: Path, name: str) -> None:  # noqa: ANN001
    time.sleep(0.5)  # let the last update paint
    driver.save_screenshot(str(out / f"{name}.png"))
    print(f"  {name}.png", flush=True)


def _close_a_loan(driver, base: str, out: Path, size: str, token: str, secret: str,  # noqa: ANN001, PLR0913
                  code_at, time_step, utcnow) -> None:  # noqa: ANN001
    driver.delete_all_cookies()
    driver.get(f"{base}/healthz")
    driver.add_cookie({"name": "coopbank_token", "value": token, "path": "/"})
    driver.get(f"{base}/member/loans")
    button(driver, "Close loan").click()  # (waits for it: the page draws after its first request)
    wait_text(driver, "Close the loan today")
    scroll_to_text(driver, "Close the loan today")
    _save(driver, out, f"member-loans-close-quote-{size}")
    button(driver, "Review").click()
    wait_text(driver, "The quote holds for today only")
    scroll_to_text(driver, "and close loan")
    _save(driver, out, f"member-loans-close-review-{size}")
    button(driver, "Confirm and close").click()
    wait_text(driver, "Confirm it is you")
    field(driver, "6-digit code").send_keys(code_at(secret, time_step(utcnow())))
    _save(driver, out, f"member-loans-close-code-{size}")
    button(driver, "Confirm").click()
    wait_text(driver, "Closed: ")
    scroll_to_text(driver, "Closed: ")
    _save(driver, out, f"member-loans-close-done-{size}")


def _kyc_tab(driver, base: str, out: Path, size: str, manager: str) -> None:  # noqa: ANN001
    driver.delete_all_cookies()
    driver.get(f"{base}/healthz")
    driver.add_cookie({"name": "coopbank_token", "value": manager, "path": "/"})
    driver.get(f"{base}/staff/clerk")
    # on a phone the tab is scrolled out of the tab bar: click it by script
    tab = _find(driver, "//*[contains(@class,'q-tab') and .//*[normalize-space()='KYC documents']]")
    driver.execute_script("arguments[0].click()", tab)
    wait_text(driver, "Change a member's risk category")
    scroll_to_text(driver, "Change a member's risk category")
    _save(driver, out, f"staff-kyc-risk-{size}")


def scroll_to_text(driver, text: str) -> None:  # noqa: ANN001
    """Scroll the innermost element showing ``text`` to the middle of the window (a phone shows little at once)."""
    driver.execute_script(
        "const all = [...document.querySelectorAll('#app *')].filter(e => e.innerText && e.innerText.includes(arguments[0]));"
        "const el = all[all.length - 1]; if (el) el.scrollIntoView({block: 'center'});", text)


if __name__ == "__main__":
    sys.exit(main())

"""End to end in headless Chromium: a member adds money through the simulator's checkout page
(`coopbank gateway-sim` and `coopbank serve` in their own processes), and exactly one credit is posted."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import httpx

from bankcore.models import Account, EntryType, GatewayEvent, LedgerAccount, PaymentOrder, PaymentOrderStatus, Posting
from tests.live.server import free_port, serve
from tests.ui.browser import browser_test, button, chrome, field, wait_text
from tests.ui.test_browser import MEMBER_PASSWORD, _portal_member, _sign_in
from tests.ledger.factory import small_bank

pytestmark = browser_test("postgres")

SECRET = "browser-test-webhook-secret"


def _start_sim(port: int, webhook_url: str) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST")}
    env["COOPBANK_RAZORPAY_WEBHOOK_SECRET"] = SECRET
    proc = subprocess.Popen([sys.executable, "-m", "coopbank.cli", "gateway-sim", "--port", str(port),
                             "--webhook-url", webhook_url], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                return proc
        except httpx.HTTPError:
            time.sleep(0.1)
    proc.kill()
    raise RuntimeError("gateway-sim did not start")


async def test_add_money_through_the_simulators_checkout_posts_one_credit(db: str) -> None:
    # given: a member with ₹1,000.00, the bank and the gateway simulator each in their own process
    await small_bank()
    number, account, secret = await _portal_member("Asha Rao", "1000.00")
    bank_port, sim_port = free_port(), free_port()
    sim = _start_sim(sim_port, f"http://127.0.0.1:{bank_port}/webhooks/razorpay")
    env = {"COOPBANK_GATEWAY": "sim", "COOPBANK_GATEWAY_SIM_URL": f"http://127.0.0.1:{sim_port}",
           "COOPBANK_RAZORPAY_WEBHOOK_SECRET": SECRET, "COOPBANK_PAYOUT_POLLING": "off"}
    try:
        with serve(db, port=bank_port, extra_env=env) as base:
            driver = chrome(360, 780)
            try:
                _sign_in(driver, base, staff=False, login=number, password=MEMBER_PASSWORD, secret=secret)
                wait_text(driver, "₹1,000.00")
                # when: she adds ₹250.50 and pays on the gateway's checkout page
                driver.get(f"{base}/member/add-money")
                wait_text(driver, "Pay from any bank")
                field(driver, "Amount").send_keys("250.50")
                button(driver, "Continue to payment").click()
                wait_text(driver, "Test checkout", timeout=15)
                assert driver.current_url.startswith(f"http://127.0.0.1:{sim_port}/checkout/order_")
                driver.find_element("xpath", "//button[@value='success']").click()
                # then: back at the bank, the order is paid (the webhook or the status check credited it)
                wait_text(driver, "Paid: the money is in your account", timeout=20)
            finally:
                driver.quit()
    finally:
        sim.terminate()
        sim.wait(timeout=10)
    # and what was posted: one credit of ₹250.50, Dr the gateway settlement account
    order = await PaymentOrder.get(account__number=account)
    assert order.status == PaymentOrderStatus.PAID and order.amount_minor == 250_50
    ledger = await LedgerAccount.get(id=(await Account.get(number=account)).ledger_account_id)
    assert ledger.balance_minor == 1_000_00 + 250_50
    credits = await Posting.filter(ledger_account_id=ledger.id, entry__entry_type=EntryType.INWARD_TRANSFER)
    assert [(p.side, p.amount_minor) for p in credits] == [("C", 250_50)]
    assert await GatewayEvent.filter(entity_id=order.payment_id).count() >= 1  # the signed webhooks arrived too

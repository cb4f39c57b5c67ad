"""The payment pages through NiceGUI's User fixture, against the gateway simulator (a separate
process): Add money shows pending then paid, live; Send money holds and shows the payment;
the account shows what is pending and its UPI QR; the accountant's gateway page."""

from __future__ import annotations

import asyncio
from datetime import date

from nicegui.testing import User

from bankcore.models import Account, LedgerAccount, PaymentOrder, PaymentPurpose, Payout, PrincipalKind
from bankcore.payments.payees import add_payee
from bankcore.payments.settlement import SettlementLine, reconcile_settlement
from tests.ledger.factory import inr
from tests.payments.conftest import Sim
from tests.payments.factory import member_with_savings
from tests.ui.conftest import sign_in_as
from tests.ui.test_staff import as_staff


async def _wait_text(user: User, text: str, tries: int = 100) -> None:
    for _ in range(tries):
        try:
            await user.should_see(text, retries=1)
            return
        except AssertionError:
            await asyncio.sleep(0.05)
    await user.should_see(text)


async def test_add_money_creates_an_order_then_shows_pending_then_paid_live(user: User, sim: Sim, monkeypatch) -> None:  # noqa: ANN001
    member, number = await member_with_savings("100.00")
    went: list[str] = []
    real_to = user.navigate.to
    # The checkout is the simulator's page (another process): record where the browser is sent.
    monkeypatch.setattr(user.navigate, "to", lambda target, *a, **k: went.append(str(target)) if "/checkout/" in str(target)
                        else real_to(target, *a, **k))
    await sign_in_as(user, PrincipalKind.MEMBER, member.id)
    await user.open("/member/add-money")
    await user.should_see(marker="amount")
    user.find(marker="amount").type("250.50")
    user.find(marker="pay").click()
    for _ in range(100):
        order = await PaymentOrder.filter(account__number=number).first()
        if went:
            break
        await asyncio.sleep(0.05)
    assert order.amount_minor == 250_50 and order.purpose == PaymentPurpose.TOP_UP
    assert went == [f"{sim.url}/checkout/{order.gateway_order_id}?callback_url=http%3A%2F%2Ftest%2Fmember%2Fpayment-callback"]
    # the member is back from the checkout: pending until the gateway says so
    await user.open(f"/member/add-money?order={order.id}")
    await user.should_see("Pending: waiting for the bank's confirmation")
    sim.pay(order.gateway_order_id)
    await _wait_text(user, "Paid: the money is in your account")
    ledger = await LedgerAccount.get(id=(await Account.get(number=number)).ledger_account_id)
    assert ledger.balance_minor == 100_00 + 250_50


async def test_send_money_to_a_saved_payee_holds_then_sends(user: User, sim: Sim, sent: list) -> None:
    member, number = await member_with_savings("5000.00")
    await add_payee(member_id=member.id, name="Ravi Iyer", ifsc="SBIN0001234", bank_account_number="123456789012")
    await sign_in_as(user, PrincipalKind.MEMBER, member.id)
    await user.open("/member/send")
    await user.should_see(marker="amount")
    await user.should_see("No payments to other banks yet.")
    user.find(marker="amount").type("1200")
    user.find(marker="review").click()
    await user.should_see(marker="confirm-card")
    await user.should_see("₹1,200.00")
    user.find(marker="confirm").click()
    await _wait_text(user, "Sent to the bank")
    payout = await Payout.get(account__number=number)
    assert payout.amount_minor == 1_200_00
    [(_, posted)] = [call for call in sent if call[0] == "CreatePayout"]
    assert posted["input"]["idempotencyKey"].startswith("ui-") and {**posted["input"], "idempotencyKey": "k"} == {
        "accountNumber": number, "payeeId": posted["input"]["payeeId"], "mode": "IMPS", "narration": None,
        "amount": {"amount": "1200.00", "currency": "INR"}, "idempotencyKey": "k"}
    for _ in range(200):  # the payout.processed webhook, shown live in the list
        rows = user.find(marker="payouts").elements.pop().rows
        if rows and rows[0]["status"].startswith("Sent · UTR"):
            break
        await asyncio.sleep(0.05)
    assert rows[0]["status"].startswith("Sent · UTR") and rows[0]["amount"] == "₹1,200.00"
    ledger = await LedgerAccount.get(id=(await Account.get(number=number)).ledger_account_id)
    assert (ledger.balance_minor, ledger.held_minor) == (5_000_00 - 1_200_00, 0)


async def test_account_page_shows_pending_holds_and_the_upi_qr(user: User, sim: Sim) -> None:
    member, number = await member_with_savings("5000.00")
    payee = await add_payee(member_id=member.id, name="Ravi Iyer", vpa="ravi@okbank")
    sim.control(payout_outcome="timeout", settle_after_s=10**6)
    from bankcore.models import PayoutMode
    from bankcore.payments.payouts import dispatch_payout, submit_payout

    payout, _ = await submit_payout(account_number=number, payee_id=payee.id, amount=inr("300.00"), mode=PayoutMode.UPI,
                                    idempotency_key="ui-hold", initiator="member")
    await dispatch_payout(payout.id)
    await sign_in_as(user, PrincipalKind.MEMBER, member.id)
    await user.open(f"/member/accounts/{number}")
    await _wait_text(user, "Pending: ₹300.00 held for payments on their way")
    await user.should_see(f"{number}@coopbank")


async def test_accountant_sees_suspense_after_a_reconciliation(user: User) -> None:
    await member_with_savings("1.00")
    await reconcile_settlement(gateway="sim", settlement_date=date(2030, 1, 1), initiator="test", lines=[
        SettlementLine(entity_id="pay_UNKNOWN000001", type="payment", amount_minor=500_00, fee_minor=0, tax_minor=0,
                       currency="INR")])
    await as_staff(user, "accountant")
    await user.open("/staff/payments")
    await user.should_see(marker="reconcile-card")
    await user.should_see(marker="suspense")
    rows = user.find(marker="suspense").elements.pop().rows
    assert [(r["reference"], r["amount"]) for r in rows] == [("pay_UNKNOWN000001 (payment)", "₹500.00")]
    ageing = {r["label"]: r for r in user.find(marker="ageing").elements.pop().rows}
    assert ageing["0-7 days"]["count"] == 1 and ageing["0-7 days"]["credits"] == "₹500.00"


async def test_the_statement_pdf_carries_the_accounts_upi_qr(user: User) -> None:
    import io

    from pypdf import PdfReader

    member, number = await member_with_savings("500.00")
    await sign_in_as(user, PrincipalKind.MEMBER, member.id)
    await user.open(f"/member/statements?account={number}")
    await user.should_see(marker="pdf")
    user.find(marker="pdf").click()
    pdf = PdfReader(io.BytesIO((await user.download.next(timeout=5)).content))
    assert len(pdf.pages[0].images) == 1  # the QR code
    assert f"Pay in by UPI: {number}@coopbank" in pdf.pages[0].extract_text()

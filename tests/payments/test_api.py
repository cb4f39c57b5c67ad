"""The payments domain through the real schema: members act only on what they hold, payees need
a step-up code, a payout shows as a pending hold, and the UPI QR carries the right link."""

from __future__ import annotations

import asyncio
from urllib.parse import unquote

from bankcore.identity.clock import utcnow
from bankcore.identity.members_portal import enrol_member_totp, set_member_password
from bankcore.identity.totp import code_at, time_step
from bankcore.models import Payout, PayoutStatus
from tests.api.helpers import gql, member, staff
from tests.payments.conftest import Sim
from tests.payments.factory import member_with_savings

ORDER = """mutation($n: String!, $k: String!, $a: Decimal!) { createPaymentOrder(input: {accountNumber: $n,
  amount: {amount: $a, currency: "INR"}, purpose: TOP_UP, idempotencyKey: $k}) {
  gatewayOrderId replayed order { id status amount { amount } } userErrors { code field } } }"""
STEP_UP = "mutation { requestStepUpCode { challengeToken method userErrors { code } } }"
ADD_PAYEE_NO_CODE = """mutation { addPayee(input: {name: "Ravi Iyer", ifsc: "SBIN0001234",
  bankAccountNumber: "123456789012"}) { payee { id } userErrors { code field } } }"""
ADD_PAYEE = """mutation($t: String!, $c: String!) { addPayee(input: {name: "Ravi Iyer", ifsc: "SBIN0001234",
  bankAccountNumber: "123456789012", stepUp: {challengeToken: $t, code: $c}}) { payee { id accountNumberMasked }
  userErrors { code field } } }"""
PAYOUT = """mutation($n: String!, $p: ID!, $k: String!) { createPayout(input: {accountNumber: $n, payeeId: $p,
  amount: {amount: "700.00", currency: "INR"}, mode: NEFT, idempotencyKey: $k}) { payout { id status } userErrors { code } } }"""
ACCOUNT = """query($n: String!) { account(number: $n) { balance { amount } availableBalance { amount } heldBalance { amount } }
  holds(accountNumber: $n) { amount { amount } status reason } }"""
QR = """query($n: String!) { upiQr(accountNumber: $n, amount: {amount: "150.00", currency: "INR"}) { vpa uri svg } }"""


async def _portal_member(deposit: str) -> tuple[int, str, str]:
    m, number = await member_with_savings(deposit)
    await set_member_password(member_id=m.id, password="a fine portal password", actor="test")
    secret = (await enrol_member_totp(member_id=m.id, actor="test")).secret
    return m.id, number, secret


async def test_a_member_orders_only_for_accounts_they_hold(db: str, sim: Sim) -> None:
    member_id, number, _ = await _portal_member("100.00")
    result = await gql(member(member_id), ORDER, n=number, k="api-order-1", a="250.00")
    payload = result.data["createPaymentOrder"]
    assert payload["userErrors"] == [] and payload["gatewayOrderId"].startswith("order_")
    assert payload["order"]["status"] == "CREATED"
    # another member's account answers like an unknown one
    _, other = await member_with_savings("1.00", name="Ravi Iyer")
    refused = (await gql(member(member_id), ORDER, n=other, k="api-order-2", a="10.00")).data["createPaymentOrder"]
    assert refused["userErrors"] == [{"code": "NOT_FOUND", "field": "accountNumber"}]
    too_many_places = (await gql(member(member_id), ORDER, n=number, k="api-order-3", a="1.005")).data["createPaymentOrder"]
    assert too_many_places["userErrors"][0]["code"] == "INVALID_AMOUNT"


async def test_a_new_payee_needs_a_step_up_code_then_a_payout_shows_as_pending(db: str, sim: Sim) -> None:
    member_id, number, secret = await _portal_member("5000.00")
    ctx = member(member_id)
    # without a code: refused
    no_code = (await gql(ctx, ADD_PAYEE_NO_CODE)).data["addPayee"]
    assert no_code["userErrors"][0]["code"] == "STEP_UP_REQUIRED"
    challenge = (await gql(ctx, STEP_UP)).data["requestStepUpCode"]
    assert challenge["method"] == "totp"
    wrong = (await gql(ctx, ADD_PAYEE, t=challenge["challengeToken"], c="000000")).data["addPayee"]
    assert wrong["userErrors"][0]["code"] == "CODE_INVALID"
    added = (await gql(ctx, ADD_PAYEE, t=challenge["challengeToken"], c=code_at(secret, time_step(utcnow())))).data["addPayee"]
    assert added["userErrors"] == [] and added["payee"]["accountNumberMasked"].endswith("9012")
    # when: a payout the gateway will leave processing (no webhook yet)
    sim.control(payout_outcome="timeout", settle_after_s=10**6)
    sent = (await gql(ctx, PAYOUT, n=number, p=added["payee"]["id"], k="api-payout-1")).data["createPayout"]
    assert sent["userErrors"] == [] and sent["payout"]["status"] == "PROCESSING"
    # then: the member sees it pending; the balance is unchanged, the available balance is not
    shown = (await gql(ctx, ACCOUNT, n=number)).data
    assert shown["account"]["balance"]["amount"] == "5000.00"
    assert shown["account"]["heldBalance"]["amount"] == "700.00"
    assert shown["account"]["availableBalance"]["amount"] == "4300.00"
    assert [(h["amount"]["amount"], h["status"]) for h in shown["holds"]] == [("700.00", "PENDING")]
    assert "Ravi Iyer" in shown["holds"][0]["reason"]


async def test_a_cashier_pays_out_for_a_member_with_the_members_code(db: str, sim: Sim) -> None:
    member_id, number, secret = await _portal_member("5000.00")
    challenge = (await gql(member(member_id), STEP_UP)).data["requestStepUpCode"]
    payee = (await gql(member(member_id), ADD_PAYEE, t=challenge["challengeToken"],
                       c=code_at(secret, time_step(utcnow())))).data["addPayee"]["payee"]
    sent = (await gql(staff("cashier"), PAYOUT, n=number, p=payee["id"], k="api-payout-staff")).data["createPayout"]
    assert sent["userErrors"] == []
    for _ in range(100):
        if (await Payout.get(id=int(sent["payout"]["id"]))).status == PayoutStatus.PROCESSED:
            break
        await asyncio.sleep(0.05)
    shown = (await gql(staff("cashier"), ACCOUNT, n=number)).data
    assert shown["account"]["balance"]["amount"] == "4300.00" and shown["holds"] == []


async def test_the_upi_qr_pays_the_accounts_address_with_the_amount(db: str) -> None:
    member_id, number, _ = await _portal_member("1.00")
    qr = (await gql(member(member_id), QR, n=number)).data["upiQr"]
    assert qr["vpa"] == f"{number}@coopbank"
    assert qr["uri"] == f"upi://pay?pa={number}@coopbank&pn=Asha%20Rao&am=150.00&cu=INR"
    assert unquote(qr["uri"]).count("Asha Rao") == 1 and qr["svg"].startswith("<svg")
    _, other = await member_with_savings("1.00", name="Ravi Iyer")
    assert (await gql(member(member_id), QR, n=other)).data["upiQr"] is None

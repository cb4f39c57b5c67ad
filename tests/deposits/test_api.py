"""The deposits API: a member opens a one-year cumulative FD of ₹1,00,000 from savings in the
portal with a step-up code; day-end through maturity credits exactly `coopbank calc fd`'s
maturity value; staff see the maturity list and TDS register; members see only their own."""

from __future__ import annotations

from datetime import date

from bankcore.identity.clock import utcnow
from bankcore.identity.members_portal import enrol_member_totp, set_member_password
from bankcore.identity.totp import code_at, time_step
from bankcore.verify import verify_ledger
from tests.api.helpers import gql, member, staff
from tests.deposits.factory import close_days, deposit_bank, saver

PRODUCTS = "query { depositProducts { code kind payouts rateChart { minDays maxDays ratePercent } } }"
STEP_UP = "mutation { requestStepUpCode { challengeToken method userErrors { code } } }"
OPEN_FD = """mutation($from: String!, $k: String!, $s: StepUpInput, $amount: Decimal!) {
  openFixedDeposit(input: {fromAccountNumber: $from, productCode: "FD1", principal: {amount: $amount, currency: "INR"},
    tenureMonths: 12, payout: CUMULATIVE, maturityInstruction: CREDIT_SAVINGS, idempotencyKey: $k,
    stepUp: $s}) {
    number replayed userErrors { field code }
    deposit { number status ratePercent maturityDate maturityValue { amount currency } principal { amount } }
  }
}"""
OPEN_FD_NO_CODE = """mutation($from: String!) {
  openFixedDeposit(input: {fromAccountNumber: $from, productCode: "FD1", principal: {amount: "100000.00", currency: "INR"},
    tenureMonths: 12, payout: CUMULATIVE, maturityInstruction: CREDIT_SAVINGS, idempotencyKey: "no-code"}) {
    number userErrors { field code }
  }
}"""
DEPOSIT = """query($n: String!) { deposit(number: $n) { number status maturityValue { amount } interestPaid { amount }
  tdsDeducted { amount } interestThisYear { amount } balance { amount } } }"""
MATURING = """query { deposits(maturingWithinDays: 400) { edges { node { number memberNumber maturityDate } } } }"""
SET_INSTRUCTION = """mutation($n: String!) { setMaturityInstruction(input: {depositNumber: $n, maturityInstruction: RENEW_ALL}) {
  deposit { maturityInstruction } userErrors { code } } }"""
CLOSE = """mutation($n: String!) { closeDepositPrematurely(input: {depositNumber: $n, idempotencyKey: "c1"}) {
  deposit { status } userErrors { code } } }"""


async def _portal_member() -> tuple[int, str, str]:
    m, savings = await saver(balance="150000.00")
    await set_member_password(member_id=m.id, password="a fine portal password", actor="test")
    secret = (await enrol_member_totp(member_id=m.id, actor="test")).secret
    return m.id, savings, secret


async def test_a_member_opens_a_cumulative_fd_in_the_portal_and_day_end_pays_its_maturity_value(db: str) -> None:
    await deposit_bank()
    member_id, savings, secret = await _portal_member()
    ctx = member(member_id)
    products = (await gql(ctx, PRODUCTS)).data["depositProducts"]
    fd1 = next(p for p in products if p["code"] == "FD1")
    assert fd1["kind"] == "FIXED" and {"minDays": 365, "maxDays": 730, "ratePercent": "7.00"} in fd1["rateChart"]
    # a member needs a step-up code
    refused = (await gql(ctx, OPEN_FD_NO_CODE, **{"from": savings})).data["openFixedDeposit"]
    assert refused["userErrors"][0]["code"] == "STEP_UP_REQUIRED"
    challenge = (await gql(ctx, STEP_UP)).data["requestStepUpCode"]
    code = code_at(secret, time_step(utcnow()))
    opened = (await gql(ctx, OPEN_FD, **{"from": savings}, k="fd-portal-1", s={"challengeToken": challenge["challengeToken"], "code": code},
                        amount="100000.00")).data["openFixedDeposit"]
    assert opened["userErrors"] == []
    number = opened["number"]
    assert opened["deposit"] == {"number": number, "status": "ACTIVE", "ratePercent": "7.00", "maturityDate": "2027-04-01",
                                 "maturityValue": {"amount": "107185.90", "currency": "INR"},
                                 "principal": {"amount": "100000.00"}}
    # a retry with the same key returns the same deposit (no second code needed)
    again = (await gql(ctx, OPEN_FD, **{"from": savings}, k="fd-portal-1", s=None,
                       amount="100000.00")).data["openFixedDeposit"]
    assert again["replayed"] and again["number"] == number
    # staff see it in the maturity list
    listed = (await gql(staff("clerk"), MATURING)).data["deposits"]["edges"]
    assert [e["node"]["number"] for e in listed] == [number]
    await close_days(date(2027, 4, 1))
    shown = (await gql(ctx, DEPOSIT, n=number)).data["deposit"]
    assert shown["status"] == "MATURED" and shown["maturityValue"]["amount"] == "107185.90"
    assert shown["interestPaid"]["amount"] == "7185.90" and shown["tdsDeducted"]["amount"] == "0.00"
    assert shown["balance"]["amount"] == "0.00"
    assert (await verify_ledger()).ok


async def test_members_see_and_change_only_their_own_deposits(db: str) -> None:
    await deposit_bank()
    owner_id, savings, secret = await _portal_member()
    other, _ = await saver("Ravi Iyer")
    challenge = (await gql(member(owner_id), STEP_UP)).data["requestStepUpCode"]
    number = (await gql(member(owner_id), OPEN_FD, **{"from": savings}, k="x", amount="5000.00",
                        s={"challengeToken": challenge["challengeToken"], "code": code_at(secret, time_step(utcnow()))})).data["openFixedDeposit"]["number"]
    assert (await gql(member(other.id), DEPOSIT, n=number)).data["deposit"] is None
    assert (await gql(member(other.id), SET_INSTRUCTION, n=number)).data["setMaturityInstruction"]["userErrors"] == [
        {"code": "NOT_FOUND"}]
    assert (await gql(member(other.id), CLOSE, n=number)).data["closeDepositPrematurely"]["userErrors"] == [{"code": "NOT_FOUND"}]
    changed = (await gql(member(owner_id), SET_INSTRUCTION, n=number)).data["setMaturityInstruction"]
    assert changed["deposit"]["maturityInstruction"] == "RENEW_ALL"
    closed = (await gql(member(owner_id), CLOSE, n=number)).data["closeDepositPrematurely"]
    assert closed["deposit"]["status"] == "CLOSED_PREMATURELY"
    assert (await gql(member(owner_id), CLOSE, n=number)).data["closeDepositPrematurely"]["deposit"]["status"] == \
        "CLOSED_PREMATURELY"


async def test_admin_creates_a_product_and_staff_open_from_cash(db: str) -> None:
    await deposit_bank()
    _, savings = await saver(balance="")
    created = (await gql(staff("admin"), """mutation { createDepositProduct(input: {code: "FD-SR", name: "Senior FD",
      kind: FIXED, rateChart: [{minDays: 7, maxDays: 364, ratePercent: "5.5"}, {minDays: 365, ratePercent: "7.25"}],
      seniorExtraPercent: "0.75"}) { product { code rateChart { ratePercent maxDays } } userErrors { code field } } }""")).data
    assert created["createDepositProduct"]["product"]["rateChart"] == [{"ratePercent": "5.50", "maxDays": 364},
                                                                      {"ratePercent": "7.25", "maxDays": None}]
    bad = (await gql(staff("admin"), """mutation { createDepositProduct(input: {code: "X", name: "X", kind: FIXED,
      rateChart: [{minDays: 7, ratePercent: "5.555"}]}) { userErrors { code } } }""")).data
    assert bad["createDepositProduct"]["userErrors"] == [{"code": "INVALID_RATE"}]
    opened = (await gql(staff("clerk"), """mutation($from: String!) { openFixedDeposit(input: {fromAccountNumber: $from,
      productCode: "FD-SR", principal: {amount: "25000.00", currency: "INR"}, tenureMonths: 24, payout: QUARTERLY,
      maturityInstruction: RENEW_PRINCIPAL, idempotencyKey: "cash-1", fromCash: true}) {
      number deposit { ratePercent payout balance { amount } } userErrors { code } } }""", **{"from": savings})).data
    assert opened["openFixedDeposit"]["deposit"] == {"ratePercent": "7.25", "payout": "QUARTERLY", "balance": {"amount": "25000.00"}}
    register = (await gql(staff("accountant"), "query { tdsRegister { depositNumber } }")).data["tdsRegister"]
    assert register == []

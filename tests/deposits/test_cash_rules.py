"""A deposit opened from cash passes the counter's rules (bankcore.counter.rules): PAN or
Form 60 above the rule 114B threshold (₹50,000) and the s.269ST limit of cash from one
person in a day (₹2,00,000), counting cash paid into their deposits too; typed userErrors."""

from __future__ import annotations

from bankcore.models import JournalEntry, TermDeposit
from bankcore.verify import verify_ledger
from tests.api.helpers import gql, member, staff
from tests.deposits.factory import deposit_bank, saver

OPEN_CASH = """mutation($from: String!, $k: String!, $amount: Decimal!, $form60: Boolean!) {
  openFixedDeposit(input: {fromAccountNumber: $from, productCode: "FD1", principal: {amount: $amount, currency: "INR"},
    tenureMonths: 12, payout: CUMULATIVE, maturityInstruction: CREDIT_SAVINGS, idempotencyKey: $k, fromCash: true,
    form60: $form60}) { number userErrors { field code message } } }"""
OPEN_RD_CASH = """mutation($from: String!) {
  openRecurringDeposit(input: {fromAccountNumber: $from, productCode: "RD1", instalment: {amount: "60000.00", currency: "INR"},
    tenureMonths: 12, idempotencyKey: "rd-cash", fromCash: true}) { number userErrors { field code } } }"""


async def _open(who, savings: str, key: str, amount: str, form60: bool = False) -> dict:  # noqa: ANN001
    result = await gql(who, OPEN_CASH, **{"from": savings, "k": key, "amount": amount, "form60": form60})
    assert result.errors is None, result.errors
    return result.data["openFixedDeposit"]


async def test_cash_above_fifty_thousand_needs_pan_or_form_60(db: str) -> None:
    await deposit_bank()
    _, savings = await saver(balance="")  # no PAN on record
    refused = await _open(staff("clerk"), savings, "c1", "50000.01")
    assert refused["number"] is None and [(e["field"], e["code"]) for e in refused["userErrors"]] == \
        [("form60", "PAN_REQUIRED")]
    rd = (await gql(staff("clerk"), OPEN_RD_CASH, **{"from": savings})).data["openRecurringDeposit"]
    assert [e["code"] for e in rd["userErrors"]] == ["PAN_REQUIRED"]
    assert await TermDeposit.all().count() == 0  # nothing written
    at_threshold = await _open(staff("clerk"), savings, "c2", "50000.00")  # "above" the threshold only
    assert at_threshold["userErrors"] == [] and at_threshold["number"].startswith("FD")
    on_form60 = await _open(staff("cashier"), savings, "c3", "60000.00", form60=True)
    assert on_form60["userErrors"] == []
    entry = await JournalEntry.filter(narration__contains=on_form60["number"]).first()
    assert entry.entry_type == "cash_deposit" and entry.narration.endswith("(cash) (Form 60)")
    with_pan, pan_savings = await saver("Meera Iyer", balance="", pan="ABCDE1234F")
    assert (await _open(staff("clerk"), pan_savings, "c4", "75000.00"))["userErrors"] == []
    assert (await verify_ledger()).ok
    del with_pan


async def test_cash_from_one_person_in_a_day_stays_below_two_lakh(db: str) -> None:
    await deposit_bank()
    _, savings = await saver(balance="", pan="ABCDE1234F")
    assert (await _open(staff("clerk"), savings, "d1", "150000.00"))["userErrors"] == []
    # 1,50,000 + 50,000 = 2,00,000: "two lakh or more" is refused (s.269ST), the second deposit is not written
    over = await _open(staff("clerk"), savings, "d2", "50000.00")
    assert [(e["field"], e["code"]) for e in over["userErrors"]] == [("amount", "CASH_LIMIT_EXCEEDED")]
    assert await TermDeposit.all().count() == 1
    assert (await _open(staff("clerk"), savings, "d3", "49999.99"))["userErrors"] == []
    # someone else's cash is theirs: another member can still pay in today
    _, other = await saver("Gita Shah", balance="", pan="ABCDE1235F")
    assert (await _open(staff("clerk"), other, "d4", "150000.00"))["userErrors"] == []
    # the same deposit from savings (not cash) is no cash receipt
    assert (await verify_ledger()).ok


async def test_members_cannot_open_from_cash(db: str) -> None:
    await deposit_bank()
    m, savings = await saver(balance="100000.00")
    refused = await _open(member(m.id), savings, "m1", "1000.00")
    assert [(e["field"], e["code"]) for e in refused["userErrors"]] == [("fromCash", "INVALID_INPUT")]

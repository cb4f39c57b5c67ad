"""quote_fixed_deposit: the terms open_deposit then gives, to the paisa, without opening anything."""

from __future__ import annotations

from datetime import date

import pytest

from bankcore.deposits.report import maturity_value_minor
from bankcore.deposits.service import open_deposit, quote_fixed_deposit
from bankcore.errors import DomainError, ErrorCode
from bankcore.models import DepositKind, InterestPayout, JournalEntry, Member, TermDeposit
from tests.deposits.factory import deposit_bank, saver
from tests.ledger.factory import inr


@pytest.mark.parametrize(("born", "amount", "months", "payout"), [
    (date(1980, 5, 5), "100000.00", 12, InterestPayout.CUMULATIVE),
    (date(1950, 1, 1), "25000.50", 30, InterestPayout.CUMULATIVE),  # senior: the extra rate
    (date(1980, 5, 5), "100000.00", 12, InterestPayout.QUARTERLY),  # payouts: the principal at maturity
])
async def test_the_quote_is_what_opening_contracts(db: str, born: date, amount: str, months: int,
                                                   payout: InterestPayout) -> None:
    await deposit_bank()
    _, savings = await saver(date_of_birth=born)
    quote = await quote_fixed_deposit(product_code="FD1", amount=inr(amount), tenure_months=months, payout=payout,
                                      from_account_number=savings)
    assert await TermDeposit.all().count() == 0 and await JournalEntry.filter(narration__contains="Fixed").count() == 0
    opened = (await open_deposit(kind=DepositKind.FIXED, product_code="FD1", amount=inr(amount), tenure_months=months,
                                 from_account_number=savings, initiator="test", payout=payout)).deposit
    assert (quote.rate_bps, quote.senior_citizen, quote.opened_on, quote.maturity_date) == \
        (opened.rate_bps, opened.senior_citizen, opened.opened_on, opened.maturity_date)
    assert quote.maturity_value_minor == maturity_value_minor(opened)
    if payout is InterestPayout.CUMULATIVE:
        assert quote.maturity_value_minor == inr(amount).amount_minor + quote.interest_minor > inr(amount).amount_minor


async def test_a_quote_refuses_what_opening_refuses(db: str) -> None:
    await deposit_bank()
    member, savings = await saver()
    with pytest.raises(DomainError) as refused:
        await quote_fixed_deposit(product_code="FD1", amount=inr("10.00"), tenure_months=12,
                                  payout=InterestPayout.CUMULATIVE, from_account_number=savings)
    assert refused.value.code is ErrorCode.INVALID_AMOUNT
    other = (await Member.get(id=member.id)).id + 1
    with pytest.raises(DomainError) as hidden:
        await quote_fixed_deposit(product_code="FD1", amount=inr("5000.00"), tenure_months=12,
                                  payout=InterestPayout.CUMULATIVE, from_account_number=savings, member_id=other)
    assert hidden.value.code is ErrorCode.NOT_FOUND


QUOTE = """query Q($from: String!, $amount: Decimal!) {
  fixedDepositQuote(fromAccountNumber: $from, productCode: "FD1", principal: {amount: $amount, currency: "INR"},
                    tenureMonths: 12, payout: CUMULATIVE) {
    quote { ratePercent seniorCitizen maturityDate interest { amount } maturityValue { amount currency } }
    userErrors { field code }
  }
}"""


async def test_a_member_quotes_from_their_own_account_only(db: str) -> None:
    from tests.api.helpers import gql, member

    await deposit_bank()
    asha, savings = await saver()
    ravi, other = await saver("Ravi Kumar")
    mine = (await gql(member(asha.id), QUOTE, **{"from": savings, "amount": "100000.00"})).data["fixedDepositQuote"]
    assert mine["userErrors"] == [] and mine["quote"] == {
        "ratePercent": "7.00", "seniorCitizen": False, "maturityDate": "2027-04-01", "interest": {"amount": "7185.90"},
        "maturityValue": {"amount": "107185.90", "currency": "INR"}}
    theirs = (await gql(member(asha.id), QUOTE, **{"from": other, "amount": "100000.00"})).data["fixedDepositQuote"]
    assert theirs == {"quote": None, "userErrors": [{"field": "fromAccountNumber", "code": "NOT_FOUND"}]}
    small = (await gql(member(asha.id), QUOTE, **{"from": savings, "amount": "10.00"})).data["fixedDepositQuote"]
    assert small["quote"] is None and [e["code"] for e in small["userErrors"]] == ["INVALID_AMOUNT"]

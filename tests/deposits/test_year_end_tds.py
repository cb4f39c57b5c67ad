"""TDS on cumulative fixed deposits at the financial year's end (s.194A: tax on interest
credited, not only paid): day-end on 31 March credits the year's interest into each
cumulative FD less TDS, once, and maturity then pays exactly the compounded value."""

from __future__ import annotations

from datetime import date

from bankcore.calendar.business_date import set_business_date_at_least
from bankcore.calendar.registry import StepContext
from bankcore.calendar.runner import run_day_end
from bankcore.chart import TDS_PAYABLE, gl_code
from bankcore.day_end_plan import load_day_end_plan
from bankcore.deposits.closing import premature_terms
from bankcore.deposits.day_end import year_end_tds
from bankcore.deposits.periods import cumulative_value
from bankcore.deposits.service import open_deposit
from bankcore.deposits.term import fd_maturity
from bankcore.models import Account, DepositInterestCredit, DepositKind, DepositStatus, LedgerAccount, Posting, TermDeposit
from bankcore.money import Money
from bankcore.verify import verify_ledger
from tests.api.helpers import gql, staff
from tests.deposits.factory import deposit_bank, saver
from tests.ledger.factory import inr

FY_END = date(2027, 3, 31)


async def _credit_balance(ledger_id: int) -> int:
    return sum(p.amount_minor if p.side == "C" else -p.amount_minor for p in await Posting.filter(ledger_account_id=ledger_id))


async def test_year_end_credits_cumulative_interest_less_tds_once_and_maturity_pays_the_rest(db: str) -> None:
    load_day_end_plan()
    await deposit_bank()
    member, savings = await saver(balance="1500000.00", pan="ABCDE1234F")
    small_member, small_savings = await saver("Ravi Kale", balance="200000.00")
    fd = (await open_deposit(kind=DepositKind.FIXED, product_code="FD1", amount=inr("1000000.00"), tenure_months=15,
                             from_account_number=savings, initiator="test")).deposit
    small = (await open_deposit(kind=DepositKind.FIXED, product_code="FD1", amount=inr("100000.00"), tenure_months=15,
                                from_account_number=small_savings, initiator="test")).deposit
    assert fd.rate_bps == 700 and fd.maturity_date == date(2027, 7, 1)

    # jump to the year's last day and close it only (day-end over a whole year is slow)
    await set_business_date_at_least(FY_END)
    await run_day_end(through=FY_END, initiator="test")

    # 10,00,000 at 7 % from 1 Apr 2026 to 31 Mar 2027: 3 whole quarters compounded, then 89 days simple
    interest = cumulative_value(1_000_000_00, 700, date(2026, 4, 1), FY_END) - 1_000_000_00
    assert interest == 71_404_47
    tds = 7_140_00  # 10 % of 71,404.47 rounded to the rupee: over the Rs 50,000 threshold of FY 2026-27
    row = await DepositInterestCredit.get(deposit_id=fd.id)
    assert (row.financial_year, row.credited_on, row.reason, row.interest_minor, row.tds_minor, row.rate_bps) == \
        (2026, FY_END, "fy-accrual", interest, tds, 1000)
    fd = await TermDeposit.get(id=fd.id)
    assert (fd.interest_paid_minor, fd.tds_minor, fd.status) == (interest, tds, DepositStatus.ACTIVE)
    assert (await LedgerAccount.get(id=fd.ledger_account_id)).balance_minor == 1_000_000_00 + interest - tds
    small_row = await DepositInterestCredit.get(deposit_id=small.id)
    assert small_row.tds_minor == 0 and small_row.interest_minor == 7_140_45  # under the threshold: credited, untaxed
    tds_gl = (await LedgerAccount.get(code=gl_code(TDS_PAYABLE, "INR"))).id
    assert await _credit_balance(tds_gl) == tds

    # closing it now would pay the reduced-rate value less the tax already taken at year end
    _, earned = await premature_terms(fd, date(2027, 4, 1))
    quote = (await gql(staff("clerk"), "query($n: String!) { depositClosureQuote(number: $n) { payout { amount } } }",
                       n=fd.number)).data["depositClosureQuote"]
    assert quote["payout"]["amount"] == str(Money(1_000_000_00 + earned - tds, "INR").to_plain())

    # a re-run of the step (a crash after it committed) credits nothing twice
    again = await year_end_tds(StepContext(business_date=FY_END, run_id=0, step="deposits.year_end_tds", initiator="t"))
    assert again == 0 and await DepositInterestCredit.filter(deposit_id=fd.id).count() == 1

    await set_business_date_at_least(date(2027, 7, 1))
    await run_day_end(through=date(2027, 7, 1), initiator="test")
    expected = fd_maturity(1_000_000_00, 700, date(2026, 4, 1), tenure_months=15)
    fd = await TermDeposit.get(id=fd.id)
    assert fd.status == DepositStatus.MATURED and fd.interest_paid_minor == expected.interest_minor
    credits = await DepositInterestCredit.filter(deposit_id=fd.id).order_by("id")
    assert [c.reason for c in credits] == ["fy-accrual", "maturity"]
    # FY 2027-28: the member's year has 1 Q of interest, under the threshold, so no tax at maturity
    assert credits[1].financial_year == 2027 and credits[1].tds_minor == 0
    savings_ledger = (await Account.get(number=savings)).ledger_account_id
    assert (await LedgerAccount.get(id=savings_ledger)).balance_minor == \
        500_000_00 + expected.maturity_minor - tds
    assert fd.maturity_value_minor == expected.maturity_minor - tds
    assert (await verify_ledger()).ok
    del member, small_member

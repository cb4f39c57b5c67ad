"""TDS on recurring deposits' interest at the financial year's end (s.194A; RD interest is
taxed since 1 June 2015): day-end on 31 March credits each RD the interest it earned in the
year less TDS over the member's aggregate, at the threshold's edges, with and without a
PAN or a Form 15G; maturity then pays the rest."""

from __future__ import annotations

from datetime import date

import pytest

from bankcore.calendar.business_date import set_business_date_at_least
from bankcore.calendar.registry import registered_steps
from bankcore.calendar.runner import run_day_end
from bankcore.chart import DEPOSIT_INTEREST_EXPENSE, TDS_PAYABLE
from bankcore.day_end_plan import load_day_end_plan
from bankcore.deposits.interest import credit_interest, record_tds_declaration
from bankcore.deposits.products import create_deposit_product
from bankcore.deposits.service import open_deposit
from bankcore.deposits.term import rd_maturity
from bankcore.models import Account, DepositInterestCredit, DepositKind, DepositStatus, LedgerAccount, TermDeposit
from bankcore.verify import verify_ledger
from tests.deposits.factory import CHART, deposit_bank, saver
from tests.deposits.test_year_end_tds import _credit_balance
from tests.ledger.factory import inr

FY_END = date(2027, 3, 31)
THRESHOLD = 50_000_00  # FY 2026-27, under 60 (Finance Act 2025)
INSTALMENT = 40_000_00
# 40,000 a month from 1 Apr 2026 at 7 %: on 31 Mar 2027 twelve instalments are in and eleven
# whole months have run, so the year's interest is the IBA interest of an 11-month RD.
RD_INTEREST = rd_maturity(INSTALMENT, 700, 11).interest_minor


async def _gl_debits(code: str) -> int:
    return -await _credit_balance((await LedgerAccount.get(code=f"{code}-INR")).id)


async def _close(day: date) -> None:
    """Jump to ``day`` and close it with the deposits' steps only (instalments due before are collected then)."""
    load_day_end_plan()
    await set_business_date_at_least(day)
    await run_day_end(through=day, initiator="test",
                      steps=[s for s in registered_steps() if s.name.startswith("deposits.")])


async def _rd_member(*, pan: str | None, earlier_interest_minor: int, form: str | None = None):  # noqa: ANN202
    """A member with an 18-month RD of 40,000 from 1 Apr 2026 (no late charge, so the jump costs nothing)
    and, already credited this year on an FD, ``earlier_interest_minor`` of interest."""
    await deposit_bank()
    await create_deposit_product(code="RD0", name="RD without late charge", kind=DepositKind.RECURRING,
                                 currency="INR", rate_chart=CHART, effective_from=date(2020, 1, 1),
                                 rd_missed_penalty_bps=0, premature_penalty_bps=200, min_amount_minor=100_00)
    member, savings = await saver(balance="1200000.00", pan=pan)
    if form:
        await record_tds_declaration(member_number=member.member_number, financial_year_start=2026, form=form,
                                     received_on=date(2026, 4, 1), recorded_by="clerk")
    rd = (await open_deposit(kind=DepositKind.RECURRING, product_code="RD0", amount=inr("40000.00"), tenure_months=18,
                             from_account_number=savings, initiator="test")).deposit
    assert rd.rate_bps == 700 and rd.maturity_date == date(2027, 10, 1)
    if earlier_interest_minor:
        fd = (await open_deposit(kind=DepositKind.FIXED, product_code="FD1", amount=inr("100000.00"), tenure_months=24,
                                 from_account_number=savings, initiator="test")).deposit
        earlier = await credit_interest(fd, interest_minor=earlier_interest_minor, to_ledger_account_id=fd.ledger_account_id,
                                        value_date=date(2026, 4, 1), reason="payout", initiator="test", idempotency_key="pre")
        assert earlier.tds_minor == 0
    return member, savings, rd


# (interest the member had before, PAN, 15G) -> TDS on the RD's year-end credit, rate
@pytest.mark.parametrize(("over", "pan", "form", "tds", "rate"), [
    (-1, "ABCDE1234F", None, 0, 0),               # aggregate a paisa under the threshold: no tax
    (0, "ABCDE1234F", None, 0, 0),                # at it: "does not exceed", no tax
    (1, "ABCDE1234F", None, 5_000_00, 1000),      # a paisa above: 10 % of the whole 50,000.01, to the rupee
    (1, None, None, 10_000_00, 2000),             # no PAN: 20 % (s.206AA)
    (1, "ABCDE1234F", "15G", 0, 0),               # a Form 15G on file: none
], ids=["below", "at", "above", "above-no-pan", "above-15g"])
async def test_year_end_credits_rd_interest_less_tds_at_the_threshold(db: str, over: int, pan: str | None,
                                                                       form: str | None, tds: int, rate: int) -> None:
    assert RD_INTEREST == 15_610_92  # IBA formula, quarterly compounding (simple interest would be 15,400.00)
    _, savings, rd = await _rd_member(pan=pan, form=form, earlier_interest_minor=THRESHOLD + over - RD_INTEREST)
    await _close(FY_END)

    rd = await TermDeposit.get(id=rd.id)
    assert rd.instalments_paid == 12 and rd.penalty_minor == 0
    row = await DepositInterestCredit.get(deposit_id=rd.id)
    assert (row.financial_year, row.credited_on, row.reason, row.interest_minor, row.tds_minor, row.rate_bps,
            row.pan_held) == (2026, FY_END, "fy-accrual", RD_INTEREST, tds, rate, pan is not None)
    assert (rd.interest_paid_minor, rd.tds_minor, rd.status) == (RD_INTEREST, tds, DepositStatus.ACTIVE)
    # the posting: Dr interest on deposits the gross, Cr the RD the net, Cr TDS payable the tax
    assert (await LedgerAccount.get(id=rd.ledger_account_id)).balance_minor == 12 * INSTALMENT + RD_INTEREST - tds
    assert await _credit_balance((await LedgerAccount.get(code=f"{TDS_PAYABLE}-INR")).id) == tds
    assert await _gl_debits(DEPOSIT_INTEREST_EXPENSE) >= RD_INTEREST + THRESHOLD + over - RD_INTEREST
    assert (await verify_ledger()).ok
    del savings


async def test_an_rd_taxed_at_year_end_matures_to_its_whole_value_less_the_tax(db: str) -> None:
    _, savings, rd = await _rd_member(pan="ABCDE1234F", earlier_interest_minor=THRESHOLD + 1 - RD_INTEREST)
    await _close(FY_END)
    await _close(date(2027, 9, 30))  # the 13th to 18th instalments (the last due 1 Sep)
    await _close(date(2027, 10, 1))
    rd = await TermDeposit.get(id=rd.id)
    whole = rd_maturity(INSTALMENT, 700, 18)
    assert rd.status == DepositStatus.MATURED and rd.instalments_paid == 18
    assert rd.interest_paid_minor == whole.interest_minor
    credits = await DepositInterestCredit.filter(deposit_id=rd.id).order_by("id")
    assert [(c.reason, c.financial_year, c.interest_minor) for c in credits] == \
        [("fy-accrual", 2026, RD_INTEREST), ("maturity", 2027, whole.interest_minor - RD_INTEREST)]
    # FY 2027-28: the member's year holds only the maturity credit, under the threshold
    assert credits[1].tds_minor == 0
    assert rd.maturity_value_minor == whole.maturity_minor - 5_000_00
    payout = (await Account.get(number=savings)).ledger_account_id
    assert (await LedgerAccount.get(id=payout)).balance_minor == \
        1_200_000_00 - 100_000_00 - 18 * INSTALMENT + whole.maturity_minor - 5_000_00
    assert (await verify_ledger()).ok

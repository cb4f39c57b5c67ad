"""TDS refunded when a deposit closed early has had more interest credited than the reduced
rate earns (s.194A): in the same financial year the excess TDS goes back to the member's
savings (Dr TDS payable, Cr savings) with a register row; across years nothing is refunded
by the bank (the member claims it in their return)."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest

from bankcore.calendar.business_date import business_date
from bankcore.chart import TDS_PAYABLE
from bankcore.deposits.closing import close_prematurely, premature_terms
from bankcore.deposits.interest import credit_interest, record_tds_declaration
from bankcore.deposits.periods import whole_period_interest
from bankcore.deposits.service import open_deposit
from bankcore.deposits.term import rd_maturity
from bankcore.models import (
    Account,
    DepositInterestCredit,
    DepositKind,
    InterestPayout,
    JournalEntry,
    LedgerAccount,
    Posting,
    TermDeposit,
)
from bankcore.verify import verify_ledger
from bankcore.money import Money
from bankcore.reports.export import report_csv
from bankcore.reports.registry import ReportRequest, run_report
from tests.api.helpers import gql, staff
from tests.deposits.factory import deposit_bank, saver
from tests.deposits.test_rd_year_end_tds import FY_END, INSTALMENT, RD_INTEREST, THRESHOLD, _close, _rd_member
from tests.deposits.test_year_end_tds import _credit_balance
from tests.ledger.factory import inr

QUARTER = whole_period_interest(1_000_000_00, 700, "QUARTERLY")  # 17,500.00
# 10,00,000 for 18 months at 7 %, quarterly payout, closed on 2 Jan 2027 (276 days: 6 % card
# rate less the 1 % penalty, compounded quarterly): what the period run earns
# = 10,00,000 x (1.0125^3 - 1) for the three quarters, 37,970.70, + one day simple on 10,37,970.70, 142.19
EARNED = 38_112_89


QUOTE = "query($n: String!) { depositClosureQuote(number: $n) { payout { amount } tdsRefund { amount } } }"
REGISTER = """query($m: String!) { tdsRegister(financialYear: 2026, memberNumber: $m) { reason quarter
  interest { amount } tds { amount } } }"""
DEPOSIT = """query($n: String!) { deposit(number: $n) { interestPaid { amount } tdsDeducted { amount }
  tdsRefunded { amount } } }"""


def _plain(minor: int) -> str:
    return str(Money(minor, "INR").to_plain())


async def _balance(ledger_id: int) -> int:
    return (await LedgerAccount.get(id=ledger_id)).balance_minor


async def _tds_payable() -> int:
    return await _credit_balance((await LedgerAccount.get(code=f"{TDS_PAYABLE}-INR")).id)


async def _payout_fd_member(*, pan: str | None, earlier_interest_minor: int, form: str | None = None):  # noqa: ANN202
    """A member with a quarterly-payout FD of 10,00,000 from 1 Apr 2026 whose first three quarters were
    paid on 1 Jan 2027, after ``earlier_interest_minor`` credited this year on another deposit."""
    await deposit_bank()
    member, savings = await saver(balance="1200000.00", pan=pan)
    if form:
        await record_tds_declaration(member_number=member.member_number, financial_year_start=2026, form=form,
                                     received_on=date(2026, 4, 1), recorded_by="clerk")
    fd = (await open_deposit(kind=DepositKind.FIXED, product_code="FD1", amount=inr("1000000.00"), tenure_months=18,
                             payout=InterestPayout.QUARTERLY, from_account_number=savings, initiator="test")).deposit
    assert fd.rate_bps == 700
    if earlier_interest_minor:
        other = (await open_deposit(kind=DepositKind.FIXED, product_code="FD1", amount=inr("100000.00"),
                                    tenure_months=24, from_account_number=savings, initiator="test")).deposit
        await credit_interest(other, interest_minor=earlier_interest_minor, to_ledger_account_id=other.ledger_account_id,
                              value_date=date(2026, 4, 1), reason="payout", initiator="test", idempotency_key="pre")
    await _close(date(2027, 1, 1))
    assert (await TermDeposit.get(id=fd.id)).interest_paid_minor == 3 * QUARTER
    return member, savings, await TermDeposit.get(id=fd.id)


# the member's year after the closure's reduction: a paisa under / at / a paisa over the threshold
@pytest.mark.parametrize(("after", "pan", "form", "deducted", "refund", "rate"), [
    # before: 10 % of (11,887.10 earlier + 52,500 paid) = 6,438.71 -> 6,439 deducted; after: 49,999.99,
    # nothing due, all of it back
    (THRESHOLD - 1, "ABCDE1234F", None, 6_439_00, 6_439_00, 1000),
    (THRESHOLD, "ABCDE1234F", None, 6_439_00, 6_439_00, 1000),          # at the threshold: nothing due either
    # after: 10 % of 50,000.01 = 5,000 due, so 6,439 - 5,000 back
    (THRESHOLD + 1, "ABCDE1234F", None, 6_439_00, 1_439_00, 1000),
    # no PAN: 20 % of 64,387.12 = 12,877 deducted; 20 % of 50,000.01 = 10,000 due after
    (THRESHOLD + 1, None, None, 12_877_00, 2_877_00, 2000),
    (THRESHOLD + 1, "ABCDE1234F", "15G", 0, 0, 0),                      # 15G: nothing deducted, nothing back
], ids=["below", "at", "above", "above-no-pan", "above-15g"])
async def test_closure_in_the_same_year_refunds_the_excess_tds_to_savings(db: str, after: int, pan: str | None,
                                                                           form: str | None, deducted: int,
                                                                           refund: int, rate: int) -> None:
    member, savings, fd = await _payout_fd_member(pan=pan, form=form, earlier_interest_minor=after - EARNED)
    assert fd.tds_minor == deducted  # the earlier credit was under the threshold; the third payout caught up
    assert await _tds_payable() == deducted
    assert await business_date() == date(2027, 1, 2)
    assert (await premature_terms(fd, date(2027, 1, 2)))[1] == EARNED
    savings_ledger = (await Account.get(number=savings)).ledger_account_id
    before = await _balance(savings_ledger)
    quote = (await gql(staff("clerk"), QUOTE, n=fd.number)).data["depositClosureQuote"]
    assert quote["tdsRefund"]["amount"] == _plain(refund)

    closed = await close_prematurely(deposit_number=fd.number, initiator="test")

    recovered = 3 * QUARTER - EARNED  # 14,387.11 taken back from the principal
    assert (closed.interest_minor, closed.tds_refunded_minor) == (0, refund)
    assert closed.paid_out_minor == 1_000_000_00 - recovered
    assert await _balance(savings_ledger) == before + 1_000_000_00 - recovered + refund
    assert await _tds_payable() == deducted - refund
    fd = await TermDeposit.get(id=fd.id)
    assert (fd.interest_paid_minor, fd.tds_minor) == (EARNED, deducted - refund)
    row = await DepositInterestCredit.get(deposit_id=fd.id, reason="closure-reversal")
    assert (row.financial_year, row.credited_on, row.interest_minor, row.tds_minor, row.rate_bps) == \
        (2026, date(2027, 1, 2), -recovered, -refund, rate)
    # the member's year now holds the reduced aggregate and the TDS net of the refund
    year = await DepositInterestCredit.filter(member_id=member.id, financial_year=2026)
    assert sum(r.interest_minor for r in year) == after and sum(r.tds_minor for r in year) == deducted - refund
    if refund:  # the refund is its own entry: Dr TDS payable, Cr savings, to the paisa
        entry = await JournalEntry.get(id=row.entry_id)
        legs = sorted((p.side, p.ledger_account_id, p.amount_minor) for p in await Posting.filter(entry_id=entry.id))
        tds_gl = (await LedgerAccount.get(code=f"{TDS_PAYABLE}-INR")).id
        assert legs == sorted([("D", tds_gl, refund), ("C", savings_ledger, refund)])
        assert entry.source_ref == f"tds-refund:{fd.id}"
    else:
        assert not await JournalEntry.filter(source_ref=f"tds-refund:{fd.id}").exists()
    # the accountant's register: Q4 holds the three payouts (paid on 1 Jan), the reversal and the refund,
    # and ties to the ledger (credits to TDS payable less the refund's debit)
    register = await run_report("tds-register", ReportRequest(as_of=date(2027, 1, 2)))
    assert register.ok, register.checks
    rows = [r for r in csv.DictReader(io.StringIO(report_csv(register).decode())) if r["quarter"] == "Q4"]
    assert [(r["interest"], r["tds"], r["tds_refunded"]) for r in rows] == \
        [(_plain(3 * QUARTER - recovered), _plain(deducted), _plain(refund))]
    # the API's register row and the member's deposit view
    api_rows = (await gql(staff("accountant"), REGISTER, m=member.member_number)).data["tdsRegister"]
    assert [(r["reason"], r["interest"]["amount"], r["tds"]["amount"]) for r in api_rows if r["reason"] == "closure-reversal"] == \
        [("closure-reversal", _plain(-recovered), _plain(-refund))]
    view = (await gql(staff("clerk"), DEPOSIT, n=fd.number)).data["deposit"]
    assert (view["tdsRefunded"]["amount"], view["tdsDeducted"]["amount"], view["interestPaid"]["amount"]) == \
        (_plain(refund), _plain(deducted - refund), _plain(EARNED))
    assert (await verify_ledger()).ok


async def test_closure_after_the_year_end_recovers_the_interest_but_refunds_no_tds(db: str) -> None:
    # an RD credited 15,610.92 at the year's end with 5,000 TDS (the member's year over the threshold)
    member, savings, rd = await _rd_member(pan="ABCDE1234F", earlier_interest_minor=THRESHOLD + 1 - RD_INTEREST)
    await _close(FY_END)
    rd = await TermDeposit.get(id=rd.id)
    assert (rd.interest_paid_minor, rd.tds_minor) == (RD_INTEREST, 5_000_00)
    assert await business_date() == date(2027, 4, 1)
    # closed on 1 Apr 2027, 365 days: 7 % less RD0's 2 % penalty over the 12 instalments paid
    earned = rd_maturity(INSTALMENT, 500, 12).interest_minor
    assert earned == 13_145_24 and earned < RD_INTEREST  # simple interest would be 13,000.00
    assert await premature_terms(rd, date(2027, 4, 1)) == (500, earned)
    savings_ledger = (await Account.get(number=savings)).ledger_account_id
    before = await _balance(savings_ledger)
    quote = (await gql(staff("clerk"), QUOTE, n=rd.number)).data["depositClosureQuote"]

    closed = await close_prematurely(deposit_number=rd.number, initiator="test")
    assert (quote["payout"]["amount"], quote["tdsRefund"]["amount"]) == (_plain(closed.paid_out_minor), "0.00")

    recovered = RD_INTEREST - earned
    assert closed.tds_refunded_minor == 0
    assert closed.paid_out_minor == 12 * INSTALMENT + RD_INTEREST - 5_000_00 - recovered
    assert await _balance(savings_ledger) == before + closed.paid_out_minor
    assert await _tds_payable() == 5_000_00  # deducted in FY 2026-27: stays with the tax department
    rd = await TermDeposit.get(id=rd.id)
    assert (rd.interest_paid_minor, rd.tds_minor) == (earned, 5_000_00)
    # FY 2026-27's register is as reported; FY 2027-28 gets no reversal row
    assert not await DepositInterestCredit.filter(deposit_id=rd.id, reason="closure-reversal").exists()
    assert [r.financial_year for r in await DepositInterestCredit.filter(member_id=member.id)] == [2026, 2026]
    assert (await verify_ledger()).ok


async def test_closure_reverses_this_years_interest_first_and_refunds_only_this_years_tds(db: str) -> None:
    """Payouts in two financial years, closed in the second: the interest recovered comes off this
    year's credits first (and their TDS is refunded); the rest is last year's, whose TDS stays."""
    from bankcore.deposits.certificate_pdf import tds_certificate_pdf
    from bankcore.deposits.certificates import interest_certificate, tds_certificate
    from bankcore.deposits.products import create_deposit_product
    from tests.deposits.factory import CHART

    await deposit_bank()
    await create_deposit_product(code="FDP", name="FD, 3 % penalty", kind=DepositKind.FIXED, currency="INR",
                                 rate_chart=CHART, effective_from=date(2020, 1, 1), premature_penalty_bps=300)
    member, savings = await saver(balance="1200000.00", pan="ABCDE1234F")
    fd = (await open_deposit(kind=DepositKind.FIXED, product_code="FDP", amount=inr("1000000.00"), tenure_months=18,
                             payout=InterestPayout.QUARTERLY, from_account_number=savings, initiator="test")).deposit
    other = (await open_deposit(kind=DepositKind.FIXED, product_code="FD1", amount=inr("100000.00"), tenure_months=24,
                                from_account_number=savings, initiator="test")).deposit
    await _close(FY_END)  # three quarters paid (52,500: 5,250 TDS in FY 2026-27), the other FD's year credited
    fy26_tds = await _tds_payable()
    # FY 2027-28: 40,000 on the other deposit, then the 1 Apr payout of 17,500 crosses the threshold
    await credit_interest(other, interest_minor=40_000_00, to_ledger_account_id=other.ledger_account_id,
                          value_date=date(2027, 4, 1), reason="payout", initiator="test", idempotency_key="fy27")
    await _close(date(2027, 4, 1))
    fd = await TermDeposit.get(id=fd.id)
    assert fd.interest_paid_minor == 4 * QUARTER
    assert await _tds_payable() == fy26_tds + 5_750_00  # 10 % of 57,500, all at the 1 Apr payout
    _, earned = await premature_terms(fd, date(2027, 4, 2))  # 366 days: 7 % less 3 %
    recovered = 4 * QUARTER - earned
    assert recovered > QUARTER  # more than this year's payout: the rest was credited last year
    savings_ledger = (await Account.get(number=savings)).ledger_account_id
    before = await _balance(savings_ledger)

    closed = await close_prematurely(deposit_number=fd.number, initiator="test")

    # this year's 17,500 comes off: 40,000 left, under the threshold, so all 5,750 back; FY 2026-27's stays
    assert closed.tds_refunded_minor == 5_750_00
    assert await _tds_payable() == fy26_tds
    assert await _balance(savings_ledger) == before + 1_000_000_00 - recovered + 5_750_00
    rows = await DepositInterestCredit.filter(deposit_id=fd.id, reason="closure-reversal")
    assert [(r.financial_year, r.interest_minor, r.tds_minor) for r in rows] == [(2027, -QUARTER, -5_750_00)]
    assert sum(r.tds_minor for r in await DepositInterestCredit.filter(deposit_id=fd.id, financial_year=2026)) == \
        5_250_00
    # the member's Q1 certificate shows the credit and its reversal; the year's certificate nets them
    q1 = await tds_certificate(member_number=member.member_number, financial_year=2027, quarter=1)
    assert [(line.reason, line.interest_minor, line.tds_minor) for line in q1.lines] == \
        [("payout", 40_000_00, 0), ("payout", QUARTER, 5_750_00), ("closure-reversal", -QUARTER, -5_750_00)]
    assert q1.tds_minor == 0 and tds_certificate_pdf(q1).startswith(b"%PDF")
    year = await interest_certificate(member_number=member.member_number, financial_year=2027)
    assert {(d.deposit_number, d.interest_minor, d.tds_minor) for d in year.deposits} == \
        {(fd.number, 0, 0), (other.number, 40_000_00, 0)}
    assert (await verify_ledger()).ok

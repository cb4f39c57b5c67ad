"""Recurring deposits through day-end (instalments, a missed one retried and penalised,
maturity), TDS across a member's deposits, and the month-end accrual entries."""

from __future__ import annotations

from datetime import date

from bankcore.chart import DEPOSIT_INTEREST_PAYABLE, FEE_INCOME, TDS_PAYABLE, gl_code
from bankcore.deposits.interest import credit_interest, record_tds_declaration
from bankcore.deposits.periods import accrued_interest
from bankcore.deposits.service import open_deposit
from bankcore.deposits.term import fd_maturity, rd_maturity
from bankcore.models import (
    Account,
    DepositInterestCredit,
    DepositKind,
    DepositStatus,
    JournalEntry,
    LedgerAccount,
    Posting,
    TermDeposit,
)
from bankcore.services.money_movement import deposit_cash
from bankcore.verify import verify_ledger
from tests.deposits.factory import close_days, deposit_bank, saver
from tests.ledger.factory import inr


async def _balance(number: str) -> int:
    account = await Account.get(number=number)
    return (await LedgerAccount.get(id=account.ledger_account_id)).balance_minor


async def _gl(base: str) -> int:
    """Credit balance of a GL liability/income account from its postings."""
    ledger = await LedgerAccount.get(code=gl_code(base, "INR"))
    total = 0
    for p in await Posting.filter(ledger_account_id=ledger.id):
        total += p.amount_minor if p.side == "C" else -p.amount_minor
    return total


async def test_an_rd_collects_its_instalments_retries_a_missed_one_with_a_charge_and_matures(db: str) -> None:
    await deposit_bank()
    _, savings = await saver(balance="10000.00")
    rd = (await open_deposit(kind=DepositKind.RECURRING, product_code="RD1", amount=inr("5000.00"), tenure_months=6,
                             from_account_number=savings, initiator="test")).deposit
    assert rd.number.startswith("RD") and rd.instalments_paid == 1 and rd.rate_bps == 600
    await close_days(date(2026, 5, 1))
    assert (await TermDeposit.get(id=rd.id)).instalments_paid == 2 and await _balance(savings) == 0
    await close_days(date(2026, 6, 2))  # due 1 Jun: missed, retried on 2 Jun
    rd = await TermDeposit.get(id=rd.id)
    assert (rd.instalments_paid, rd.missed_instalments) == (2, 1)
    await deposit_cash(account_number=savings, amount=inr("30000.00"), initiator="test")
    await close_days(date(2026, 6, 3))
    rd = await TermDeposit.get(id=rd.id)
    assert (rd.instalments_paid, rd.missed_instalments, rd.penalty_minor) == (3, 1, 75_00)  # 1.5 % of 5,000
    assert await _gl(FEE_INCOME) == 75_00
    await close_days(date(2026, 10, 1))
    rd = await TermDeposit.get(id=rd.id)
    expected = rd_maturity(5_000_00, 600, 6)
    assert rd.status == DepositStatus.MATURED and rd.instalments_paid == 6
    assert rd.maturity_value_minor == expected.maturity_minor
    assert await _balance(savings) == 30_000_00 - 75_00 - 4 * 5_000_00 + expected.maturity_minor  # 3rd to 6th
    assert (await verify_ledger()).ok


async def test_tds_is_deducted_once_the_members_year_crosses_the_threshold(db: str) -> None:
    await deposit_bank()
    member, savings = await saver(balance="5000000.00", pan="ABCDE1234F")
    first = (await open_deposit(kind=DepositKind.FIXED, product_code="FD1", amount=inr("1000000.00"), tenure_months=12,
                                from_account_number=savings, initiator="test")).deposit
    second = (await open_deposit(kind=DepositKind.FIXED, product_code="FD1", amount=inr("1000000.00"), tenure_months=12,
                                 from_account_number=savings, initiator="test")).deposit
    day = date(2026, 4, 1)  # the business date
    under = await credit_interest(first, interest_minor=40_000_00, to_ledger_account_id=first.ledger_account_id,
                                  value_date=day, reason="payout", initiator="test", idempotency_key="t1")
    assert under.tds_minor == 0
    # 40,000 + 20,000 = 60,000 > 50,000 (FY 2026-27): 10 % of the year's 60,000, nothing deducted before
    over = await credit_interest(second, interest_minor=20_000_00, to_ledger_account_id=second.ledger_account_id,
                                 value_date=day, reason="payout", initiator="test", idempotency_key="t2")
    assert over.tds_minor == 6_000_00
    assert await _gl(TDS_PAYABLE) == 6_000_00
    assert (await LedgerAccount.get(id=second.ledger_account_id)).balance_minor == 1_000_000_00 + 14_000_00
    rows = await DepositInterestCredit.filter(member_id=member.id).order_by("id")
    assert [(r.financial_year, r.tds_minor, r.rate_bps) for r in rows] == [(2026, 0, 0), (2026, 6_000_00, 1000)]
    assert (await verify_ledger()).ok


async def test_without_pan_tds_is_twenty_percent_and_a_15g_suppresses_it(db: str) -> None:
    await deposit_bank()
    _, savings = await saver(balance="3000000.00")
    fd = (await open_deposit(kind=DepositKind.FIXED, product_code="FD1", amount=inr("1000000.00"), tenure_months=12,
                             from_account_number=savings, initiator="test")).deposit
    credited = await credit_interest(fd, interest_minor=60_000_00, to_ledger_account_id=fd.ledger_account_id,
                                     value_date=date(2026, 4, 1), reason="payout", initiator="test",
                                     idempotency_key="np")
    assert credited.tds_minor == 12_000_00
    other, savings2 = await saver("Gita Shah", balance="3000000.00")
    await record_tds_declaration(member_number=other.member_number, financial_year_start=2026, form="15G",
                                 received_on=date(2026, 4, 1), recorded_by="clerk")
    fd2 = (await open_deposit(kind=DepositKind.FIXED, product_code="FD1", amount=inr("1000000.00"), tenure_months=12,
                              from_account_number=savings2, initiator="test")).deposit
    free = await credit_interest(fd2, interest_minor=60_000_00, to_ledger_account_id=fd2.ledger_account_id,
                                 value_date=date(2026, 4, 1), reason="payout", initiator="test", idempotency_key="g")
    assert free.tds_minor == 0


async def test_the_older_threshold_applies_to_earlier_financial_years(db: str) -> None:
    await deposit_bank(start=date(2024, 4, 1))
    _, savings = await saver(balance="3000000.00", pan="ABCDE1234F")
    fd = (await open_deposit(kind=DepositKind.FIXED, product_code="FD1", amount=inr("1000000.00"), tenure_months=12,
                             from_account_number=savings, initiator="test")).deposit
    # FY 2024-25: Rs 40,000 threshold, so 45,000 is taxed
    credited = await credit_interest(fd, interest_minor=45_000_00, to_ledger_account_id=fd.ledger_account_id,
                                     value_date=date(2024, 4, 1), reason="payout", initiator="test", idempotency_key="o")
    assert credited.tds_minor == 4_500_00


async def test_month_end_books_the_accrued_interest_and_reverses_last_months(db: str) -> None:
    await deposit_bank()
    _, savings = await saver()
    await open_deposit(kind=DepositKind.FIXED, product_code="FD1", amount=inr("100000.00"), tenure_months=12,
                       from_account_number=savings, initiator="test")
    await close_days(date(2026, 4, 30))
    april = accrued_interest(kind="FIXED", payout="CUMULATIVE", principal_minor=100_000_00, rate_bps=700,
                             opened_on=date(2026, 4, 1), as_of=date(2026, 4, 30), interest_credited_minor=0,
                             last_payout_on=None)
    assert april > 0 and await _gl(DEPOSIT_INTEREST_PAYABLE) == april
    await close_days(date(2026, 5, 31))
    may = accrued_interest(kind="FIXED", payout="CUMULATIVE", principal_minor=100_000_00, rate_bps=700,
                           opened_on=date(2026, 4, 1), as_of=date(2026, 5, 31), interest_credited_minor=0,
                           last_payout_on=None)
    assert await _gl(DEPOSIT_INTEREST_PAYABLE) == may
    assert await JournalEntry.filter(source_ref__startswith="deposits-accrual:").count() == 2
    assert (await verify_ledger()).ok
    assert fd_maturity(100_000_00, 700, date(2026, 4, 1), tenure_months=12).interest_minor > may

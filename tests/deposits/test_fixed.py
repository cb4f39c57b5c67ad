"""Fixed deposits against a real database: opening, maturity by day-end, payouts, renewal,
premature closure, liens."""

from __future__ import annotations

from datetime import date

import pytest

from bankcore.calendar.business_date import business_date
from bankcore.deposits.closing import close_prematurely
from bankcore.deposits.lien import lien_capacity, mark_lien, release_lien
from bankcore.deposits.periods import whole_period_interest
from bankcore.deposits.service import open_deposit, set_maturity_instruction
from bankcore.deposits.term import fd_maturity
from bankcore.errors import DomainError, ErrorCode
from bankcore.models import (
    Account,
    DepositKind,
    DepositStatus,
    InterestPayout,
    LedgerAccount,
    MaturityInstruction,
    TermDeposit,
)
from bankcore.verify import verify_ledger
from tests.deposits.factory import close_days, deposit_bank, saver
from tests.ledger.factory import inr


async def _balance(number: str) -> int:
    account = await Account.get(number=number)
    return (await LedgerAccount.get(id=account.ledger_account_id)).balance_minor


async def _open_fd(savings: str, amount: str = "100000.00", months: int = 12, **kw) -> TermDeposit:
    opened = await open_deposit(kind=DepositKind.FIXED, product_code="FD1", amount=inr(amount), tenure_months=months,
                                from_account_number=savings, initiator="test", **kw)
    return opened.deposit


async def test_a_one_year_cumulative_fd_pays_exactly_its_compounded_maturity_value(db: str) -> None:
    await deposit_bank()
    _, savings = await saver()
    fd = await _open_fd(savings, idempotency_key="fd-1")
    assert fd.number.startswith("FD001") and fd.rate_bps == 700 and fd.maturity_date == date(2027, 4, 1)
    assert await _balance(savings) == 100_000_00
    expected = fd_maturity(100_000_00, 700, date(2026, 4, 1), tenure_months=12)
    await close_days(date(2027, 4, 1))
    fd = await TermDeposit.get(id=fd.id)
    assert fd.status == DepositStatus.MATURED
    assert fd.maturity_value_minor == expected.maturity_minor == 107_185_90
    assert fd.interest_paid_minor == expected.interest_minor and fd.tds_minor == 0  # under the threshold
    assert await _balance(savings) == 100_000_00 + expected.maturity_minor
    assert (await LedgerAccount.get(id=fd.ledger_account_id)).balance_minor == 0
    report = await verify_ledger()
    assert report.ok, report


async def test_opening_is_idempotent_and_checks_funds_limits_and_chart(db: str) -> None:
    await deposit_bank()
    _, savings = await saver(balance="5000.00")
    first = await _open_fd(savings, "2000.00", idempotency_key="k")
    again = await open_deposit(kind=DepositKind.FIXED, product_code="FD1", amount=inr("2000.00"), tenure_months=12,
                               from_account_number=savings, initiator="test", idempotency_key="k")
    assert again.replayed and again.deposit.id == first.id and await _balance(savings) == 3000_00
    with pytest.raises(DomainError) as conflict:
        await _open_fd(savings, "2500.00", idempotency_key="k")
    assert conflict.value.code == ErrorCode.IDEMPOTENCY_CONFLICT
    for amount, months, code in (("10000.00", 12, ErrorCode.INSUFFICIENT_FUNDS), ("999.00", 12, ErrorCode.INVALID_AMOUNT),
                                 ("1000.00", 121, ErrorCode.INVALID_TENURE)):
        with pytest.raises(DomainError) as refused:
            await _open_fd(savings, amount, months)
        assert refused.value.code == code
    assert await TermDeposit.all().count() == 1 and await LedgerAccount.filter(code__startswith="FD").count() == 1
    assert (await verify_ledger()).ok


async def test_senior_citizens_get_the_extra_rate(db: str) -> None:
    await deposit_bank()
    _, savings = await saver("Old Timer", date_of_birth=date(1950, 1, 1))
    fd = await _open_fd(savings, "10000.00")
    assert fd.senior_citizen and fd.rate_bps == 750


async def test_monthly_payout_pays_the_discounted_monthly_interest_into_savings(db: str) -> None:
    await deposit_bank()
    _, savings = await saver()
    fd = await _open_fd(savings, "100000.00", 12, payout=InterestPayout.MONTHLY)
    monthly = whole_period_interest(100_000_00, 700, "MONTHLY")
    assert monthly == 579_94  # SBI-style monthly payout of 1 lakh at 7 %
    await close_days(date(2026, 6, 1))
    assert await _balance(savings) == 100_000_00 + 2 * monthly
    fd = await TermDeposit.get(id=fd.id)
    assert fd.last_payout_on == date(2026, 6, 1) and fd.interest_paid_minor == 2 * monthly
    await close_days(date(2027, 4, 1))
    fd = await TermDeposit.get(id=fd.id)
    assert fd.status == DepositStatus.MATURED and fd.interest_paid_minor == 12 * monthly
    assert await _balance(savings) == 200_000_00 + 12 * monthly
    assert (await verify_ledger()).ok


async def test_renew_all_rolls_principal_and_interest_into_a_new_deposit(db: str) -> None:
    await deposit_bank()
    _, savings = await saver()
    fd = await _open_fd(savings, "50000.00", 3, maturity_instruction=MaturityInstruction.RENEW_ALL)
    await close_days(date(2026, 7, 1))
    old = await TermDeposit.get(id=fd.id)
    assert old.status == DepositStatus.RENEWED
    new = await TermDeposit.get(renewed_from_id=fd.id)
    expected = fd_maturity(50_000_00, 600, date(2026, 4, 1), tenure_months=3).maturity_minor
    assert new.principal_minor == expected and new.opened_on == date(2026, 7, 1) and new.status == DepositStatus.ACTIVE
    assert (await LedgerAccount.get(id=new.ledger_account_id)).balance_minor == expected
    assert await _balance(savings) == 150_000_00


async def test_renew_principal_pays_the_interest_to_savings(db: str) -> None:
    await deposit_bank()
    _, savings = await saver()
    fd = await _open_fd(savings, "50000.00", 3)
    await set_maturity_instruction(deposit_number=fd.number, instruction=MaturityInstruction.RENEW_PRINCIPAL)
    await close_days(date(2026, 7, 1))
    new = await TermDeposit.get(renewed_from_id=fd.id)
    interest = fd_maturity(50_000_00, 600, date(2026, 4, 1), tenure_months=3).interest_minor
    assert new.principal_minor == 50_000_00
    assert await _balance(savings) == 150_000_00 + interest


async def test_premature_closure_pays_the_rate_for_the_period_run_less_the_penalty(db: str) -> None:
    await deposit_bank()
    _, savings = await saver()
    fd = await _open_fd(savings, "100000.00", 18)  # contracted 7.00 %
    await close_days(date(2026, 9, 30))  # 183 days run: card 6.00 %, less 1 %
    assert await business_date() == date(2026, 10, 1)
    closed = await close_prematurely(deposit_number=fd.number, initiator="test")
    expected = fd_maturity(100_000_00, 500, date(2026, 4, 1), tenure_days=183)
    assert closed.interest_minor == expected.interest_minor
    assert closed.paid_out_minor == expected.maturity_minor
    fd = await TermDeposit.get(id=fd.id)
    assert fd.status == DepositStatus.CLOSED_PREMATURELY and fd.closed_on == date(2026, 10, 1)
    assert await _balance(savings) == 100_000_00 + expected.maturity_minor
    with pytest.raises(DomainError) as again:
        await close_prematurely(deposit_number=fd.number, initiator="test")
    assert again.value.code == ErrorCode.DEPOSIT_NOT_ACTIVE
    assert (await verify_ledger()).ok


async def test_premature_closure_of_a_payout_fd_recovers_interest_paid_above_the_reduced_rate(db: str) -> None:
    await deposit_bank()
    _, savings = await saver()
    fd = await _open_fd(savings, "100000.00", 18, payout=InterestPayout.QUARTERLY)
    await close_days(date(2026, 7, 1))  # one quarter paid at 7 %
    paid = whole_period_interest(100_000_00, 700, "QUARTERLY")
    assert await _balance(savings) == 100_000_00 + paid
    closed = await close_prematurely(deposit_number=fd.number, initiator="test")
    earned = fd_maturity(100_000_00, 500, date(2026, 4, 1), tenure_days=92).interest_minor  # closed on 2 Jul
    assert closed.paid_out_minor == 100_000_00 - (paid - earned)
    assert await _balance(savings) == 100_000_00 + paid + closed.paid_out_minor
    assert (await verify_ledger()).ok


async def test_a_liened_deposit_cannot_be_closed_until_the_lien_is_released(db: str) -> None:
    await deposit_bank()
    _, savings = await saver()
    fd = await _open_fd(savings, "100000.00", 3)
    assert await lien_capacity(deposit_number=fd.number) == 90_000_00
    with pytest.raises(DomainError) as too_much:
        await mark_lien(deposit_number=fd.number, amount_minor=90_000_01, reference="LN1", marked_by="loans")
    assert too_much.value.code == ErrorCode.LIEN_LIMIT_EXCEEDED
    lien = await mark_lien(deposit_number=fd.number, amount_minor=80_000_00, reference="LN1", marked_by="loans")
    assert (await mark_lien(deposit_number=fd.number, amount_minor=80_000_00, reference="LN1", marked_by="loans")).id == lien.id
    assert await lien_capacity(deposit_number=fd.number) == 10_000_00
    with pytest.raises(DomainError) as refused:
        await close_prematurely(deposit_number=fd.number, initiator="test")
    assert refused.value.code == ErrorCode.DEPOSIT_UNDER_LIEN
    # at maturity it waits for the loan
    await close_days(date(2026, 7, 2))
    assert (await TermDeposit.get(id=fd.id)).status == DepositStatus.ACTIVE
    await release_lien(deposit_number=fd.number, reference="LN1", released_by="loans")
    await close_days()
    fd = await TermDeposit.get(id=fd.id)
    assert fd.status == DepositStatus.MATURED and fd.closed_on == date(2026, 7, 3)
    assert fd.maturity_value_minor == fd_maturity(100_000_00, 600, date(2026, 4, 1), tenure_months=3).maturity_minor
    assert (await verify_ledger()).ok


async def test_members_act_only_on_their_own_deposits(db: str) -> None:
    await deposit_bank()
    owner, savings = await saver()
    other, _ = await saver("Someone Else")
    with pytest.raises(DomainError) as refused:
        await open_deposit(kind=DepositKind.FIXED, product_code="FD1", amount=inr("1000.00"), tenure_months=12,
                           from_account_number=savings, initiator="member", member_id=other.id)
    assert refused.value.code == ErrorCode.NOT_FOUND
    fd = await _open_fd(savings, "1000.00", member_id=owner.id)
    for action in (lambda: close_prematurely(deposit_number=fd.number, initiator="m", member_id=other.id),
                   lambda: set_maturity_instruction(deposit_number=fd.number, instruction=MaturityInstruction.RENEW_ALL,
                                                    member_id=other.id)):
        with pytest.raises(DomainError) as hidden:
            await action()
        assert hidden.value.code == ErrorCode.NOT_FOUND

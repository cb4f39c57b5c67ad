"""Loans end to end in bankcore: apply, recommend, sanction (maker-checker), disburse, repay, prepay, foreclose."""

from __future__ import annotations

from datetime import date

import pytest

from bankcore.chart import FEE_INCOME, GST_PAYABLE, LOAN_INTEREST_INCOME
from bankcore.errors import DomainError, ErrorCode
from bankcore.loans import settings as S
from bankcore.loans.lifecycle import (
    Collateral,
    apply_for_loan,
    confirm_guarantee,
    disburse_loan,
    eligibility,
    find_loan,
    recommend_loan,
    reject_loan,
    sanction_loan,
)
from bankcore.loans.products import LoanProductSpec, create_loan_product
from bankcore.loans.foreclosure import close_loan, foreclosure_quote
from bankcore.loans.repayment import repay_loan
from bankcore.models import Account, AccountStatus, LedgerAccount, LoanInstalment, LoanStatus
from bankcore.services._lookup import gl_account_id
from bankcore.settings import set_setting
from bankcore.verify import verify_ledger
from tests.loans.factory import ADMIN, CLERK, MANAGER, START, active_loan, borrower, loan_bank, move_to
from tests.ledger.factory import inr


async def _balance(number: str) -> int:
    account = await Account.get(number=number)
    return (await LedgerAccount.get(id=account.ledger_account_id)).balance_minor


async def _gl(code: str) -> int:
    from tortoise.connection import get_connection

    gl = await gl_account_id(code, "INR")
    rows = await get_connection("default").execute_query_dict(
        f"SELECT COALESCE(SUM(CASE side WHEN 'C' THEN amount_minor ELSE -amount_minor END), 0) AS n FROM posting WHERE ledger_account_id = {gl}")
    return int(rows[0]["n"])


async def test_apply_recommend_sanction_disburse_with_maker_checker_and_eligibility(db: str) -> None:
    # given a product needing one guarantor, and a borrower with savings
    await loan_bank()
    b = await borrower()
    loan = await apply_for_loan(member_number=b.member, product_code="PL", amount=inr("100000.00"), tenure_months=12,
                                applied_by=CLERK, guarantor_member_numbers=(b.guarantor,))
    number = (await loan.account).number
    assert loan.status == LoanStatus.APPLIED
    # then the workflow refuses out-of-order and same-person steps
    with pytest.raises(DomainError) as e:
        await sanction_loan(loan_number=number, approver=MANAGER)
    assert e.value.code is ErrorCode.LOAN_WRONG_STATUS
    await recommend_loan(loan_number=number, recommended_by=CLERK)
    with pytest.raises(DomainError) as e:
        await sanction_loan(loan_number=number, approver=CLERK)
    assert e.value.code is ErrorCode.APPROVAL_SAME_USER
    # the guarantor has not confirmed: not eligible
    checks = {c.code: c.ok for c in await eligibility(await find_loan(number))}
    assert checks == {"KYC_VERIFIED": True, "NO_NPA_LOAN": True, "GUARANTORS": False}
    with pytest.raises(DomainError) as e:
        await sanction_loan(loan_number=number, approver=MANAGER)
    assert e.value.code is ErrorCode.LOAN_NOT_ELIGIBLE
    await confirm_guarantee(loan_number=number, guarantor_member_number=b.guarantor, confirmed_by=b.guarantor)
    sanctioned = await sanction_loan(loan_number=number, approver=MANAGER)
    assert sanctioned.status == LoanStatus.SANCTIONED
    savings_before = await _balance(b.savings)
    # when it is disbursed (twice)
    loan, entry = await disburse_loan(loan_number=number, initiator=MANAGER)
    again, replay = await disburse_loan(loan_number=number, initiator=MANAGER)
    # then: Dr loan 1,00,000; Cr savings net of 1% fee and 18% GST on it; once
    assert loan.status == LoanStatus.ACTIVE and replay.replayed and replay.entry_id == entry.entry_id
    assert await _balance(number) == 100_000_00
    assert await _balance(b.savings) - savings_before == 100_000_00 - 1_000_00 - 180_00
    assert await _gl(FEE_INCOME) == 1_000_00 and await _gl(GST_PAYABLE) == 180_00
    rows = await LoanInstalment.filter(loan_id=loan.id).order_by("number")
    assert len(rows) == 12 and sum(r.principal_minor for r in rows) == 100_000_00
    assert rows[0].due_date == date(2025, 2, 5)  # first 5th on or after disbursal... plus one month
    assert (await verify_ledger()).ok


async def test_above_the_sanction_limit_a_second_approver_is_needed(db: str) -> None:
    await loan_bank(guarantors=0)
    await set_setting(S.SANCTION_LIMIT.key, 50_000_00, effective_from=START, set_by="test")
    b = await borrower()
    loan = await apply_for_loan(member_number=b.member, product_code="PL", amount=inr("100000.00"), tenure_months=12,
                                applied_by=CLERK)
    number = (await loan.account).number
    await recommend_loan(loan_number=number, recommended_by=CLERK)
    first = await sanction_loan(loan_number=number, approver=MANAGER)
    assert first.status == LoanStatus.RECOMMENDED and first.sanctioned_by == MANAGER
    with pytest.raises(DomainError) as e:
        await sanction_loan(loan_number=number, approver=MANAGER)
    assert e.value.code is ErrorCode.APPROVAL_SAME_USER
    second = await sanction_loan(loan_number=number, approver=ADMIN)
    assert second.status == LoanStatus.SANCTIONED and second.second_approver == ADMIN


async def test_rejection_needs_a_reason_and_closes_the_unused_loan_account(db: str) -> None:
    await loan_bank(guarantors=0)
    b = await borrower()
    loan = await apply_for_loan(member_number=b.member, product_code="PL", amount=inr("50000.00"), tenure_months=6,
                                applied_by=b.member)
    number = (await loan.account).number
    with pytest.raises(DomainError) as e:
        await reject_loan(loan_number=number, rejected_by=MANAGER, reason="  ")
    assert e.value.code is ErrorCode.INVALID_INPUT
    rejected = await reject_loan(loan_number=number, rejected_by=MANAGER, reason="income not proven")
    assert rejected.status == LoanStatus.REJECTED
    assert (await Account.get(number=number)).status == AccountStatus.CLOSED


async def test_applications_outside_the_product_are_refused_with_typed_codes(db: str) -> None:
    await loan_bank(guarantors=0)
    await create_loan_product(spec=LoanProductSpec(
        code="GOLD", name="Gold loan", currency="INR", annual_rate_bps=900, min_amount_minor=1_000_00,
        max_amount_minor=50_00_000_00, min_tenure_months=3, max_tenure_months=24, collateral_kinds=("GOLD",)))
    b = await borrower()
    cases = [
        (dict(product_code="PL", amount=inr("5000.00"), tenure_months=12), ErrorCode.INVALID_AMOUNT),
        (dict(product_code="PL", amount=inr("50000.00"), tenure_months=99), ErrorCode.INVALID_TENURE),
        (dict(product_code="NOPE", amount=inr("50000.00"), tenure_months=12), ErrorCode.NOT_FOUND),
        (dict(product_code="GOLD", amount=inr("50000.00"), tenure_months=12), ErrorCode.COLLATERAL_INSUFFICIENT),
        # ₹2 lakh against ₹2.3 lakh of gold is 87% > 85%
        (dict(product_code="GOLD", amount=inr("200000.00"), tenure_months=12,
              collateral=Collateral("GOLD", 230_000_00)), ErrorCode.COLLATERAL_INSUFFICIENT),
    ]
    for kwargs, code in cases:
        with pytest.raises(DomainError) as e:
            await apply_for_loan(member_number=b.member, applied_by=CLERK, **kwargs)
        assert e.value.code is code, kwargs
    ok = await apply_for_loan(member_number=b.member, applied_by=CLERK, product_code="GOLD", amount=inr("200000.00"),
                              tenure_months=12, collateral=Collateral("GOLD", 240_000_00))
    assert ok.status == LoanStatus.APPLIED


async def test_an_emi_is_allocated_interest_then_principal_and_an_excess_shortens_the_loan(db: str) -> None:
    await loan_bank()
    b = await borrower(deposit="40000.00")
    number = await active_loan(b)
    loan = await find_loan(number)
    rows = await LoanInstalment.filter(loan_id=loan.id).order_by("number")
    await move_to(rows[0].due_date)
    first = rows[0].principal_minor + rows[0].interest_minor
    paid = await repay_loan(loan_number=number, amount=inr(str(first / 100)), initiator=b.member,
                            idempotency_key="emi-1", from_account_number=b.savings)
    replay = await repay_loan(loan_number=number, amount=inr(str(first / 100)), initiator=b.member,
                              idempotency_key="emi-1", from_account_number=b.savings)
    assert replay.replayed and replay.entry.entry_id == paid.entry.entry_id
    assert (paid.interest_minor, paid.principal_minor) == (rows[0].interest_minor, rows[0].principal_minor)
    assert await _gl(LOAN_INTEREST_INCOME) == rows[0].interest_minor
    assert await _balance(number) == 100_000_00 - rows[0].principal_minor
    assert (await LoanInstalment.get(id=rows[0].id)).paid_on == rows[0].due_date
    # the same key for another amount is a conflict
    with pytest.raises(DomainError) as e:
        await repay_loan(loan_number=number, amount=inr("1.00"), initiator=b.member, idempotency_key="emi-1",
                         from_account_number=b.savings)
    assert e.value.code is ErrorCode.IDEMPOTENCY_CONFLICT
    # a payment of 20,000 when nothing is due is a prepayment reducing the tenure
    pre = await repay_loan(loan_number=number, amount=inr("20000.00"), initiator=b.member, idempotency_key="pre-1",
                           from_account_number=b.savings)
    assert pre.prepaid_minor == 20_000_00
    after = await LoanInstalment.filter(loan_id=loan.id).order_by("number")
    assert len(after) < 12 and sum(r.principal_minor for r in after) == 100_000_00 - 20_000_00
    assert after[1].principal_minor + after[1].interest_minor == loan.instalment_minor  # the EMI is kept
    assert (await verify_ledger()).ok


async def test_foreclosure_pays_principal_and_accrued_interest_and_closes(db: str) -> None:
    await loan_bank()
    b = await borrower(deposit="150000.00")
    number = await active_loan(b)
    await move_to(date(2025, 1, 21))  # 20 days after disbursal on 1 Jan
    quote = await foreclosure_quote(loan_number=number)
    # 1,00,000 x 12% x 20/365 = 657.53
    assert (quote.principal_minor, quote.accrued_interest_minor) == (100_000_00, 657_53)
    result = await close_loan(loan_number=number, initiator=b.member, idempotency_key="close-1", from_account_number=b.savings)
    assert result.closed
    loan = await find_loan(number)
    assert loan.status == LoanStatus.CLOSED and loan.closed_on == date(2025, 1, 21)
    assert await _balance(number) == 0
    with pytest.raises(DomainError) as e:
        await repay_loan(loan_number=number, amount=inr("10.00"), initiator=b.member, idempotency_key="late",
                         from_account_number=b.savings)
    assert e.value.code is ErrorCode.LOAN_WRONG_STATUS
    assert (await verify_ledger()).ok


async def test_repayment_beyond_the_loan_or_without_funds_is_refused_and_nothing_is_written(db: str) -> None:
    await loan_bank()
    b = await borrower(deposit="200000.00")
    number = await active_loan(b)
    loan = await find_loan(number)
    rows = await LoanInstalment.filter(loan_id=loan.id).order_by("number")
    await move_to(rows[0].due_date)
    with pytest.raises(DomainError) as e:
        await repay_loan(loan_number=number, amount=inr("150000.00"), initiator=b.member, idempotency_key="big",
                         from_account_number=b.savings)
    assert e.value.code is ErrorCode.OVERPAYMENT
    poor = await borrower(deposit="10.00", name="Ravi")
    with pytest.raises(DomainError) as e:
        await repay_loan(loan_number=number, amount=inr("5000.00"), initiator=poor.member, idempotency_key="poor",
                         from_account_number=poor.savings)
    assert e.value.code is ErrorCode.INSUFFICIENT_FUNDS
    assert all(r.paid_principal_minor == 0 for r in await LoanInstalment.filter(loan_id=loan.id))


async def test_write_off_needs_a_manager_and_a_different_admin_and_recoveries_are_income(db: str) -> None:
    from bankcore.chart import BAD_DEBTS_RECOVERED, BAD_DEBTS_WRITTEN_OFF
    from bankcore.loans.writeoff import recover_written_off, write_off_loan

    await loan_bank()
    b = await borrower()
    number = await active_loan(b)
    with pytest.raises(DomainError) as e:
        await write_off_loan(loan_number=number, actor=ADMIN, reason="unrecoverable", approving=True)
    assert e.value.code is ErrorCode.INVALID_INPUT
    await write_off_loan(loan_number=number, actor=MANAGER, reason="borrower absconded", approving=False)
    with pytest.raises(DomainError) as e:
        await write_off_loan(loan_number=number, actor=MANAGER, reason="borrower absconded", approving=True)
    assert e.value.code is ErrorCode.APPROVAL_SAME_USER
    loan, entry = await write_off_loan(loan_number=number, actor=ADMIN, reason="borrower absconded", approving=True)
    assert loan.status == LoanStatus.WRITTEN_OFF and entry is not None
    assert await _balance(number) == 0 and -await _gl(BAD_DEBTS_WRITTEN_OFF) == 100_000_00
    await recover_written_off(loan_number=number, amount=inr("5000.00"), initiator=CLERK, idempotency_key="rec-1",
                              from_account_number=b.savings)
    assert await _gl(BAD_DEBTS_RECOVERED) == 5_000_00
    assert (await verify_ledger()).ok


async def test_reschedule_from_an_instalment_not_yet_due_with_a_new_rate_flags_the_loan(db: str) -> None:
    from bankcore.loans.writeoff import reschedule_loan

    await loan_bank()
    b = await borrower()
    number = await active_loan(b)
    with pytest.raises(DomainError) as e:
        await reschedule_loan(loan_number=number, from_number=1, actor=MANAGER)
    assert e.value.code is ErrorCode.INVALID_INPUT
    loan = await reschedule_loan(loan_number=number, from_number=3, actor=MANAGER, annual_rate_bps=900, remaining_months=24)
    rows = await LoanInstalment.filter(loan_id=loan.id).order_by("number")
    assert loan.restructured and len(rows) == 2 + 24 and sum(r.principal_minor for r in rows) == 100_000_00
    assert rows[2].interest_minor < rows[1].interest_minor


async def test_cash_at_the_counter_on_a_loan_account_is_a_repayment(db: str) -> None:
    from bankcore.loans.repayment import _register_with_the_counter

    _register_with_the_counter()  # (as importing the module does; another test may have unregistered it)
    from bankcore.services.money_movement import deposit_cash, withdraw_cash

    await loan_bank()
    b = await borrower()
    number = await active_loan(b)
    loan = await find_loan(number)
    first = await LoanInstalment.get(loan_id=loan.id, number=1)
    await move_to(first.due_date)
    emi = first.principal_minor + first.interest_minor
    await deposit_cash(account_number=number, amount=inr(str(emi / 100)), initiator="test-counter", idempotency_key="cash-1")
    row = await LoanInstalment.get(id=first.id)
    assert row.paid_on == first.due_date and await _gl(LOAN_INTEREST_INCOME) == first.interest_minor
    with pytest.raises(DomainError) as e:
        await withdraw_cash(account_number=number, amount=inr("10.00"), initiator="test-counter")
    assert e.value.code is ErrorCode.LOAN_ACCOUNT_CASH
    assert (await verify_ledger()).ok

"""The counter's rules in bankcore: no cash in or out of a loan, PAN or Form 60 above
₹50,000 (rule 114B), and less than ₹2,00,000 from one person a day (s.269ST)."""

from __future__ import annotations

import pytest

from bankcore.calendar.business_date import business_date, ensure_calendar
from bankcore.counter import rules
from bankcore.errors import DomainError, ErrorCode
from bankcore.models import Account, HolderRole, JournalEntry, LedgerAccount, Member, ProductKind
from bankcore.services.accounts import create_product, open_account
from bankcore.services.members import register_member, verify_kyc
from bankcore.services.money_movement import deposit_cash, withdraw_cash
from bankcore.settings import set_setting
from tests.ledger.factory import inr, make_account, make_member, small_bank


async def loan_account(owner: str) -> str:
    await create_product(code="LN", name="Personal loan", kind=ProductKind.LOAN, currency="INR", interest_rate_bps=1200)
    return (await open_account(product_code="LN", holders=[(owner, HolderRole.OWNER)])).number


async def balance(number: str) -> int:
    account = await Account.get(number=number)
    return (await LedgerAccount.get(id=account.ledger_account_id)).balance_minor


async def test_cash_never_leaves_a_loan_account_nor_enters_it_without_a_repayment_handler(db: str) -> None:
    # (the loans domain registers its handler when imported: take it away for this test)
    previous = rules.loan_cash_repayment()
    rules.register_loan_cash_repayment(None)
    try:
        await _no_cash_without_a_handler()
    finally:
        rules.register_loan_cash_repayment(previous)


async def _no_cash_without_a_handler() -> None:
    await small_bank()
    owner = await make_member()
    loan = await loan_account(owner)
    entries = await JournalEntry.all().count()
    for move in (withdraw_cash, deposit_cash):
        with pytest.raises(DomainError) as refused:
            await move(account_number=loan, amount=inr("200000.00"), initiator="staff:1")
        assert refused.value.code is ErrorCode.LOAN_ACCOUNT_CASH
    assert await JournalEntry.all().count() == entries
    assert await balance(loan) == 0


async def test_a_registered_repayment_handler_takes_loan_cash_in_but_never_pays_out(db: str) -> None:
    await small_bank()
    owner = await make_member()
    loan = await loan_account(owner)
    calls: list[dict] = []

    async def repay(**kwargs: object) -> str:
        calls.append(kwargs)
        return "posted"

    rules.register_loan_cash_repayment(repay)
    try:
        assert await deposit_cash(account_number=loan, amount=inr("500.00"), initiator="staff:1", idempotency_key="r1") == "posted"
        assert calls[0]["account_number"] == loan and calls[0]["amount"] == inr("500.00")
        with pytest.raises(DomainError) as refused:
            await withdraw_cash(account_number=loan, amount=inr("500.00"), initiator="staff:1")
        assert refused.value.code is ErrorCode.LOAN_ACCOUNT_CASH
    finally:
        rules.register_loan_cash_repayment(None)


async def test_a_deposit_above_50000_needs_pan_or_form60(db: str) -> None:
    await small_bank()
    number = await make_account("SB0")
    with pytest.raises(DomainError) as refused:
        await deposit_cash(account_number=number, amount=inr("50000.01"), initiator="staff:1")
    assert refused.value.code is ErrorCode.PAN_REQUIRED
    assert refused.value.field == "form60"
    assert await balance(number) == 0
    # at the threshold itself no PAN is needed
    await deposit_cash(account_number=number, amount=inr("50000.00"), initiator="staff:1")
    posted = await deposit_cash(account_number=number, amount=inr("60000.00"), initiator="staff:1", form60=True)
    assert posted.narration.endswith("(Form 60)")
    assert await balance(number) == 110_000_00


async def test_a_member_with_pan_needs_no_form60(db: str) -> None:
    await small_bank()
    member = await register_member(full_name="Ravi Kumar", branch_code="001", pan="ABCPK1234F")
    await verify_kyc(member_number=member.member_number)
    number = await make_account("SB0", owner=member.member_number)
    await deposit_cash(account_number=number, amount=inr("90000.00"), initiator="staff:1")
    assert await balance(number) == 90_000_00


async def test_cash_from_one_person_in_a_day_stays_below_two_lakh_across_their_accounts(db: str) -> None:
    await small_bank()
    member = await register_member(full_name="Ravi Kumar", branch_code="001", pan="ABCPK1234F")
    await verify_kyc(member_number=member.member_number)
    first = await make_account("SB0", owner=member.member_number)
    second = await make_account("SB0", owner=member.member_number)
    await deposit_cash(account_number=first, amount=inr("150000.00"), initiator="staff:1")
    await deposit_cash(account_number=second, amount=inr("49999.99"), initiator="staff:2")
    with pytest.raises(DomainError) as refused:
        await deposit_cash(account_number=second, amount=inr("0.01"), initiator="staff:1")
    assert refused.value.code is ErrorCode.CASH_LIMIT_EXCEEDED
    assert "200000.00" in refused.value.message
    assert await balance(second) == 49_999_99
    # another person is not affected
    other = await make_account("SB0", owner=await make_member("Meena Shah"))
    await deposit_cash(account_number=other, amount=inr("100.00"), initiator="staff:1")


async def test_thresholds_are_settings(db: str) -> None:
    await small_bank()
    await ensure_calendar()
    today = await business_date()
    await set_setting("cash.pan_required_above_minor", 1_000_00, effective_from=today, set_by="test")
    await set_setting("cash.per_person_per_day_limit_minor", 5_000_00, effective_from=today, set_by="test")
    number = await make_account("SB0")
    with pytest.raises(DomainError) as refused:
        await deposit_cash(account_number=number, amount=inr("1000.01"), initiator="staff:1")
    assert refused.value.code is ErrorCode.PAN_REQUIRED
    await deposit_cash(account_number=number, amount=inr("4000.00"), initiator="staff:1", form60=True)
    with pytest.raises(DomainError) as refused:
        await deposit_cash(account_number=number, amount=inr("1000.00"), initiator="staff:1")
    assert refused.value.code is ErrorCode.CASH_LIMIT_EXCEEDED
    assert (await Member.all().count()) == 1

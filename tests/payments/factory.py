"""A member with a savings account and a loan, for the payment tests."""

from __future__ import annotations

from datetime import date

from bankcore.models import Account, Branch, HolderRole, Loan, LoanStatus, Member, ProductKind
from bankcore.services.accounts import create_product, open_account
from tests.ledger.factory import make_account, make_member, small_bank


async def member_with_savings(deposit: str = "1000.00", name: str = "Asha Rao") -> tuple[Member, str]:
    if not await Branch.exists(code="001"):
        await small_bank()
    number = await make_member(name)
    account = await make_account("SB0", owner=number, deposit=deposit)
    return await Member.get(member_number=number), account


async def loan_for(member: Member, repayment_account: str) -> str:
    """A running loan of ₹50,000 whose EMIs are collected from ``repayment_account``; returns the loan account."""
    await create_product(code="LN", name="Personal loan", kind=ProductKind.LOAN, currency="INR", interest_rate_bps=1200)
    account = await open_account(product_code="LN", holders=[(member.member_number, HolderRole.OWNER)])
    repay = await Account.get(number=repayment_account)
    await Loan.create(account_id=account.id, repayment_account_id=repay.id, granted_on=date(2025, 1, 1),
                      amount_minor=50_000_00, currency="INR", duration_months=12, instalment_minor=4_442_40,
                      status=LoanStatus.ACTIVE)
    return account.number

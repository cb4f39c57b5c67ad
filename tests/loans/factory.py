"""A bank with a loan product, a borrower with savings and a guarantor, for the loans tests."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from bankcore.calendar.business_date import ensure_calendar, set_business_date_at_least
from bankcore.loans.lifecycle import apply_for_loan, confirm_guarantee, disburse_loan, recommend_loan, sanction_loan
from bankcore.loans.products import LoanProductSpec, create_loan_product
from bankcore.models import Branch, LoanProduct
from tests.ledger.factory import inr, make_account, make_member, small_bank

START = date(2025, 1, 1)
CLERK, MANAGER, ADMIN = "staff:1:clerk", "staff:2:manager", "staff:3:admin"


@dataclass
class Borrower:
    member: str
    savings: str
    guarantor: str


async def loan_bank(*, start: date = START, guarantors: int = 1, penal_bps: int = 200, tolerance_minor: int = 100,
                    rate_bps: int = 1200) -> LoanProduct:
    await ensure_calendar(start=start)
    if not await Branch.exists(code="001"):
        await small_bank()
    return await create_loan_product(spec=LoanProductSpec(
        code="PL", name="Personal loan", currency="INR", annual_rate_bps=rate_bps, min_amount_minor=10_000_00,
        max_amount_minor=20_00_000_00, min_tenure_months=3, max_tenure_months=60, repayment_day=5,
        processing_fee_bps=100, penal_rate_bps=penal_bps, arrears_tolerance_minor=tolerance_minor,
        guarantors_required=guarantors,
    ))


async def borrower(deposit: str = "20000.00", name: str = "Asha Rao") -> Borrower:
    member = await make_member(name)
    savings = await make_account("SB0", owner=member, deposit=deposit)
    return Borrower(member, savings, await make_member(f"Guarantor of {name}"))


async def active_loan(b: Borrower, amount: str = "100000.00", tenure: int = 12) -> str:
    """Apply, recommend, sanction and disburse a loan for ``b``; returns the loan number."""
    loan = await apply_for_loan(member_number=b.member, product_code="PL", amount=inr(amount), tenure_months=tenure,
                                applied_by=CLERK, guarantor_member_numbers=(b.guarantor,))
    number = (await loan.account).number
    await confirm_guarantee(loan_number=number, guarantor_member_number=b.guarantor, confirmed_by=CLERK)
    await recommend_loan(loan_number=number, recommended_by=CLERK)
    await sanction_loan(loan_number=number, approver=MANAGER)
    await disburse_loan(loan_number=number, initiator=MANAGER)
    return number


async def move_to(day: date) -> None:
    await set_business_date_at_least(day)

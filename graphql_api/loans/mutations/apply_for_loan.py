from __future__ import annotations

import strawberry

from bankcore.errors import DomainError, ErrorCode
from bankcore.loans.lifecycle import Collateral
from bankcore.loans.lifecycle import apply_for_loan as apply_service
from bankcore.models import Member
from graphql_api.context import Context
from graphql_api.loans.mutations._payloads import LoanPayload, loan_payload
from graphql_api.mutations._base import run
from graphql_api.types.money import MoneyInput


@strawberry.input(description="Collateral offered with an application.")
class CollateralInput:
    kind: str = strawberry.field(description="GOLD, DEPOSIT_LIEN or PROPERTY.")
    value: MoneyInput = strawberry.field(description="Assessed value (gold) or the deposit's balance (lien).")
    reference: str | None = strawberry.field(default=None, description="e.g. the deposit account number.")


@strawberry.input(description="A loan application: a member for themselves, or a clerk on a member's behalf.")
class ApplyForLoanInput:
    product_code: str = strawberry.field(description="Loan product.")
    amount: MoneyInput = strawberry.field(description="Amount asked for.")
    tenure_months: int = strawberry.field(description="Number of monthly instalments.")
    member_number: str | None = strawberry.field(default=None, description="Staff: the borrower. Members apply for themselves.")
    repayment_account_number: str | None = strawberry.field(default=None, description="Savings account to repay from (default: the first).")
    purpose: str = strawberry.field(default="", description="What the money is for (up to 200 characters).")
    guarantor_member_numbers: list[str] = strawberry.field(default_factory=list, description="Guarantors (members).")
    collateral: CollateralInput | None = strawberry.field(default=None, description="Security, if the product needs it.")


async def apply_for_loan(info: strawberry.Info[Context, None], input: ApplyForLoanInput) -> LoanPayload:
    ctx = info.context

    async def act() -> LoanPayload:
        if ctx.is_staff:
            if not input.member_number:
                raise DomainError(ErrorCode.INVALID_INPUT, "name the member", field="member_number")
            member_number = input.member_number
        else:
            member = await Member.get_or_none(id=ctx.principal.member_id) if ctx.principal and ctx.principal.member_id else None
            if member is None:
                raise DomainError(ErrorCode.NOT_FOUND, "no such member", field="member_number")
            member_number = member.member_number
        collateral = None
        if input.collateral is not None:
            value = input.collateral.value.to_money()
            collateral = Collateral(input.collateral.kind, value.amount_minor, input.collateral.reference)
        loan = await apply_service(
            member_number=member_number, product_code=input.product_code, amount=input.amount.to_money(),
            tenure_months=input.tenure_months, applied_by=ctx.actor,
            repayment_account_number=input.repayment_account_number, purpose=input.purpose,
            guarantor_member_numbers=tuple(input.guarantor_member_numbers), collateral=collateral,
        )
        return await loan_payload(loan)

    return await run(LoanPayload, act)

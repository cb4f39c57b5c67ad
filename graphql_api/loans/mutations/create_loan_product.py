from __future__ import annotations

import strawberry

from bankcore.loans.products import LoanProductSpec
from bankcore.loans.products import create_loan_product as create_service
from bankcore.models import InterestMethod
from graphql_api.context import Context
from graphql_api.errors import UserError
from graphql_api.loans.types import LoanProductType
from graphql_api.mutations._base import run
from graphql_api.types.money import MoneyInput


@strawberry.input(description="A new loan product (admin).")
class CreateLoanProductInput:
    code: str = strawberry.field(description="Product code, 1-20 letters/digits.")
    name: str = strawberry.field(description="Name shown to members.")
    annual_rate_bps: int = strawberry.field(description="Interest a year, bps.")
    min_amount: MoneyInput = strawberry.field(description="Smallest loan.")
    max_amount: MoneyInput = strawberry.field(description="Largest loan.")
    min_tenure_months: int = strawberry.field(description="Shortest tenure.")
    max_tenure_months: int = strawberry.field(description="Longest tenure.")
    method: str = strawberry.field(default="reducing", description="reducing, flat or equal-principal.")
    repayment_day: int | None = strawberry.field(default=None, description="Day of month instalments fall on (1-28).")
    moratorium_months: int = strawberry.field(default=0, description="Interest-only months at the start.")
    processing_fee_bps: int = strawberry.field(default=0, description="Processing fee, bps of the principal (18% GST on top).")
    penal_rate_bps: int = strawberry.field(default=0, description="Penal charge a year on overdue instalments, bps.")
    prepayment_mode: str = strawberry.field(default="reduce-tenure", description="reduce-tenure or reduce-emi.")
    arrears_tolerance: MoneyInput | None = strawberry.field(default=None, description="Overdue amounts up to this do not count.")
    guarantors_required: int = strawberry.field(default=0, description="Guarantors needed (0-5).")
    collateral_kinds: list[str] = strawberry.field(default_factory=list, description="GOLD, DEPOSIT_LIEN, PROPERTY.")


@strawberry.type(description="The loan product created.")
class CreateLoanProductPayload:
    product: LoanProductType | None = strawberry.field(default=None, description="The product.")
    user_errors: list[UserError] = strawberry.field(default_factory=list, description="Why it was refused.")


async def create_loan_product(info: strawberry.Info[Context, None], input: CreateLoanProductInput) -> CreateLoanProductPayload:
    async def act() -> CreateLoanProductPayload:
        low, high = input.min_amount.to_money(), input.max_amount.to_money()
        try:
            method = InterestMethod(input.method)
        except ValueError:
            from bankcore.errors import DomainError, ErrorCode

            raise DomainError(ErrorCode.INVALID_INPUT, "method is reducing, flat or equal-principal", field="method") from None
        product = await create_service(spec=LoanProductSpec(
            code=input.code, name=input.name, currency=low.currency, annual_rate_bps=input.annual_rate_bps,
            min_amount_minor=low.amount_minor, max_amount_minor=high.amount_minor,
            min_tenure_months=input.min_tenure_months, max_tenure_months=input.max_tenure_months, method=method,
            repayment_day=input.repayment_day, moratorium_months=input.moratorium_months,
            processing_fee_bps=input.processing_fee_bps, penal_rate_bps=input.penal_rate_bps,
            prepayment_mode=input.prepayment_mode,
            arrears_tolerance_minor=input.arrears_tolerance.to_money().amount_minor if input.arrears_tolerance else 0,
            guarantors_required=input.guarantors_required, collateral_kinds=tuple(input.collateral_kinds),
        ))
        return CreateLoanProductPayload(product=LoanProductType.of(product))

    return await run(CreateLoanProductPayload, act)

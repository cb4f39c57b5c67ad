from __future__ import annotations

import strawberry

from bankcore.models import DepositKind
from graphql_api.context import Context
from graphql_api.deposits.mutations._common import DepositPayload, open_for_caller
from graphql_api.deposits.types import InterestPayoutEnum, MaturityInstructionEnum
from graphql_api.payments.mutations.request_step_up_code import StepUpInput
from graphql_api.types.money import MoneyInput


@strawberry.input(description="Open a fixed deposit from a savings account (or, at the counter, from cash).")
class OpenFixedDepositInput:
    from_account_number: str = strawberry.field(description="The member's savings or current account: the money comes from it and payouts go to it. A member must own it.")
    product_code: str = strawberry.field(description="A FIXED deposit product (depositProducts).")
    principal: MoneyInput = strawberry.field(description="Amount to deposit, in the product's currency, at least its minimum.")
    tenure_months: int = strawberry.field(description="Term in months, within the product's limits and rate chart.")
    payout: InterestPayoutEnum = strawberry.field(description="CUMULATIVE, MONTHLY or QUARTERLY, as the product offers.")
    maturity_instruction: MaturityInstructionEnum = strawberry.field(description="CREDIT_SAVINGS, RENEW_PRINCIPAL or RENEW_ALL.")
    idempotency_key: str = strawberry.field(description="Unique per attempt (1-100 characters): a retry returns the same deposit.")
    from_cash: bool = strawberry.field(default=False, description="Staff: the principal is paid in cash at the counter, not from the account (PAN or Form 60 above the rule 114B threshold; s.269ST daily cash limit).")
    form60: bool = strawberry.field(default=False, description="Staff, cash only: a Form 60 was received from a holder without PAN (rule 114B).")
    step_up: StepUpInput | None = strawberry.field(default=None, description="Members: the one-time code from requestStepUpCode.")


async def open_fixed_deposit(info: strawberry.Info[Context, None], input: OpenFixedDepositInput) -> DepositPayload:
    return await open_for_caller(
        info.context, kind=DepositKind.FIXED, product_code=input.product_code, amount=input.principal.to_money(),
        tenure_months=input.tenure_months, from_account_number=input.from_account_number,
        idempotency_key=input.idempotency_key, from_cash=input.from_cash, form60=input.form60, step_up=input.step_up,
        payout=input.payout, maturity_instruction=input.maturity_instruction,
    )

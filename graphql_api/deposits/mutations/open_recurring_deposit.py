from __future__ import annotations

import strawberry

from bankcore.models import DepositKind
from graphql_api.context import Context
from graphql_api.deposits.mutations._common import DepositPayload, open_for_caller
from graphql_api.payments.mutations.request_step_up_code import StepUpInput
from graphql_api.types.money import MoneyInput


@strawberry.input(description="Open a recurring deposit: the first instalment now, the rest collected monthly from savings by day-end.")
class OpenRecurringDepositInput:
    from_account_number: str = strawberry.field(description="The member's savings account: instalments come from it, the maturity value goes to it.")
    product_code: str = strawberry.field(description="A RECURRING deposit product.")
    instalment: MoneyInput = strawberry.field(description="Monthly instalment, at least the product's minimum.")
    tenure_months: int = strawberry.field(description="Number of monthly instalments (the term in months).")
    idempotency_key: str = strawberry.field(description="Unique per attempt (1-100 characters).")
    from_cash: bool = strawberry.field(default=False, description="Staff: the first instalment is paid in cash (the counter's PAN / Form 60 and s.269ST rules apply).")
    form60: bool = strawberry.field(default=False, description="Staff, cash only: a Form 60 was received from a holder without PAN (rule 114B).")
    step_up: StepUpInput | None = strawberry.field(default=None, description="Members: the one-time code from requestStepUpCode.")


async def open_recurring_deposit(info: strawberry.Info[Context, None], input: OpenRecurringDepositInput) -> DepositPayload:
    return await open_for_caller(
        info.context, kind=DepositKind.RECURRING, product_code=input.product_code, amount=input.instalment.to_money(),
        tenure_months=input.tenure_months, from_account_number=input.from_account_number,
        idempotency_key=input.idempotency_key, from_cash=input.from_cash, form60=input.form60, step_up=input.step_up,
    )

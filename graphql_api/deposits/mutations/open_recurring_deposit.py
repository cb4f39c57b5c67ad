from __future__ import annotations

import strawberry

from bankcore.deposits.service import open_deposit
from bankcore.errors import DomainError, ErrorCode
from bankcore.models import DepositKind, TermDeposit
from graphql_api.context import Context
from graphql_api.deposits.mutations._common import DepositPayload, member_id_of, member_step_up, payload
from graphql_api.mutations._base import run
from graphql_api.payments.mutations.request_step_up_code import StepUpInput
from graphql_api.types.money import MoneyInput


@strawberry.input(description="Open a recurring deposit: the first instalment now, the rest collected monthly from savings by day-end.")
class OpenRecurringDepositInput:
    from_account_number: str = strawberry.field(description="The member's savings account: instalments come from it, the maturity value goes to it.")
    product_code: str = strawberry.field(description="A RECURRING deposit product.")
    instalment: MoneyInput = strawberry.field(description="Monthly instalment, at least the product's minimum.")
    tenure_months: int = strawberry.field(description="Number of monthly instalments (the term in months).")
    idempotency_key: str = strawberry.field(description="Unique per attempt (1-100 characters).")
    from_cash: bool = strawberry.field(default=False, description="Staff: the first instalment is paid in cash.")
    step_up: StepUpInput | None = strawberry.field(default=None, description="Members: the one-time code from requestStepUpCode.")


async def open_recurring_deposit(info: strawberry.Info[Context, None], input: OpenRecurringDepositInput) -> DepositPayload:
    async def act() -> DepositPayload:
        ctx = info.context
        member_id = member_id_of(ctx)
        if member_id is not None and input.from_cash:
            raise DomainError(ErrorCode.INVALID_INPUT, "cash is paid in at the counter", field="from_cash")
        key = input.idempotency_key
        if not (await TermDeposit.exists(idempotency_key=key) if key and len(key) <= 100 else False):
            await member_step_up(ctx, input.step_up)
        opened = await open_deposit(
            kind=DepositKind.RECURRING, product_code=input.product_code, amount=input.instalment.to_money(),
            tenure_months=input.tenure_months, from_account_number=input.from_account_number, initiator=ctx.actor,
            from_cash=input.from_cash, idempotency_key=key, member_id=member_id,
        )
        return await payload(opened.deposit, replayed=opened.replayed)

    return await run(DepositPayload, act)

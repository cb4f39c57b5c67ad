from __future__ import annotations

import strawberry

from bankcore.errors import DomainError, ErrorCode
from bankcore.models import DepositKind, InterestPayout, MaturityInstruction, TermDeposit
from bankcore.deposits.service import open_deposit
from graphql_api.context import Context
from graphql_api.deposits.mutations._common import DepositPayload, member_id_of, member_step_up, payload
from graphql_api.deposits.types import InterestPayoutEnum, MaturityInstructionEnum
from graphql_api.mutations._base import run
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
    from_cash: bool = strawberry.field(default=False, description="Staff: the principal is paid in cash at the counter, not from the account.")
    step_up: StepUpInput | None = strawberry.field(default=None, description="Members: the one-time code from requestStepUpCode.")


async def open_fixed_deposit(info: strawberry.Info[Context, None], input: OpenFixedDepositInput) -> DepositPayload:
    async def act() -> DepositPayload:
        ctx = info.context
        member_id = member_id_of(ctx)
        if member_id is not None and input.from_cash:
            raise DomainError(ErrorCode.INVALID_INPUT, "cash is paid in at the counter", field="from_cash")
        key = input.idempotency_key
        if not (await TermDeposit.exists(idempotency_key=key) if key and len(key) <= 100 else False):
            await member_step_up(ctx, input.step_up)
        opened = await open_deposit(
            kind=DepositKind.FIXED, product_code=input.product_code, amount=input.principal.to_money(),
            tenure_months=input.tenure_months, from_account_number=input.from_account_number, initiator=ctx.actor,
            payout=InterestPayout(input.payout.value if hasattr(input.payout, "value") else input.payout),
            maturity_instruction=MaturityInstruction(input.maturity_instruction.value if hasattr(input.maturity_instruction, "value") else input.maturity_instruction),
            from_cash=input.from_cash, idempotency_key=key, member_id=member_id,
        )
        return await payload(opened.deposit, replayed=opened.replayed)

    return await run(DepositPayload, act)

from __future__ import annotations

import strawberry

from bankcore.chart import CASH
from bankcore.loans.repayment import repay_loan as repay_service
from bankcore.services._lookup import gl_account_id
from graphql_api.context import Context
from graphql_api.loans.access import visible_loan
from graphql_api.loans.mutations._payloads import LoanRepaymentPayload, paying_account, repayment_payload
from graphql_api.loans.types import PrepaymentModeEnum
from graphql_api.mutations._base import run
from graphql_api.types.money import MoneyInput


@strawberry.input(description="A payment beyond what is due: dues first, the rest reduces the tenure or the EMI.")
class PrepayLoanInput:
    loan_number: str = strawberry.field(description="The loan.")
    amount: MoneyInput = strawberry.field(description="Amount paid.")
    idempotency_key: str = strawberry.field(description="Unique per attempt (1-100 characters).")
    mode: PrepaymentModeEnum | None = strawberry.field(default=None, description="Default: the product's rule.")  # type: ignore[valid-type]
    from_account_number: str | None = strawberry.field(default=None, description="Account to pay from; staff may leave it out for cash.")


async def prepay_loan(info: strawberry.Info[Context, None], input: PrepayLoanInput) -> LoanRepaymentPayload:
    ctx = info.context

    async def act() -> LoanRepaymentPayload:
        loan = await visible_loan(ctx, input.loan_number)
        source = await paying_account(ctx, input.from_account_number)
        mode = input.mode.value if input.mode is not None and hasattr(input.mode, "value") else input.mode
        result = await repay_service(
            loan_number=input.loan_number, amount=input.amount.to_money(), initiator=ctx.actor,
            idempotency_key=input.idempotency_key, from_account_number=source,
            debit_ledger_account_id=None if source else await gl_account_id(CASH, loan.currency), prepayment_mode=mode,
        )
        return await repayment_payload(result)

    return await run(LoanRepaymentPayload, act)

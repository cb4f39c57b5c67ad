from __future__ import annotations

import strawberry

from bankcore.chart import CASH
from bankcore.loans.repayment import repay_loan as repay_service
from bankcore.services._lookup import gl_account_id
from graphql_api.context import Context
from graphql_api.loans.access import visible_loan
from graphql_api.loans.mutations._payloads import LoanRepaymentPayload, paying_account, repayment_payload
from graphql_api.mutations._base import run
from graphql_api.types.money import MoneyInput


@strawberry.input(description="A payment to a loan: from a savings account (Pay EMI), or cash at the counter (no account).")
class RepayLoanInput:
    loan_number: str = strawberry.field(description="The loan.")
    amount: MoneyInput = strawberry.field(description="Amount paid.")
    idempotency_key: str = strawberry.field(description="Unique per attempt (1-100 characters); retry with the same key.")
    from_account_number: str | None = strawberry.field(default=None, description="Account to pay from; staff may leave it out for cash.")


async def repay_loan(info: strawberry.Info[Context, None], input: RepayLoanInput) -> LoanRepaymentPayload:
    """Allocated charges, interest, principal, oldest first; an excess is a prepayment by the product's rule."""
    ctx = info.context

    async def act() -> LoanRepaymentPayload:
        loan = await visible_loan(ctx, input.loan_number)
        source = await paying_account(ctx, input.from_account_number)
        amount = input.amount.to_money()
        result = await repay_service(
            loan_number=input.loan_number, amount=amount, initiator=ctx.actor, idempotency_key=input.idempotency_key,
            from_account_number=source,
            debit_ledger_account_id=None if source else await gl_account_id(CASH, loan.currency),
        )
        return await repayment_payload(result)

    return await run(LoanRepaymentPayload, act)

from __future__ import annotations

import strawberry

from bankcore.chart import CASH
from bankcore.loans.repayment import close_loan as close_service
from bankcore.services._lookup import gl_account_id
from graphql_api.context import Context
from graphql_api.loans.access import visible_loan
from graphql_api.loans.mutations._payloads import LoanRepaymentPayload, paying_account, repayment_payload
from graphql_api.mutations._base import run


async def close_loan(info: strawberry.Info[Context, None], loan_number: str, idempotency_key: str,
                     from_account_number: str | None = None) -> LoanRepaymentPayload:
    """Foreclosure: pays today's foreclosure quote and closes the loan."""
    ctx = info.context

    async def act() -> LoanRepaymentPayload:
        loan = await visible_loan(ctx, loan_number)
        source = await paying_account(ctx, from_account_number)
        result = await close_service(loan_number=loan_number, initiator=ctx.actor, idempotency_key=idempotency_key,
                                     from_account_number=source,
                                     debit_ledger_account_id=None if source else await gl_account_id(CASH, loan.currency))
        return await repayment_payload(result)

    return await run(LoanRepaymentPayload, act)

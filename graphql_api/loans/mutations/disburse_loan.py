from __future__ import annotations

import strawberry

from bankcore.loans.lifecycle import disburse_loan as disburse_service
from graphql_api.context import Context
from graphql_api.loans.mutations._payloads import LoanPayload, loan_payload
from graphql_api.mutations._base import run


async def disburse_loan(info: strawberry.Info[Context, None], loan_number: str) -> LoanPayload:
    """Idempotent by the loan itself: a loan is disbursed once (a repeat returns it)."""
    async def act() -> LoanPayload:
        loan, _ = await disburse_service(loan_number=loan_number, initiator=info.context.actor)
        return await loan_payload(loan)

    return await run(LoanPayload, act)

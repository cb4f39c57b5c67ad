from __future__ import annotations

import strawberry

from bankcore.loans.lifecycle import reject_loan as reject_service
from graphql_api.context import Context
from graphql_api.loans.mutations._payloads import LoanPayload, loan_payload
from graphql_api.mutations._base import run


async def reject_loan(info: strawberry.Info[Context, None], loan_number: str, reason: str) -> LoanPayload:
    async def act() -> LoanPayload:
        return await loan_payload(await reject_service(loan_number=loan_number, rejected_by=info.context.actor, reason=reason))

    return await run(LoanPayload, act)

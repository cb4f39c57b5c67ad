from __future__ import annotations

import strawberry

from bankcore.loans.lifecycle import recommend_loan as recommend_service
from graphql_api.context import Context
from graphql_api.loans.mutations._payloads import LoanPayload, loan_payload
from graphql_api.mutations._base import run


async def recommend_loan(info: strawberry.Info[Context, None], loan_number: str, note: str | None = None) -> LoanPayload:
    async def act() -> LoanPayload:
        return await loan_payload(await recommend_service(loan_number=loan_number, recommended_by=info.context.actor, note=note))

    return await run(LoanPayload, act)

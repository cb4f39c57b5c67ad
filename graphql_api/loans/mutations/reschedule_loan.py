from __future__ import annotations

import strawberry

from bankcore.loans.writeoff import reschedule_loan as reschedule_service
from graphql_api.context import Context
from graphql_api.loans.mutations._payloads import LoanPayload, loan_payload
from graphql_api.mutations._base import run


async def reschedule_loan(info: strawberry.Info[Context, None], loan_number: str, from_instalment: int,
                          annual_rate_bps: int | None = None, remaining_months: int | None = None) -> LoanPayload:
    async def act() -> LoanPayload:
        return await loan_payload(await reschedule_service(
            loan_number=loan_number, from_number=from_instalment, actor=info.context.actor,
            annual_rate_bps=annual_rate_bps, remaining_months=remaining_months))

    return await run(LoanPayload, act)

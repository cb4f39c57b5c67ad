from __future__ import annotations

from datetime import date

import strawberry

from bankcore.loans.lifecycle import sanction_loan as sanction_service
from graphql_api.context import Context
from graphql_api.loans.mutations._payloads import LoanPayload, loan_payload
from graphql_api.mutations._base import run


async def sanction_loan(info: strawberry.Info[Context, None], loan_number: str,
                        disbursal_date: date | None = None) -> LoanPayload:
    async def act() -> LoanPayload:
        return await loan_payload(await sanction_service(loan_number=loan_number, approver=info.context.actor,
                                                         disbursal_date=disbursal_date))

    return await run(LoanPayload, act)

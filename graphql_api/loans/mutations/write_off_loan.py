from __future__ import annotations

import strawberry

from bankcore.loans.writeoff import write_off_loan as write_off_service
from graphql_api.context import Context, Role
from graphql_api.loans.mutations._payloads import LoanPayload, loan_payload
from graphql_api.mutations._base import run


async def write_off_loan(info: strawberry.Info[Context, None], loan_number: str, reason: str) -> LoanPayload:
    """A manager proposes; an admin (another person) approves and the write-off is posted."""
    async def act() -> LoanPayload:
        loan, _ = await write_off_service(loan_number=loan_number, actor=info.context.actor, reason=reason,
                                          approving=info.context.role == Role.ADMIN)
        return await loan_payload(loan)

    return await run(LoanPayload, act)

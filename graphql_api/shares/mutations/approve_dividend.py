from __future__ import annotations

import strawberry

from bankcore.errors import DomainError, ErrorCode
from bankcore.shares.dividend import approve_dividend as approve_dividend_service
from bankcore.shares.dividend import reject_dividend as reject_dividend_service
from graphql_api.context import Context
from graphql_api.mutations._base import run
from graphql_api.shares.mutations.propose_dividend import DividendPayload
from graphql_api.shares.types import DividendType


@strawberry.input(description="Approve (checker) a proposed dividend and credit it, or reject it.")
class ApproveDividendInput:
    dividend_id: strawberry.ID = strawberry.field(description="The proposed dividend.")
    idempotency_key: str = strawberry.field(description="Unique per attempt (1-100 characters); approving twice pays once whatever the key.")
    reject: bool = strawberry.field(default=False, description="True rejects it instead (a new rate may then be proposed).")


async def approve_dividend(info: strawberry.Info[Context, None], input: ApproveDividendInput) -> DividendPayload:
    async def act() -> DividendPayload:
        if not str(input.dividend_id).isdigit():
            raise DomainError(ErrorCode.NOT_FOUND, "no such dividend", field="dividend_id")
        if not (1 <= len(input.idempotency_key) <= 100 and input.idempotency_key.isprintable()):
            raise DomainError(ErrorCode.INVALID_INPUT, "idempotency key must be 1-100 printable characters", field="idempotency_key")
        service = reject_dividend_service if input.reject else approve_dividend_service
        kwargs = {"checker": info.context.actor} if input.reject else {"approver": info.context.actor}
        declaration = await service(declaration_id=int(input.dividend_id), **kwargs)
        return DividendPayload(dividend=DividendType.of(declaration))

    return await run(DividendPayload, act)

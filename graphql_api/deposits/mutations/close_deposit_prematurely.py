from __future__ import annotations

import strawberry

from bankcore.deposits.closing import close_prematurely
from bankcore.deposits.service import get_deposit
from bankcore.errors import DomainError, ErrorCode
from bankcore.models import DepositStatus
from graphql_api.context import Context
from graphql_api.deposits.mutations._common import DepositPayload, member_id_of, payload
from graphql_api.mutations._base import run


@strawberry.input(description="Close a deposit before maturity: paid into savings at the rate for the period run, less the penalty.")
class CloseDepositPrematurelyInput:
    deposit_number: str = strawberry.field(description="The deposit; a member's own.")
    idempotency_key: str = strawberry.field(description="Unique per attempt: a retry after the closure returns the closed deposit.")


async def close_deposit_prematurely(info: strawberry.Info[Context, None], input: CloseDepositPrematurelyInput) -> DepositPayload:
    async def act() -> DepositPayload:
        member_id = member_id_of(info.context)
        deposit = await get_deposit(input.deposit_number)
        if member_id is not None and deposit.member_id != member_id:
            raise DomainError(ErrorCode.NOT_FOUND, f"no deposit {deposit.number}", field="deposit_number")
        if deposit.status == DepositStatus.CLOSED_PREMATURELY:  # a retry of a closure already done
            return await payload(deposit, replayed=True)
        closed = await close_prematurely(deposit_number=deposit.number, initiator=info.context.actor, member_id=member_id)
        return await payload(closed.deposit)

    return await run(DepositPayload, act)

from __future__ import annotations

import strawberry

from bankcore.shares.register import redeem_shares as redeem_shares_service
from graphql_api.context import Context
from graphql_api.mutations._base import run
from graphql_api.shares.mutations.purchase_shares import ShareOperationPayload, operation_payload


@strawberry.input(description="Redeem shares at their paid-up value (on leaving; never below the minimum while the member has a loan).")
class RedeemSharesInput:
    member_number: str = strawberry.field(description="The member redeeming.")
    shares: int = strawberry.field(description="Number of shares (1-1,000,000).")
    idempotency_key: str = strawberry.field(description="Unique per attempt (1-90 characters).")
    to_account_number: str | None = strawberry.field(default=None, description="The member's account credited; leave out to pay in cash.")


async def redeem_shares(info: strawberry.Info[Context, None], input: RedeemSharesInput) -> ShareOperationPayload:
    async def act() -> ShareOperationPayload:
        op = await redeem_shares_service(member_number=input.member_number, shares=input.shares, initiator=info.context.actor,
                                         idempotency_key=input.idempotency_key, to_account_number=input.to_account_number)
        return await operation_payload(op)

    return await run(ShareOperationPayload, act)

from __future__ import annotations

import strawberry

from bankcore.shares.register import transfer_shares as transfer_shares_service
from graphql_api.context import Context
from graphql_api.mutations._base import run
from graphql_api.shares.mutations.purchase_shares import ShareOperationPayload, operation_payload


@strawberry.input(description="Transfer shares from one member to another who is already a shareholder (no money moves in the books).")
class TransferSharesInput:
    from_member_number: str = strawberry.field(description="The member giving the shares.")
    to_member_number: str = strawberry.field(description="The member receiving them (a shareholder).")
    shares: int = strawberry.field(description="Number of shares (1-1,000,000).")
    idempotency_key: str = strawberry.field(description="Unique per attempt (1-90 characters).")


async def transfer_shares(info: strawberry.Info[Context, None], input: TransferSharesInput) -> ShareOperationPayload:
    async def act() -> ShareOperationPayload:
        op = await transfer_shares_service(from_member_number=input.from_member_number, to_member_number=input.to_member_number,
                                           shares=input.shares, initiator=info.context.actor,
                                           idempotency_key=input.idempotency_key)
        return await operation_payload(op)

    return await run(ShareOperationPayload, act)

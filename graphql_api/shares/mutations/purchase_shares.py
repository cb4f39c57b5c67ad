from __future__ import annotations

import strawberry

from bankcore.errors import DomainError, ErrorCode
from bankcore.models import Member
from bankcore.shares.register import ShareOperation, holding
from bankcore.shares.register import purchase_shares as purchase_shares_service
from graphql_api.context import Context
from graphql_api.errors import UserError
from graphql_api.mutations._base import run
from graphql_api.shares.types import ShareCertificateType, ShareTransactionType


@strawberry.input(description="Buy shares: a member's first purchase is at least the minimum and pays the admission fee.")
class PurchaseSharesInput:
    shares: int = strawberry.field(description="Number of shares (1-1,000,000).")
    idempotency_key: str = strawberry.field(description="Unique per attempt (1-90 characters); a retry with the same key and input returns the original.")
    member_number: str | None = strawberry.field(default=None, description="Staff: the member buying. Members buy for themselves.")
    from_account_number: str | None = strawberry.field(default=None, description="The member's account paying; staff may leave it out for cash at the counter. Required for members.")


@strawberry.type(description="The shares bought, transferred or redeemed.")
class ShareOperationPayload:
    transaction: ShareTransactionType | None = strawberry.field(default=None, description="The share transaction.")
    certificates: list[ShareCertificateType] = strawberry.field(default_factory=list, description="Certificates issued by it (to the receiver, and any balance certificate).")
    holding: int | None = strawberry.field(default=None, description="Shares the member (the giver, for a transfer) holds afterwards.")
    replayed: bool = strawberry.field(default=False, description="True when this answers an earlier request with the same key.")
    user_errors: list[UserError] = strawberry.field(default_factory=list, description="Why it was refused.")


async def operation_payload(op: ShareOperation) -> ShareOperationPayload:
    members = {m.id: m.member_number for m in await Member.filter(id__in={c.member_id for c in op.certificates})}
    return ShareOperationPayload(
        transaction=ShareTransactionType.of(op.transaction),
        certificates=[ShareCertificateType.of(c, members[c.member_id]) for c in op.certificates],
        holding=await holding(op.transaction.member_id), replayed=op.replayed,
    )


async def acting_member_number(ctx: Context, member_number: str | None, field: str = "member_number") -> str:
    """The caller's own member number (members), or the one staff named."""
    if not ctx.is_staff:
        member_id = ctx.principal.member_id if ctx.principal is not None else None
        member = await Member.get_or_none(id=member_id) if member_id else None
        if member is None or (member_number and "".join(member_number.split()) != member.member_number):
            raise DomainError(ErrorCode.NOT_FOUND, "no such member", field=field)
        return member.member_number
    if not member_number:
        raise DomainError(ErrorCode.INVALID_INPUT, "name the member", field=field)
    return member_number


async def purchase_shares(info: strawberry.Info[Context, None], input: PurchaseSharesInput) -> ShareOperationPayload:
    async def act() -> ShareOperationPayload:
        member_number = await acting_member_number(info.context, input.member_number)
        if not info.context.is_staff and not input.from_account_number:
            raise DomainError(ErrorCode.INVALID_INPUT, "name the account to pay from", field="from_account_number")
        op = await purchase_shares_service(member_number=member_number, shares=input.shares, initiator=info.context.actor,
                                           idempotency_key=input.idempotency_key, from_account_number=input.from_account_number)
        return await operation_payload(op)

    return await run(ShareOperationPayload, act)

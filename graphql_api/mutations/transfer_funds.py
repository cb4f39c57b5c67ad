from __future__ import annotations

import strawberry

from bankcore.errors import DomainError, ErrorCode
from bankcore.models import Account
from bankcore.services.money_movement import transfer_funds as transfer_funds_service
from bankcore.transfers.member import member_transfer
from graphql_api.context import Context
from graphql_api.mutations._base import run
from graphql_api.mutations._money import MoneyMovementPayload, movement_payload
from graphql_api.mutations.deposit_cash import posted_account
from graphql_api.scope import can_see_account
from graphql_api.types.money import MoneyInput


@strawberry.input(description="Move money between two accounts of the bank.")
class TransferFundsInput:
    from_account_number: str = strawberry.field(description="Paying account; a member or partner must hold it.")
    to_account_number: str = strawberry.field(description="Receiving account, any account of the bank by number.")
    amount: MoneyInput = strawberry.field(description="Positive amount in the accounts' currency.")
    idempotency_key: str = strawberry.field(description="Unique per attempt (1-100 characters); retry with the same key after a timeout.")
    narration: str | None = strawberry.field(default=None, description="Optional remark (up to 200 characters), added to the narration both statements show (`Transfer <from> to <to>: <remark>`), never replacing it.")


async def transfer_funds(info: strawberry.Info[Context, None], input: TransferFundsInput) -> MoneyMovementPayload:
    async def act() -> MoneyMovementPayload:
        payer = posted_account(input.from_account_number)
        account = None if info.context.is_staff else await Account.get_or_none(number=payer[:20]).only("id")
        if account is not None and not await can_see_account(info.context, account.id):
            # Word for word what the service says of an unknown account: no IDOR oracle.
            raise DomainError(ErrorCode.NOT_FOUND, f"no account {payer}", field="from_account_number")
        principal = info.context.principal
        if principal is not None and principal.kind == "member" and principal.member_id is not None:
            # a member's own transfer: the daily and new-payee limits apply
            posted = await member_transfer(
                member_id=principal.member_id, actor=info.context.actor,
                from_account_number=input.from_account_number, to_account_number=input.to_account_number,
                amount=input.amount.to_money(), remark=input.narration, idempotency_key=input.idempotency_key,
            )
        else:
            posted = await transfer_funds_service(
                from_account_number=input.from_account_number,
                to_account_number=input.to_account_number,
                amount=input.amount.to_money(),
                initiator=info.context.actor,
                narration=input.narration,
                idempotency_key=input.idempotency_key,
            )
        return await movement_payload(posted, payer)

    return await run(MoneyMovementPayload, act)

from __future__ import annotations

import strawberry

from bankcore.services.money_movement import deposit_cash as deposit_cash_service
from graphql_api.context import Context
from graphql_api.mutations._base import run
from graphql_api.mutations._money import MoneyMovementPayload, movement_payload
from graphql_api.types.money import MoneyInput


@strawberry.input(description="Cash paid in at the counter.")
class DepositCashInput:
    account_number: str = strawberry.field(description="12-digit account number.")
    amount: MoneyInput = strawberry.field(description="Positive amount in the account's currency.")
    idempotency_key: str = strawberry.field(description="Unique per attempt (1-100 characters); a retry with the same key and input returns the original entry.")
    narration: str | None = strawberry.field(default=None, description="Optional description (up to 255 characters).")
    form60: bool = strawberry.field(default=False, description="The depositor has no PAN and signed a Form 60 declaration (needed above cash.pan_required_above_minor, rule 114B).")


async def deposit_cash(info: strawberry.Info[Context, None], input: DepositCashInput) -> MoneyMovementPayload:
    async def act() -> MoneyMovementPayload:
        posted = await deposit_cash_service(
            account_number=input.account_number,
            amount=input.amount.to_money(),
            initiator=info.context.actor,
            narration=input.narration,
            idempotency_key=input.idempotency_key,
            form60=input.form60,
        )
        return await movement_payload(posted, posted_account(input.account_number))

    return await run(MoneyMovementPayload, act)


def posted_account(number: str) -> str:
    return number.replace(" ", "").replace("-", "")

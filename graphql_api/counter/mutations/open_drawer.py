from __future__ import annotations

import strawberry

from bankcore.counter.drawer import current_drawer, open_drawer as open_drawer_service
from graphql_api.context import Context
from graphql_api.counter.types import TellerDrawerType
from graphql_api.errors import UserError
from graphql_api.mutations._base import run
from graphql_api.types.money import MoneyInput


@strawberry.input(description="Open the caller's cash drawer for the business date.")
class OpenDrawerInput:
    opening_cash: MoneyInput = strawberry.field(description="Cash counted into the drawer, the float (zero or more).")


@strawberry.type(description="The opened drawer.")
class OpenDrawerPayload:
    drawer: TellerDrawerType | None = strawberry.field(default=None, description="The drawer, open.")
    user_errors: list[UserError] = strawberry.field(default_factory=list, description="Why it was refused.")


async def open_drawer(info: strawberry.Info[Context, None], input: OpenDrawerInput) -> OpenDrawerPayload:
    async def act() -> OpenDrawerPayload:
        amount = input.opening_cash.to_money()
        await open_drawer_service(teller=info.context.actor, opening_float_minor=amount.amount_minor,
                                  currency=amount.currency)
        view = await current_drawer(teller=info.context.actor, currency=amount.currency)
        return OpenDrawerPayload(drawer=TellerDrawerType.of(view) if view else None)

    return await run(OpenDrawerPayload, act)

from __future__ import annotations

import strawberry

from bankcore.counter.drawer import close_drawer as close_drawer_service
from graphql_api.context import Context
from graphql_api.counter.types import DenominationCountInput, TellerDrawerType
from graphql_api.errors import UserError
from graphql_api.mutations._base import run


@strawberry.input(description="Close the caller's open drawer with a count by denomination.")
class CloseDrawerInput:
    count: list[DenominationCountInput] = strawberry.field(description="Pieces of each denomination in the drawer.")
    note: str | None = strawberry.field(default=None, description="Optional note, e.g. why there is a difference.")


@strawberry.type(description="The closed drawer with its difference.")
class CloseDrawerPayload:
    drawer: TellerDrawerType | None = strawberry.field(default=None, description="The drawer, closed.")
    user_errors: list[UserError] = strawberry.field(default_factory=list, description="Why it was refused.")


async def close_drawer(info: strawberry.Info[Context, None], input: CloseDrawerInput) -> CloseDrawerPayload:
    async def act() -> CloseDrawerPayload:
        count: dict[str, int] = {}
        for c in input.count[:20]:
            count[str(c.value)] = count.get(str(c.value), 0) + c.pieces
        view = await close_drawer_service(teller=info.context.actor, count=count, note=input.note)
        return CloseDrawerPayload(drawer=TellerDrawerType.of(view))

    return await run(CloseDrawerPayload, act)

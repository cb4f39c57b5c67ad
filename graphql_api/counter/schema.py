"""Root fields of the counter domain: ``CounterQuery``, ``CounterMutation``."""

from __future__ import annotations

from datetime import date

import strawberry

from bankcore.counter.drawer import branch_drawers, current_drawer
from bankcore.models import StaffUser
from graphql_api.context import Context
from graphql_api.counter.mutations.close_drawer import close_drawer
from graphql_api.counter.mutations.open_drawer import open_drawer
from graphql_api.counter.types import TellerDrawerType
from graphql_api.policy import RootFieldPolicy

GUARD = [RootFieldPolicy]


@strawberry.type
class CounterQuery:
    @strawberry.field(description="The caller's cash drawer of the business date (open or closed); null before it is opened.",
                      permission_classes=GUARD)
    async def my_drawer(self, info: strawberry.Info[Context, None]) -> TellerDrawerType | None:
        view = await current_drawer(teller=info.context.actor)
        return TellerDrawerType.of(view) if view else None

    @strawberry.field(description="Every teller's drawer of the caller's branch (all branches for head-office staff) "
                                  "on a business date (default: today's).", permission_classes=GUARD)
    async def branch_drawers(self, info: strawberry.Info[Context, None], date: date | None = None) -> list[TellerDrawerType]:
        principal = info.context.principal
        staff = await StaffUser.get_or_none(id=principal.id) if principal is not None else None
        branch_id = staff.branch_id if staff is not None else None
        return [TellerDrawerType.of(v) for v in await branch_drawers(branch_id=branch_id, on=date)]


@strawberry.type
class CounterMutation:
    open_drawer = strawberry.mutation(resolver=open_drawer, permission_classes=GUARD,
                                      description="Cashier: open your cash drawer for the business date with a counted float.")
    close_drawer = strawberry.mutation(resolver=close_drawer, permission_classes=GUARD,
                                       description="Cashier: close your drawer with a denomination count; the difference is recorded.")

from __future__ import annotations

import strawberry

from bankcore.notifications.inbox import mark_read, unread_count
from graphql_api.context import Context
from graphql_api.errors import UserError
from graphql_api.mutations._base import run
from graphql_api.notifications.access import inbox_owner


@strawberry.type(description="How many notifications were marked read, and how many are left unread.")
class MarkNotificationsReadPayload:
    count: int = strawberry.field(default=0, description="Notifications marked read now.")
    unread_count: int = strawberry.field(default=0, description="Unread notifications left.")
    user_errors: list[UserError] = strawberry.field(default_factory=list, description="Why it was refused.")


async def mark_notifications_read(info: strawberry.Info[Context, None],
                                  ids: list[strawberry.ID] | None = None) -> MarkNotificationsReadPayload:
    async def act() -> MarkNotificationsReadPayload:
        me = inbox_owner(info.context)
        wanted = None if ids is None else [int(i) for i in ids if str(i).isdigit()]
        count = await mark_read(me, ids=wanted)
        return MarkNotificationsReadPayload(count=count, unread_count=await unread_count(me))

    return await run(MarkNotificationsReadPayload, act)

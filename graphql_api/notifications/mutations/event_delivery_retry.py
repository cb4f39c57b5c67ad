from __future__ import annotations

import strawberry

from bankcore.errors import DomainError, ErrorCode
from bankcore.models import WebhookDelivery
from bankcore.webhooks.delivery import replay_delivery
from graphql_api.context import Context
from graphql_api.errors import UserError
from graphql_api.mutations._base import run
from graphql_api.notifications.access import visible_webhook
from graphql_api.notifications.types import WebhookDeliveryType


@strawberry.type(description="The delivery, due again now.")
class EventDeliveryRetryPayload:
    delivery: WebhookDeliveryType | None = strawberry.field(default=None, description="The delivery.")
    user_errors: list[UserError] = strawberry.field(default_factory=list, description="Why it was refused.")


async def event_delivery_retry(info: strawberry.Info[Context, None], id: strawberry.ID) -> EventDeliveryRetryPayload:
    async def act() -> EventDeliveryRetryPayload:
        delivery = await WebhookDelivery.get_or_none(id=int(id)) if str(id).isdigit() else None
        if delivery is None:
            raise DomainError(ErrorCode.NOT_FOUND, "no such webhook delivery", field="id")
        await visible_webhook(info.context, str(delivery.subscription_id))
        return EventDeliveryRetryPayload(delivery=WebhookDeliveryType.of(await replay_delivery(delivery_id=delivery.id)))

    return await run(EventDeliveryRetryPayload, act)

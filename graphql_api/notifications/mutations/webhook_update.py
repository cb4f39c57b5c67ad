from __future__ import annotations

import strawberry

from bankcore.models import ApiClient
from bankcore.webhooks.subscriptions import delete_subscription, set_subscription_active
from graphql_api.context import Context
from graphql_api.errors import UserError
from graphql_api.mutations._base import run
from graphql_api.notifications.access import visible_webhook
from graphql_api.notifications.types import WebhookType


@strawberry.type(description="The webhook after the change.")
class WebhookUpdatePayload:
    webhook: WebhookType | None = strawberry.field(default=None, description="The webhook.")
    user_errors: list[UserError] = strawberry.field(default_factory=list, description="Why it was refused.")


@strawberry.type(description="Whether the webhook was deleted.")
class WebhookDeletePayload:
    deleted: bool = strawberry.field(default=False, description="True when it was deleted with its delivery log.")
    user_errors: list[UserError] = strawberry.field(default_factory=list, description="Why it was refused.")


async def webhook_update(info: strawberry.Info[Context, None], id: strawberry.ID, is_active: bool) -> WebhookUpdatePayload:
    async def act() -> WebhookUpdatePayload:
        sub = await visible_webhook(info.context, id)
        sub = await set_subscription_active(subscription_id=sub.id, active=is_active, actor=info.context.actor)
        client = await ApiClient.get(id=sub.api_client_id)
        return WebhookUpdatePayload(webhook=WebhookType.of(sub, client.client_id))

    return await run(WebhookUpdatePayload, act)


async def webhook_delete(info: strawberry.Info[Context, None], id: strawberry.ID) -> WebhookDeletePayload:
    async def act() -> WebhookDeletePayload:
        sub = await visible_webhook(info.context, id)
        await delete_subscription(subscription_id=sub.id, actor=info.context.actor)
        return WebhookDeletePayload(deleted=True)

    return await run(WebhookDeletePayload, act)

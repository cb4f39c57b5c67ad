from __future__ import annotations

import strawberry

from bankcore.webhooks.subscriptions import create_subscription
from graphql_api.context import Context
from graphql_api.errors import UserError
from graphql_api.mutations._base import run
from graphql_api.notifications.access import own_client
from graphql_api.notifications.types import WebhookType
from graphql_api.notifications.webhook_payloads import event_types_of


@strawberry.input(description="A webhook: where to send, and the subscription document that defines the payload and events.")
class WebhookCreateInput:
    name: str = strawberry.field(description="A label (1-100 characters).")
    target_url: str = strawberry.field(description="An https URL outside the bank's network.")
    query: str = strawberry.field(
        description="subscription { event { ... on EntryPosted { entry { entryId } } } }: the event types are its fragments.")
    api_client: str | None = strawberry.field(default=None,
                                              description="Client id of the partner application (admins; partners: their own).")
    secret_key: str | None = strawberry.field(default=None,
                                              description="Signing secret (16-100 characters); generated when omitted.")


@strawberry.type(description="The new webhook and its signing secret (shown this once).")
class WebhookCreatePayload:
    webhook: WebhookType | None = strawberry.field(default=None, description="The webhook.")
    secret_key: str | None = strawberry.field(default=None, description="HMAC-SHA256 signing secret; store it now.")
    user_errors: list[UserError] = strawberry.field(default_factory=list, description="Why it was refused.")


async def webhook_create(info: strawberry.Info[Context, None], input: WebhookCreateInput) -> WebhookCreatePayload:
    async def act() -> WebhookCreatePayload:
        client_id = await own_client(info.context, input.api_client)
        types = event_types_of(input.query)
        sub = await create_subscription(client_id=client_id, name=input.name, target_url=input.target_url,
                                        query=input.query, event_types=types, actor=info.context.actor,
                                        secret=input.secret_key)
        return WebhookCreatePayload(webhook=WebhookType.of(sub, client_id), secret_key=sub.secret)

    return await run(WebhookCreatePayload, act)

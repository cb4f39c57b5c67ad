"""Root fields of the notifications domain: the inbox, preferences, partners' webhooks,
the live unread count and the webhook ``event`` subscription."""

from __future__ import annotations

from collections.abc import AsyncGenerator

import strawberry

from bankcore.errors import DomainError, ErrorCode
from bankcore.events import InboxChanged, SessionRevoked, broker
from bankcore.models import ApiClient, WebhookDelivery, WebhookSubscription
from bankcore.notifications.inbox import inbox, preferences, unread_count
from graphql_api.context import Context, Role
from graphql_api.notifications.access import inbox_owner, visible_webhook
from graphql_api.notifications.mutations.event_delivery_retry import event_delivery_retry
from graphql_api.notifications.mutations.mark_notifications_read import mark_notifications_read
from graphql_api.notifications.mutations.set_notification_preferences import set_notification_preferences
from graphql_api.notifications.mutations.webhook_create import webhook_create
from graphql_api.notifications.mutations.webhook_update import webhook_delete, webhook_update
from graphql_api.notifications.types import (
    InboxCount,
    NotificationPreferencesType,
    NotificationType,
    WebhookDeliveryType,
    WebhookEvent,
    WebhookType,
)
from graphql_api.policy import RootFieldPolicy

GUARD = [RootFieldPolicy]


@strawberry.type
class NotificationsQuery:
    @strawberry.field(description="The caller's inbox (members and staff), newest first: at most `first` (1-100) "
                                  "before the notification `before`.", permission_classes=GUARD)
    async def notifications(self, info: strawberry.Info[Context, None], first: int = 20, before: strawberry.ID | None = None,
                            unread_only: bool = False) -> list[NotificationType]:
        before_id = int(before) if before is not None and str(before).isdigit() else None
        items = await inbox(inbox_owner(info.context), first=first, before_id=before_id, unread_only=unread_only)
        return [NotificationType.of(i) for i in items]

    @strawberry.field(description="How many of the caller's notifications are unread (the bell).", permission_classes=GUARD)
    async def unread_notification_count(self, info: strawberry.Info[Context, None]) -> int:
        return await unread_count(inbox_owner(info.context))

    @strawberry.field(description="The signed-in member's notification choices.", permission_classes=GUARD)
    async def notification_preferences(self, info: strawberry.Info[Context, None]) -> NotificationPreferencesType:
        return NotificationPreferencesType.of(await preferences(member_id=inbox_owner(info.context).id))

    @strawberry.field(description="Partners' webhooks: all (admin, auditor; or one client's with `apiClient`), "
                                  "or the calling partner's own.", permission_classes=GUARD)
    async def webhooks(self, info: strawberry.Info[Context, None], api_client: str | None = None) -> list[WebhookType]:
        query = WebhookSubscription.all()
        if info.context.role is Role.PARTNER:
            query = query.filter(api_client_id=info.context.principal.id)
        elif api_client:
            query = query.filter(api_client__client_id=api_client)
        subs = await query.order_by("id").limit(200)
        clients = {c.id: c.client_id for c in await ApiClient.filter(id__in={s.api_client_id for s in subs})}
        return [WebhookType.of(s, clients.get(s.api_client_id, "")) for s in subs]

    @strawberry.field(description="A webhook's deliveries, newest first (1-100), each with its attempts (the delivery log).",
                      permission_classes=GUARD)
    async def webhook_deliveries(self, info: strawberry.Info[Context, None], webhook_id: strawberry.ID, first: int = 20,
                                 status: str | None = None) -> list[WebhookDeliveryType]:
        try:
            sub = await visible_webhook(info.context, webhook_id)
        except DomainError:
            return []
        query = WebhookDelivery.filter(subscription_id=sub.id)
        if status in ("pending", "success", "failed"):
            query = query.filter(status=status)
        return [WebhookDeliveryType.of(d) for d in await query.order_by("-id").limit(max(1, min(first, 100)))]


@strawberry.type
class NotificationsMutation:
    mark_notifications_read = strawberry.mutation(resolver=mark_notifications_read, permission_classes=GUARD,
                                                  description="Mark the caller's notifications `ids` read (all when omitted).")
    set_notification_preferences = strawberry.mutation(
        resolver=set_notification_preferences, permission_classes=GUARD,
        description="Members: language, channels and credit-alert threshold. Debit alerts cannot be turned off.")
    webhook_create = strawberry.mutation(
        resolver=webhook_create, permission_classes=GUARD,
        description="Subscribe a partner application to events; the payload is the given subscription document "
                    "(Saleor's pattern). Deliveries are signed with HMAC-SHA256 over timestamp.body.")
    webhook_update = strawberry.mutation(resolver=webhook_update, permission_classes=GUARD,
                                         description="Enable (clearing its failure record) or disable a webhook.")
    webhook_delete = strawberry.mutation(resolver=webhook_delete, permission_classes=GUARD,
                                         description="Delete a webhook and its delivery log.")
    event_delivery_retry = strawberry.mutation(resolver=event_delivery_retry, permission_classes=GUARD,
                                               description="Replay a webhook delivery now, with the same payload.")


@strawberry.type
class NotificationsSubscription:
    @strawberry.subscription(description="The caller's unread count, now and whenever their inbox changes (the live bell).",
                             permission_classes=GUARD)
    async def inbox_changed(self, info: strawberry.Info[Context, None]) -> AsyncGenerator[InboxCount, None]:
        me = inbox_owner(info.context)
        session_id = info.context.principal.session_id if info.context.principal is not None else None
        topics = [f"inbox:{me.kind}:{me.id}"] + ([f"session:{session_id}"] if session_id else [])
        async with broker.subscribe(*topics) as queue:
            yield InboxCount(unread_count=await unread_count(me))
            while True:
                event = await queue.get()
                if isinstance(event, SessionRevoked):
                    return
                if isinstance(event, InboxChanged):
                    yield InboxCount(unread_count=await unread_count(me))

    @strawberry.subscription(description="Webhook payloads only: the event a delivery is about. Select each type "
                                         "with `... on EntryPosted { ... }`; the selected types are the webhook's events.",
                             permission_classes=GUARD)
    async def event(self, info: strawberry.Info[Context, None]) -> AsyncGenerator[WebhookEvent | None, None]:
        event = getattr(info.context, "webhook_event", None)
        if event is None:
            raise DomainError(ErrorCode.INVALID_INPUT,
                              "`event` is for webhook documents (webhookCreate), not live subscriptions")
        yield event

"""Types of the notifications domain: the inbox, preferences, partners' webhooks and the
webhook events (the ``event`` subscription's union, Saleor's pattern)."""

from __future__ import annotations

import json
from datetime import date, datetime
from enum import Enum
from typing import Annotated

import strawberry

from bankcore.models import Account, JournalEntry, OutboxEvent, WebhookAttempt, WebhookDelivery, WebhookSubscription
from bankcore.notifications.inbox import InboxItem, Preferences
from bankcore.webhooks.events import EVENT_TYPES
from graphql_api.context import Context
from graphql_api.scope import can_see_account
from graphql_api.subscriptions import BalanceUpdate
from graphql_api.types.ledger import JournalEntryType
from graphql_api.types.money import MoneyType

WebhookEventTypeEnum = strawberry.enum(
    Enum("WebhookEventTypeEnum", {v: v for v in EVENT_TYPES.values()}),  # type: ignore[misc]
    description="Events a partner's webhook can subscribe to.",
)
LanguageEnum = strawberry.enum(
    Enum("NotificationLanguage", {"EN": "en", "HI": "hi", "MR": "mr"}),  # type: ignore[misc]
    description="Language of a member's messages: English, Hindi, Marathi.",
)
TOPIC_OF = {v: k for k, v in EVENT_TYPES.items()}  # ENTRY_POSTED -> entry.posted


@strawberry.type(name="Notification", description="One item of the caller's inbox, in the caller's language.")
class NotificationType:
    id: strawberry.ID = strawberry.field(description="Notification id.")
    kind: str = strawberry.field(description="What it is about: debit, credit, emi_due, emi_overdue, fd_maturing, kyc_due, ...")
    title: str = strawberry.field(description="Short heading.")
    body: str = strawberry.field(description="The message.")
    created_at: datetime = strawberry.field(description="When it was written (UTC).")
    read: bool = strawberry.field(description="True once the reader has marked it read.")

    @classmethod
    def of(cls, item: InboxItem) -> NotificationType:
        return cls(id=strawberry.ID(str(item.id)), kind=item.kind, title=item.title, body=item.body,
                   created_at=item.created_at, read=item.read_at is not None)


@strawberry.type(name="InboxCount", description="The caller's unread notifications, now.")
class InboxCount:
    unread_count: int = strawberry.field(description="How many notifications are unread.")


@strawberry.type(name="NotificationPreferences", description="A member's notification choices.")
class NotificationPreferencesType:
    language: LanguageEnum = strawberry.field(description="Language of SMS, e-mail, WhatsApp and the inbox.")
    sms: bool = strawberry.field(description="Alerts by SMS (debit alerts and security notices go by SMS regardless).")
    email: bool = strawberry.field(description="Alerts by e-mail.")
    whatsapp: bool = strawberry.field(description="Alerts by WhatsApp.")
    credit_alert_threshold: MoneyType | None = strawberry.field(
        description="Credits above this are alerted; null: the bank's default.")
    debit_alerts_mandatory: bool = strawberry.field(description="Always true: debit alerts cannot be turned off (RBI).")

    @classmethod
    def of(cls, prefs: Preferences, currency: str = "INR") -> NotificationPreferencesType:
        threshold = prefs.credit_threshold_minor
        return cls(language=LanguageEnum(prefs.language), sms=prefs.sms, email=prefs.email, whatsapp=prefs.whatsapp,
                   credit_alert_threshold=MoneyType.minor(threshold, currency) if threshold is not None else None,
                   debit_alerts_mandatory=True)


@strawberry.type(name="Webhook", description="A partner's endpoint subscribed to events; the payload is its subscription document.")
class WebhookType:
    id: strawberry.ID = strawberry.field(description="Webhook id.")
    name: str = strawberry.field(description="A label.")
    api_client_id: str = strawberry.field(description="The partner application (client id) it belongs to.")
    target_url: str = strawberry.field(description="Where deliveries are POSTed.")
    events: list[WebhookEventTypeEnum] = strawberry.field(description="Event types, from the subscription document.")
    query: str = strawberry.field(description="The GraphQL subscription document that defines the payload.")
    is_active: bool = strawberry.field(description="False when disabled (by an admin or after a day of failures).")
    disabled_reason: str | None = strawberry.field(description="Why it was disabled.")
    failing_since: datetime | None = strawberry.field(description="When deliveries began to fail, if they are failing.")
    created_at: datetime = strawberry.field(description="When it was created (UTC).")

    @classmethod
    def of(cls, sub: WebhookSubscription, client_id: str) -> WebhookType:
        return cls(id=strawberry.ID(str(sub.id)), name=sub.name, api_client_id=client_id, target_url=sub.target_url,
                   events=[WebhookEventTypeEnum(EVENT_TYPES[t]) for t in sub.events.split() if t in EVENT_TYPES],
                   query=sub.query, is_active=sub.is_active, disabled_reason=sub.disabled_reason,
                   failing_since=sub.failing_since, created_at=sub.created_at)


@strawberry.type(name="WebhookAttempt", description="One HTTP attempt of a delivery (the delivery log).")
class WebhookAttemptType:
    attempted_at: datetime = strawberry.field(description="When (UTC).")
    status_code: int | None = strawberry.field(description="The endpoint's HTTP status; null when it did not answer.")
    duration_ms: int = strawberry.field(description="Time taken, milliseconds.")
    error: str | None = strawberry.field(description="What went wrong, if anything.")
    response_body: str | None = strawberry.field(description="The start of the endpoint's answer (500 characters).")

    @classmethod
    def of(cls, a: WebhookAttempt) -> WebhookAttemptType:
        return cls(attempted_at=a.attempted_at, status_code=a.status_code, duration_ms=a.duration_ms, error=a.error,
                   response_body=a.response_body)


@strawberry.type(name="WebhookDelivery", description="One event sent (or to be sent) to one webhook, with its attempts.")
class WebhookDeliveryType:
    id: strawberry.ID = strawberry.field(description="Delivery id (the X-Coopbank-Delivery header).")
    event_type: WebhookEventTypeEnum = strawberry.field(description="The event.")
    status: str = strawberry.field(description="pending, success or failed.")
    attempt_count: int = strawberry.field(description="Attempts so far.")
    next_attempt_at: datetime | None = strawberry.field(description="When the next attempt is due, while pending.")
    created_at: datetime = strawberry.field(description="When the event was fanned out (UTC).")
    delivered_at: datetime | None = strawberry.field(description="When the endpoint accepted it.")
    payload: str | None = strawberry.field(description="The JSON document sent (null until the first attempt).")
    _pk: strawberry.Private[int]

    @classmethod
    def of(cls, d: WebhookDelivery) -> WebhookDeliveryType:
        return cls(id=strawberry.ID(str(d.id)), event_type=WebhookEventTypeEnum(EVENT_TYPES.get(d.event_type, "ENTRY_POSTED")),
                   status=d.status.value if hasattr(d.status, "value") else str(d.status), attempt_count=d.attempts,
                   next_attempt_at=d.next_attempt_at if str(d.status) == "pending" else None, created_at=d.created_at,
                   delivered_at=d.delivered_at, payload=d.payload or None, _pk=d.id)

    @strawberry.field(description="The delivery log: every attempt, oldest first (at most 50).")
    async def attempts(self) -> list[WebhookAttemptType]:
        rows = await WebhookAttempt.filter(delivery_id=self._pk).order_by("id").limit(50)
        return [WebhookAttemptType.of(a) for a in rows]


# --- the events a webhook document selects from ------------------------------------------


def _data(event: OutboxEvent) -> dict:
    try:
        data = json.loads(event.payload or "{}")
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


async def _visible_number(info: strawberry.Info[Context, None], number: str | None) -> str | None:
    if not number:
        return None
    account = await Account.get_or_none(number=number).only("id")
    return number if account is not None and await can_see_account(info.context, account.id) else None


@strawberry.type(name="EventBase", description="What every webhook event has.")
class EventInterface:
    event_id: strawberry.ID = strawberry.field(description="The event's id (the same for every webhook it went to).")
    issued_at: datetime = strawberry.field(description="When the event was recorded (UTC).")
    _event: strawberry.Private[OutboxEvent]


@strawberry.type(name="EntryPosted", description="A journal entry was posted.")
class EntryPostedEvent(EventInterface):
    @strawberry.field(description="The entry; null when the partner may see none of its accounts.")
    async def entry(self, info: strawberry.Info[Context, None]) -> JournalEntryType | None:
        entry = await JournalEntry.get_or_none(id=self._event.ref_id)
        if entry is None:
            return None
        if not info.context.is_staff:
            ledger_ids = await entry.postings.all().values_list("ledger_account_id", flat=True)
            accounts = await Account.filter(ledger_account_id__in=list(ledger_ids)).values_list("id", flat=True)
            if not [a for a in accounts if await can_see_account(info.context, a)]:
                return None
        return JournalEntryType.from_model(entry)


@strawberry.type(name="BalanceChanged", description="Balances of members' accounts after a posting.")
class BalanceChangedEvent(EventInterface):
    @strawberry.field(description="The accounts the partner may see whose balance the entry moved, with the balance after it.")
    async def balances(self, info: strawberry.Info[Context, None]) -> list[BalanceUpdate]:
        entry_id = self._event.ref_id
        data = _data(self._event)
        after = {ledger: (balance, currency) for ledger, balance, currency in data.get("b", [])}
        if not after:  # an event written by a batch carries no balances: the balance now stands in
            from bankcore.models import LedgerAccount, Posting

            ledger_ids = await Posting.filter(entry_id=entry_id).values_list("ledger_account_id", flat=True)
            for la in await LedgerAccount.filter(id__in=list(ledger_ids), tracks_balance=True):
                after[la.id] = (la.balance_minor, la.currency)
        out = []
        for account in await Account.filter(ledger_account_id__in=list(after)).order_by("number"):
            if await can_see_account(info.context, account.id):
                balance, currency = after[account.ledger_account_id]
                out.append(BalanceUpdate(account_number=account.number, balance=MoneyType.minor(balance, currency),
                                         entry_id=strawberry.ID(str(entry_id))))
        return out


@strawberry.type(name="LoanOverdue", description="A loan's instalment is overdue.")
class LoanOverdueEvent(EventInterface):
    @strawberry.field(description="The loan account (null when the partner may not see it).")
    async def account_number(self, info: strawberry.Info[Context, None]) -> str | None:
        return await _visible_number(info, _data(self._event).get("account_number"))

    @strawberry.field(description="Amount overdue.")
    def amount(self) -> MoneyType | None:
        data = _data(self._event)
        return MoneyType.minor(data["amount_minor"], data.get("currency", "INR")) if "amount_minor" in data else None

    @strawberry.field(description="Days past due.")
    def days_overdue(self) -> int | None:
        return _data(self._event).get("days_overdue")


@strawberry.type(name="DepositMatured", description="A term deposit matured.")
class DepositMaturedEvent(EventInterface):
    @strawberry.field(description="The deposit account (null when the partner may not see it).")
    async def account_number(self, info: strawberry.Info[Context, None]) -> str | None:
        return await _visible_number(info, _data(self._event).get("account_number"))

    @strawberry.field(description="Maturity amount.")
    def amount(self) -> MoneyType | None:
        data = _data(self._event)
        return MoneyType.minor(data["amount_minor"], data.get("currency", "INR")) if "amount_minor" in data else None

    @strawberry.field(description="Maturity date.")
    def maturity_date(self) -> date | None:
        value = _data(self._event).get("maturity_date")
        return date.fromisoformat(value) if isinstance(value, str) else None


@strawberry.type(name="PaymentUpdated", description="A gateway payment order or payout changed status.")
class PaymentUpdatedEvent(EventInterface):
    @strawberry.field(description="The account (null when the partner may not see it).")
    async def account_number(self, info: strawberry.Info[Context, None]) -> str | None:
        return await _visible_number(info, _data(self._event).get("account_number"))

    @strawberry.field(description="order or payout.")
    def kind(self) -> str | None:
        return _data(self._event).get("kind")

    @strawberry.field(description="The new status.")
    def status(self) -> str | None:
        return _data(self._event).get("status")


EVENT_CLASSES: dict[str, type[EventInterface]] = {
    "entry.posted": EntryPostedEvent,
    "balance.changed": BalanceChangedEvent,
    "loan.overdue": LoanOverdueEvent,
    "deposit.matured": DepositMaturedEvent,
    "payment.updated": PaymentUpdatedEvent,
}
WebhookEvent = Annotated[
    EntryPostedEvent | BalanceChangedEvent | LoanOverdueEvent | DepositMaturedEvent | PaymentUpdatedEvent,
    strawberry.union("Event", description="An event a webhook delivers; select each type with `... on EntryPosted { ... }`."),
]
TYPE_NAME_TOPIC = {"EntryPosted": "entry.posted", "BalanceChanged": "balance.changed", "LoanOverdue": "loan.overdue",
                   "DepositMatured": "deposit.matured", "PaymentUpdated": "payment.updated"}


def event_object(event_type: str, event: OutboxEvent) -> EventInterface:
    return EVENT_CLASSES[event_type](event_id=strawberry.ID(str(event.id)), issued_at=event.created_at, _event=event)

"""The notification outbox: messages to members, written in the transaction that causes them."""

from enum import StrEnum

from tortoise import fields
from tortoise.indexes import Index
from bankcore.models._base import Model


class NotificationChannel(StrEnum):
    SMS = "sms"
    EMAIL = "email"


class NotificationOutbox(Model):
    """A message waiting for (or past) delivery by a provider adapter.

    A ``sensitive`` body (a one-time code) is replaced by a placeholder once delivered, so
    the outbox does not keep codes around.
    """

    id = fields.BigIntField(primary_key=True)
    channel = fields.CharEnumField(NotificationChannel, max_length=5)
    recipient = fields.CharField(max_length=254, description="E.164 mobile number or e-mail address")
    body = fields.TextField()
    sensitive = fields.BooleanField(default=False)
    created_at = fields.DatetimeField()
    sent_at = fields.DatetimeField(null=True)
    attempts = fields.IntField(default=0, description="Delivery attempts so far")

    class Meta:
        table = "notification_outbox"
        indexes = (Index(fields=("sent_at", "id"), name="notification_outbox_pending_idx"),)


# --- issue 14: notifications to members and staff (inbox + channels) ----------------------


class DeliveryChannel(StrEnum):
    """A channel a notification is sent on besides the in-app inbox."""

    SMS = "sms"
    EMAIL = "email"
    WHATSAPP = "whatsapp"


class DeliveryStatus(StrEnum):
    """Where one outbox delivery stands: ``pending`` (waiting or retrying), ``sent``,
    ``failed`` (gave up after the last retry) or ``skipped`` (no address, or turned off)."""

    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"
    SKIPPED = "skipped"


class Notification(Model):
    """One thing a member or a member of staff is told: an inbox item, and the source of its
    SMS / e-mail / WhatsApp deliveries.

    Written by ``bankcore.notifications.notify`` in the caller's transaction. ``params`` is
    JSON (strings and integers: amounts in minor units) rendered by the ``kind``'s template
    in the reader's language when shown or sent. ``dedupe_key`` makes a repeat (a day-end
    step run twice) write nothing. ``dispatched_at`` is set when the background worker has
    fanned the row out into ``NotificationDelivery`` rows.
    """

    id = fields.BigIntField(primary_key=True)
    member = fields.ForeignKeyField("bankcore.Member", related_name="notifications", null=True, on_delete=fields.RESTRICT)
    staff = fields.ForeignKeyField("bankcore.StaffUser", related_name="notifications", null=True, on_delete=fields.RESTRICT)
    kind = fields.CharField(max_length=40, description="Template key, e.g. debit, emi_due, fd_maturing")
    params = fields.TextField(default="{}", description="JSON parameters of the template")
    dedupe_key = fields.CharField(max_length=160, null=True, unique=True)
    created_at = fields.DatetimeField()
    read_at = fields.DatetimeField(null=True)
    dispatched_at = fields.DatetimeField(null=True)

    class Meta:
        table = "notification"
        indexes = (
            Index(fields=("member_id", "read_at"), name="notification_member_idx"),
            Index(fields=("staff_id", "read_at"), name="notification_staff_idx"),
            Index(fields=("dispatched_at", "id"), name="notification_undispatched_idx"),
        )


class NotificationDelivery(Model):
    """One notification on one channel to one address: the transactional outbox row the
    worker sends, retried with backoff until ``max_attempts``; ``last_error`` says why it failed."""

    id = fields.BigIntField(primary_key=True)
    notification = fields.ForeignKeyField("bankcore.Notification", related_name="deliveries", on_delete=fields.RESTRICT)
    channel = fields.CharEnumField(DeliveryChannel, max_length=8)
    destination = fields.CharField(max_length=254, description="E.164 mobile number or e-mail address")
    subject = fields.CharField(max_length=200, description="The title in the member's language (e-mail subject)")
    body = fields.TextField(description="The text in the member's language, rendered when the delivery was made")
    status = fields.CharEnumField(DeliveryStatus, max_length=8, default=DeliveryStatus.PENDING)
    attempts = fields.IntField(default=0)
    next_attempt_at = fields.DatetimeField()
    last_error = fields.CharField(max_length=300, null=True)
    provider_ref = fields.CharField(max_length=120, null=True)
    created_at = fields.DatetimeField()
    sent_at = fields.DatetimeField(null=True)

    class Meta:
        table = "notification_delivery"
        indexes = (
            Index(fields=("status", "next_attempt_at"), name="notification_delivery_due_idx"),
            Index(fields=("notification_id",), name="notification_delivery_notification_idx"),
        )


class NotificationPreference(Model):
    """A member's choices: language of the messages, channels, and the credit-alert threshold.

    Debit alerts go by SMS whatever the member chooses (RBI requires transaction alerts);
    ``credit_threshold_minor`` null means the bank's setting
    ``notifications.credit_alert_threshold``.
    """

    member = fields.OneToOneField("bankcore.Member", related_name="notification_preference", primary_key=True,
                                  on_delete=fields.RESTRICT)
    language = fields.CharField(max_length=5, default="en", description="en, hi or mr")
    sms = fields.BooleanField(default=True)
    email = fields.BooleanField(default=True)
    whatsapp = fields.BooleanField(default=False)
    credit_threshold_minor = fields.BigIntField(null=True)
    updated_at = fields.DatetimeField()

    class Meta:
        table = "notification_preference"


class OutboxEvent(Model):
    """A domain event written in the transaction that caused it (an entry posted, a loan
    overdue, a deposit matured...), later dispatched by the worker to partners' webhooks
    and, for ledger entries, to members' transaction alerts. ``topic`` is a webhook event
    type in lower dotted form (``entry.posted``); ``payload`` is JSON of ids and numbers."""

    id = fields.BigIntField(primary_key=True)
    topic = fields.CharField(max_length=40)
    ref_id = fields.BigIntField(null=True, description="The id the event is about (entry, loan, deposit...)")
    payload = fields.TextField(default="{}")
    created_at = fields.DatetimeField()
    dispatched_at = fields.DatetimeField(null=True)

    class Meta:
        table = "outbox_event"
        indexes = (Index(fields=("dispatched_at", "id"), name="outbox_event_undispatched_idx"),)


# --- issue 13 item 7: webhooks for partners ----------------------------------------------


class WebhookSubscription(Model):
    """A partner's (API client's) endpoint subscribed to events (Saleor's ``Webhook``).

    ``query`` is a GraphQL subscription document (``subscription { event { ... on
    EntryPosted { ... } } }``) that defines the payload; ``events`` the space-separated
    event types it listens to. ``secret`` signs each delivery (HMAC-SHA256 over
    ``timestamp.body``). ``failing_since`` is when deliveries began to fail; after a day of
    failures the endpoint is disabled (``is_active`` false, ``disabled_reason`` set).
    """

    id = fields.BigIntField(primary_key=True)
    api_client = fields.ForeignKeyField("bankcore.ApiClient", related_name="webhooks", on_delete=fields.RESTRICT)
    name = fields.CharField(max_length=100)
    target_url = fields.CharField(max_length=500)
    secret = fields.CharField(max_length=100)
    query = fields.TextField()
    events = fields.CharField(max_length=300)
    is_active = fields.BooleanField(default=True)
    disabled_reason = fields.CharField(max_length=200, null=True)
    failing_since = fields.DatetimeField(null=True)
    created_by = fields.CharField(max_length=100)
    created_at = fields.DatetimeField()

    class Meta:
        table = "webhook_subscription"
        indexes = (Index(fields=("api_client_id",), name="webhook_subscription_client_idx"),)


class WebhookDeliveryStatus(StrEnum):
    """``pending`` (waiting or retrying), ``success``, or ``failed`` (retries exhausted or endpoint disabled)."""

    PENDING = "pending"
    SUCCESS = "success"
    FAILED = "failed"


class WebhookDelivery(Model):
    """One event for one subscription (Saleor's ``EventDelivery``): the payload rendered from
    the subscription document at dispatch, retried with exponential backoff over 24 hours."""

    id = fields.BigIntField(primary_key=True)
    subscription = fields.ForeignKeyField("bankcore.WebhookSubscription", related_name="deliveries",
                                          on_delete=fields.RESTRICT)
    event = fields.ForeignKeyField("bankcore.OutboxEvent", related_name="webhook_deliveries", on_delete=fields.RESTRICT)
    event_type = fields.CharField(max_length=40)
    payload = fields.TextField()
    status = fields.CharEnumField(WebhookDeliveryStatus, max_length=8, default=WebhookDeliveryStatus.PENDING)
    attempts = fields.IntField(default=0)
    next_attempt_at = fields.DatetimeField()
    created_at = fields.DatetimeField()
    delivered_at = fields.DatetimeField(null=True)

    class Meta:
        table = "webhook_delivery"
        unique_together = (("subscription_id", "event_id", "event_type"),)
        indexes = (
            Index(fields=("status", "next_attempt_at"), name="webhook_delivery_due_idx"),
            Index(fields=("event_id",), name="webhook_delivery_event_idx"),
        )


class WebhookAttempt(Model):
    """The delivery log: one HTTP attempt of a delivery, with the answer (Saleor's ``EventDeliveryAttempt``)."""

    id = fields.BigIntField(primary_key=True)
    delivery = fields.ForeignKeyField("bankcore.WebhookDelivery", related_name="attempts_log", on_delete=fields.RESTRICT)
    attempted_at = fields.DatetimeField()
    status_code = fields.IntField(null=True)
    duration_ms = fields.IntField()
    error = fields.CharField(max_length=300, null=True)
    response_body = fields.CharField(max_length=500, null=True)

    class Meta:
        table = "webhook_attempt"
        indexes = (Index(fields=("delivery_id",), name="webhook_attempt_delivery_idx"),)

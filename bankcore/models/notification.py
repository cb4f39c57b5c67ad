"""The notification outbox: messages to members, written in the transaction that causes them."""

from enum import StrEnum

from tortoise import fields
from tortoise.indexes import Index
from tortoise.models import Model


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

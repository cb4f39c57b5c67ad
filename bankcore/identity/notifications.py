"""Messages to members through an outbox and provider adapters (SMS, e-mail).

A message is first written to ``notification_outbox`` in the transaction that causes it
(so a rolled-back sign-in sends nothing), then handed to the configured provider after
commit. A provider is anything with an async ``send``; a failed send leaves the row
unsent for ``deliver_pending`` to retry. The development provider only writes the
message to the log: it is the one place a one-time code may appear in a log.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Protocol

from bankcore.identity.clock import utcnow
from bankcore.models import NotificationChannel, NotificationOutbox

log = logging.getLogger(__name__)

REDACTED_BODY = "[delivered, content removed]"


class NotificationProvider(Protocol):
    """An SMS or e-mail gateway adapter. ``send`` raises on failure; it must not log the body."""

    async def send(self, *, channel: NotificationChannel, recipient: str, body: str) -> None: ...


class DevelopmentProvider:
    """Writes each message to the log at INFO instead of sending it (development and tests)."""

    async def send(self, *, channel: NotificationChannel, recipient: str, body: str) -> None:
        log.info("development %s to %s: %s", channel, recipient, body)


_provider: NotificationProvider = DevelopmentProvider()


def set_notification_provider(provider: NotificationProvider) -> NotificationProvider:
    """Use ``provider`` for every later delivery; returns the previous one (to restore in tests)."""
    global _provider
    previous, _provider = _provider, provider
    return previous


def notification_provider() -> NotificationProvider:
    """The provider deliveries go through now."""
    return _provider


async def enqueue_notification(
    *, channel: NotificationChannel, recipient: str, body: str, sensitive: bool = False, now: datetime | None = None
) -> NotificationOutbox:
    """Write a message to the outbox (in the caller's transaction, if any) and return the row.

    ``sensitive`` bodies (one-time codes) are blanked once delivered.
    """
    return await NotificationOutbox.create(
        channel=channel, recipient=recipient, body=body, sensitive=sensitive, created_at=now or utcnow()
    )


async def deliver(message: NotificationOutbox, *, now: datetime | None = None) -> bool:
    """Send one outbox row through the provider and mark it sent; True on success.

    A provider error is logged (without the body) and leaves the row unsent, counted in
    ``attempts``, for a later ``deliver_pending``. Never raises for a provider failure.
    """
    message.attempts += 1
    try:
        await _provider.send(channel=NotificationChannel(message.channel), recipient=message.recipient, body=message.body)
    except Exception:
        log.warning("notification %s via %s failed (attempt %d)", message.id, message.channel, message.attempts,
                    exc_info=True)
        await NotificationOutbox.filter(id=message.id).update(attempts=message.attempts)
        return False
    message.sent_at = now or utcnow()
    if message.sensitive:
        message.body = REDACTED_BODY
    await message.save(update_fields=["attempts", "sent_at", "body"])
    return True


async def deliver_pending(*, limit: int = 100, now: datetime | None = None) -> int:
    """Deliver up to ``limit`` unsent messages, oldest first; returns how many were sent."""
    sent = 0
    for message in await NotificationOutbox.filter(sent_at__isnull=True).order_by("id").limit(limit):
        sent += await deliver(message, now=now)
    return sent

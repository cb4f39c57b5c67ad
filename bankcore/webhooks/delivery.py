"""Delivering partners' webhooks: render, sign, POST, log, retry, disable.

At-least-once: a delivery is retried with exponential backoff (30 s doubling, at most 6 h
apart) until it succeeds or ``webhooks.retry_window_hours`` (24) have passed since it was
created. Every attempt goes to the delivery log (``webhook_attempt``: status, time taken,
the start of the answer). An endpoint that has failed for the whole window is disabled
(``is_active`` false, with a reason) and the bank's admins get an inbox notice. An admin
may replay any delivery (``replay_delivery``).

The payload is rendered on the first attempt by the registered renderer (the GraphQL
layer executes the subscription's document for the event, as the partner) and stored,
so retries and replays send the same document. Partners deduplicate on
``X-Coopbank-Delivery``.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from bankcore.errors import DomainError, ErrorCode
from bankcore.models import (
    OutboxEvent,
    StaffRole,
    StaffUser,
    WebhookAttempt,
    WebhookDelivery,
    WebhookDeliveryStatus,
    WebhookSubscription,
)
from bankcore.notifications.enqueue import notify_staff
from bankcore.notifications.sender import claim_due
from bankcore.notifications.settings import WEBHOOK_RETRY_HOURS, WEBHOOK_TIMEOUT_S
from bankcore.webhooks.events import EVENT_TYPES
from bankcore.webhooks.signing import DELIVERY_HEADER, EVENT_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER, sign

log = logging.getLogger(__name__)

BACKOFF_BASE_S = 30
BACKOFF_CAP_S = 6 * 3600
CONCURRENCY = 8

# (subscription, event type, event) -> the JSON document to send.
PayloadRenderer = Callable[[WebhookSubscription, str, OutboxEvent], Awaitable[dict[str, Any]]]


async def _plain_payload(subscription: WebhookSubscription, event_type: str, event: OutboxEvent) -> dict[str, Any]:
    """Fallback when no GraphQL renderer is registered: the event's ids and numbers."""
    return {"event": EVENT_TYPES.get(event_type, event_type), "eventId": event.id, "refId": event.ref_id,
            "data": json.loads(event.payload or "{}")}


_renderer: PayloadRenderer = _plain_payload
_transport: httpx.AsyncBaseTransport | None = None


def set_payload_renderer(renderer: PayloadRenderer | None) -> None:
    """Render payloads with ``renderer`` (the GraphQL layer registers one; None: the plain fallback)."""
    global _renderer
    _renderer = renderer or _plain_payload


def backoff(attempts: int) -> timedelta:
    """Wait after the ``attempts``-th failure: 30 s × 2^(attempts−1), at most 6 hours."""
    return timedelta(seconds=min(BACKOFF_BASE_S * 2 ** max(attempts - 1, 0), BACKOFF_CAP_S))


async def send_due_webhooks(*, limit: int = 100, now: datetime | None = None) -> int:
    """Attempt up to ``limit`` due webhook deliveries; returns how many succeeded."""
    now = now or datetime.now(UTC)
    ids = await claim_due("webhook_delivery", limit=limit, now=now)
    if not ids:
        return 0
    window = timedelta(hours=await WEBHOOK_RETRY_HOURS.get())
    timeout = float(await WEBHOOK_TIMEOUT_S.get())
    gate = asyncio.Semaphore(CONCURRENCY)
    deliveries = await WebhookDelivery.filter(id__in=ids).prefetch_related("subscription", "event")
    async with httpx.AsyncClient(timeout=timeout, transport=_transport, follow_redirects=False) as client:

        async def one(delivery: WebhookDelivery) -> bool:
            async with gate:
                return await _attempt(client, delivery, window=window)

        results = await asyncio.gather(*(one(d) for d in deliveries))
    return sum(results)


async def _attempt(client: httpx.AsyncClient, delivery: WebhookDelivery, *, window: timedelta) -> bool:
    subscription: WebhookSubscription = delivery.subscription
    if not subscription.is_active:
        await WebhookDelivery.filter(id=delivery.id).update(status=WebhookDeliveryStatus.FAILED)
        return False
    if not delivery.payload:
        try:
            document = await _renderer(subscription, delivery.event_type, delivery.event)
        except Exception:
            log.exception("webhook %s: rendering the payload of delivery %s failed", subscription.id, delivery.id)
            document = await _plain_payload(subscription, delivery.event_type, delivery.event)
        delivery.payload = json.dumps(document, separators=(",", ":"), default=str)
        await WebhookDelivery.filter(id=delivery.id).update(payload=delivery.payload)
    body = delivery.payload.encode()
    timestamp = int(time.time())
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "coopbank-webhooks/1",
        TIMESTAMP_HEADER: str(timestamp),
        SIGNATURE_HEADER: sign(subscription.secret, timestamp, body),
        EVENT_HEADER: EVENT_TYPES.get(delivery.event_type, delivery.event_type),
        DELIVERY_HEADER: str(delivery.id),
    }
    started = time.monotonic()
    status_code: int | None = None
    error: str | None = None
    answer: str | None = None
    try:
        response = await client.post(subscription.target_url, content=body, headers=headers)
        status_code, answer = response.status_code, response.text[:500]
        if not 200 <= response.status_code < 300:
            error = f"endpoint answered {response.status_code}"
    except httpx.HTTPError as exc:
        error = f"{type(exc).__name__}: {exc}"[:300]
    finished = datetime.now(UTC)
    await WebhookAttempt.create(delivery_id=delivery.id, attempted_at=finished, status_code=status_code,
                                duration_ms=int((time.monotonic() - started) * 1000), error=error, response_body=answer)
    attempts = delivery.attempts + 1
    if error is None:
        await WebhookDelivery.filter(id=delivery.id).update(status=WebhookDeliveryStatus.SUCCESS, attempts=attempts,
                                                            delivered_at=finished)
        if subscription.failing_since is not None:
            await WebhookSubscription.filter(id=subscription.id).update(failing_since=None)
        return True
    expired = finished - delivery.created_at >= window
    await WebhookDelivery.filter(id=delivery.id).update(
        status=WebhookDeliveryStatus.FAILED if expired else WebhookDeliveryStatus.PENDING, attempts=attempts,
        next_attempt_at=finished + backoff(attempts),
    )
    log.warning("webhook %s delivery %s failed (attempt %d): %s", subscription.id, delivery.id, attempts, error)
    await _note_failure(subscription, finished, window)
    return False


async def _note_failure(subscription: WebhookSubscription, now: datetime, window: timedelta) -> None:
    if subscription.failing_since is None:
        await WebhookSubscription.filter(id=subscription.id, failing_since__isnull=True).update(failing_since=now)
        return
    if now - subscription.failing_since < window:
        return
    reason = f"every delivery failed for {int(window.total_seconds() // 3600)} hours"
    if not await WebhookSubscription.filter(id=subscription.id, is_active=True).update(is_active=False,
                                                                                      disabled_reason=reason):
        return
    await WebhookDelivery.filter(subscription_id=subscription.id, status=WebhookDeliveryStatus.PENDING).update(
        status=WebhookDeliveryStatus.FAILED)
    log.warning("webhook %s (%s) disabled: %s", subscription.id, subscription.target_url, reason)
    client = await subscription.api_client
    for admin in await StaffUser.filter(role=StaffRole.ADMIN, active=True).only("id"):
        await notify_staff(staff_id=admin.id, kind="webhook_disabled",
                           params={"name": subscription.name, "client": client.name, "subscription_id": subscription.id})


async def replay_delivery(*, delivery_id: int, now: datetime | None = None) -> WebhookDelivery:
    """Send delivery ``delivery_id`` again, at once, with the same payload (an admin's replay).

    Raises ``DomainError(NOT_FOUND)`` for an unknown delivery, ``DomainError(INVALID_INPUT)``
    when its endpoint is disabled (enable it first).
    """
    delivery = await WebhookDelivery.get_or_none(id=delivery_id).prefetch_related("subscription")
    if delivery is None:
        raise DomainError(ErrorCode.NOT_FOUND, "no such webhook delivery", field="id")
    if not delivery.subscription.is_active:
        raise DomainError(ErrorCode.INVALID_INPUT, "the webhook is disabled: enable it before replaying", field="id")
    await WebhookDelivery.filter(id=delivery_id).update(status=WebhookDeliveryStatus.PENDING,
                                                        next_attempt_at=now or datetime.now(UTC))
    await delivery.refresh_from_db()
    return delivery

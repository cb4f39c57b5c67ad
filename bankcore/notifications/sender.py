"""Sending due deliveries through the providers, with retries and backoff.

A batch is claimed in a short transaction (its ``next_attempt_at`` pushed forward by a
lease, so another worker does not take it meanwhile); the messages are sent outside any
transaction; each result is written back on its own. A failure is retried after
``notifications.retry_base_seconds`` × 2^(attempt−1) until ``notifications.max_attempts``;
a ``PermanentFailure`` gives up at once.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime, timedelta

from tortoise.transactions import in_transaction

from bankcore.ledger.sql import fetch, is_postgres, placeholders
from bankcore.models import DeliveryChannel, DeliveryStatus, NotificationDelivery
from bankcore.notifications.providers import OutgoingMessage, PermanentFailure, providers
from bankcore.notifications.settings import MAX_ATTEMPTS, RETRY_BASE_S

log = logging.getLogger(__name__)

LEASE = timedelta(minutes=2)
CONCURRENCY = 8


async def claim_due(table: str, *, limit: int, now: datetime) -> list[int]:
    """Ids of up to ``limit`` pending rows of ``table`` due by ``now``, leased to this worker."""
    async with in_transaction() as conn:
        m = placeholders(conn, 1)[0]
        lock = " FOR UPDATE SKIP LOCKED" if is_postgres(conn) else ""
        rows = await fetch(conn, f"SELECT id FROM {table} WHERE status = 'pending' AND next_attempt_at <= {m} "
                                 f"ORDER BY next_attempt_at, id LIMIT {int(limit)}{lock}", [now])
        ids = [r["id"] for r in rows]
        if ids:
            marks = placeholders(conn, len(ids) + 1)
            await conn.execute_query(
                f"UPDATE {table} SET next_attempt_at = {marks[0]} WHERE id IN ({', '.join(marks[1:])})", [now + LEASE, *ids]
            )
    return ids


async def send_due_notifications(*, limit: int = 100, now: datetime | None = None) -> int:
    """Send up to ``limit`` due SMS / e-mail / WhatsApp deliveries; returns how many were sent."""
    now = now or datetime.now(UTC)
    ids = await claim_due("notification_delivery", limit=limit, now=now)
    if not ids:
        return 0
    max_attempts, base_s = await MAX_ATTEMPTS.get(), await RETRY_BASE_S.get()
    chosen = providers()
    gate = asyncio.Semaphore(CONCURRENCY)

    async def one(delivery: NotificationDelivery) -> bool:
        async with gate:
            return await _send_one(delivery, chosen, max_attempts=max_attempts, base_s=base_s)

    results = await asyncio.gather(*(one(d) for d in await NotificationDelivery.filter(id__in=ids)))
    return sum(results)


async def _send_one(delivery: NotificationDelivery, chosen: dict, *, max_attempts: int, base_s: int) -> bool:
    channel = DeliveryChannel(delivery.channel)
    message = OutgoingMessage(channel=channel, destination=delivery.destination, subject=delivery.subject,
                              body=delivery.body, reference=f"n{delivery.id}")
    attempts = delivery.attempts + 1
    try:
        provider_ref = await chosen[channel].send(message)
    except PermanentFailure as exc:
        log.warning("notification delivery %s via %s refused: %s", delivery.id, channel.value, exc)
        await NotificationDelivery.filter(id=delivery.id).update(
            status=DeliveryStatus.FAILED, attempts=attempts, last_error=str(exc)[:300])
        return False
    except Exception as exc:  # any other failure is worth a retry
        finished = datetime.now(UTC)
        gave_up = attempts >= max_attempts
        log.warning("notification delivery %s via %s failed (attempt %d%s): %s", delivery.id, channel.value, attempts,
                    ", giving up" if gave_up else "", type(exc).__name__)
        await NotificationDelivery.filter(id=delivery.id).update(
            status=DeliveryStatus.FAILED if gave_up else DeliveryStatus.PENDING, attempts=attempts,
            last_error=f"{type(exc).__name__}: {exc}"[:300],
            next_attempt_at=finished + timedelta(seconds=base_s * 2 ** (attempts - 1)),
        )
        return False
    await NotificationDelivery.filter(id=delivery.id).update(
        status=DeliveryStatus.SENT, attempts=attempts, sent_at=datetime.now(UTC), provider_ref=(provider_ref or None),
        last_error=None)
    return True

"""The event types partners may subscribe to, and writing an event to the outbox."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.connection import get_connection

from bankcore.ledger.sql import fetch, placeholders

# Outbox topic -> the GraphQL enum value a subscription names (WebhookEventTypeEnum).
# ``balance.changed`` is not written by anyone: it is derived from ``entry.posted``
# (one delivery per entry, listing the member accounts whose balance moved).
EVENT_TYPES: dict[str, str] = {
    "entry.posted": "ENTRY_POSTED",
    "balance.changed": "BALANCE_CHANGED",
    "loan.overdue": "LOAN_OVERDUE",
    "deposit.matured": "DEPOSIT_MATURED",
    "payment.updated": "PAYMENT_UPDATED",
}

# Topics that arrive in the outbox, and the subscribed types each one feeds.
FEEDS: dict[str, tuple[str, ...]] = {
    "entry.posted": ("entry.posted", "balance.changed"),
    "loan.overdue": ("loan.overdue",),
    "deposit.matured": ("deposit.matured",),
    "payment.updated": ("payment.updated",),
}


async def emit_event(
    *,
    event_type: str,
    ref_id: int | None = None,
    payload: dict[str, Any] | None = None,
    conn: BaseDBAsyncClient | None = None,
) -> int:
    """Record domain event ``event_type`` (a key of ``EVENT_TYPES`` other than
    ``balance.changed``) about ``ref_id`` in the outbox, in the caller's transaction (pass
    its ``conn``); returns the event id.

    ``payload`` is small JSON (ids and numbers; amounts in minor units); the partner's
    payload is rendered later from their subscription document, so put only what the
    document's resolvers need to find the object. Raises ``ValueError`` for an unknown type.
    """
    if event_type not in FEEDS:
        raise ValueError(f"unknown event type {event_type!r}; known: {', '.join(sorted(FEEDS))}")
    conn = conn or get_connection("default")
    m = placeholders(conn, 4)
    rows = await fetch(
        conn,
        f"INSERT INTO outbox_event (topic, ref_id, payload, created_at) VALUES ({m[0]}, {m[1]}, {m[2]}, {m[3]}) RETURNING id",
        [event_type, ref_id, json.dumps(payload or {}, separators=(",", ":"), default=str), datetime.now(UTC)],
    )
    return rows[0]["id"]

"""Telling open pages that an inbox changed (the live unread bell).

In one process the broker carries ``InboxChanged`` to the page's subscription at once.
On PostgreSQL the change goes through ``pg_notify`` instead, so an instance whose worker
did the fan-out and an instance showing the member's page may be different processes;
each instance's relay republishes it locally.
"""

from __future__ import annotations

import asyncio
import logging

from bankcore.events import INBOX_CHANNEL, InboxChanged, broker, encode_inbox_changed
from bankcore.events_relay import relay_active

log = logging.getLogger(__name__)
_pending: set[asyncio.Task] = set()  # keep fire-and-forget NOTIFY tasks referenced until done


def publish_inbox_changes(*, members: set[int] = frozenset(), staff: set[int] = frozenset()) -> None:
    """Announce (after commit) that these members' and staff users' inboxes changed."""
    events = [InboxChanged("member", m) for m in sorted(members)] + [InboxChanged("staff", s) for s in sorted(staff)]
    if not events:
        return
    if not relay_active():  # with a relay, the NOTIFY comes back to this process too
        for event in events:
            broker.publish(event)
    task = asyncio.get_running_loop().create_task(_notify(events))
    _pending.add(task)
    task.add_done_callback(_pending.discard)


async def _notify(events: list[InboxChanged]) -> None:
    from tortoise.connection import get_connection

    conn = get_connection("default")
    if conn.capabilities.dialect != "postgres":
        return
    try:
        for start in range(0, len(events), 500):  # NOTIFY payloads stay under 8000 bytes
            await conn.execute_query("SELECT pg_notify($1, $2)", [INBOX_CHANNEL, encode_inbox_changed(events[start:start + 500])])
    except Exception:  # noqa: BLE001 - a missed bell is refreshed by the page's own timer
        log.warning("could not announce inbox changes to other instances", exc_info=True)

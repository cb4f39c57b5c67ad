"""Relaying ledger events between instances through PostgreSQL LISTEN/NOTIFY.

The ledger transaction calls ``pg_notify`` (PostgreSQL delivers it only on commit, so a
rolled-back entry never notifies). Each server process keeps one dedicated asyncpg
connection that LISTENs and republishes on the local broker, so a subscriber on one
instance sees postings made on any other. The connection is not pooled (a pooled one
would lose its LISTEN), is checked every ``keepalive_s``, and is re-opened with
back-off when it drops; events sent while it was down are lost, which subscriptions
tolerate because balance events carry the whole balance, not a delta.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

import asyncpg

from bankcore.events import (
    INBOX_CHANNEL,
    LEDGER_CHANNEL,
    SESSIONS_CHANNEL,
    EventBroker,
    SessionRevoked,
    broker,
    decode_inbox_changed,
    decode_ledger_events,
    decode_session_revoked,
    encode_session_revoked,
)

log = logging.getLogger(__name__)


class PgEventRelay:
    """LISTEN on ``LEDGER_CHANNEL`` and publish what arrives on ``target``."""

    def __init__(self, dsn: str, *, target: EventBroker = broker, keepalive_s: float = 15.0) -> None:
        self._dsn = dsn.replace("postgres://", "postgresql://", 1)
        self._target = target
        self._keepalive_s = keepalive_s
        self._task: asyncio.Task[None] | None = None
        self._connected = asyncio.Event()

    @property
    def connected(self) -> bool:
        return self._connected.is_set()

    def _on_notify(self, _conn: object, _pid: int, channel: str, payload: str) -> None:
        try:
            if channel == SESSIONS_CHANNEL:
                events = [decode_session_revoked(payload)]
            elif channel == INBOX_CHANNEL:
                events = decode_inbox_changed(payload)
            else:
                events = decode_ledger_events(payload)
        except (ValueError, KeyError, TypeError):
            log.warning("ignored a malformed %s notification", channel)
            return
        for event in events:
            self._target.publish(event)

    async def _run(self) -> None:
        delay_s = 0.5
        while True:
            conn: asyncpg.Connection | None = None
            try:
                conn = await asyncpg.connect(self._dsn)
                await conn.add_listener(LEDGER_CHANNEL, self._on_notify)
                await conn.add_listener(SESSIONS_CHANNEL, self._on_notify)
                await conn.add_listener(INBOX_CHANNEL, self._on_notify)
                self._connected.set()
                delay_s = 0.5
                while not conn.is_closed():
                    await asyncio.sleep(self._keepalive_s)
                    await conn.execute("SELECT 1")
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # noqa: BLE001 - any failure: reconnect
                log.warning("ledger event relay lost its connection (%s); reconnecting in %.1f s", exc, delay_s)
            finally:
                self._connected.clear()
                if conn is not None and not conn.is_closed():
                    with contextlib.suppress(Exception):
                        await conn.close()
            await asyncio.sleep(delay_s)
            delay_s = min(delay_s * 2, 10.0)

    async def start(self, *, wait_s: float = 5.0) -> None:
        """Start listening; returns once connected (or after ``wait_s``, retrying in the background)."""
        global _active
        if self._task is None:
            self._task = asyncio.create_task(self._run(), name="ledger-event-relay")
            _active = self
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._connected.wait(), wait_s)

    async def stop(self) -> None:
        global _active
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        if _active is self:
            _active = None


_active: PgEventRelay | None = None


def relay_active() -> bool:
    """True when this process receives its ledger events through the relay (so must not publish them twice)."""
    return _active is not None


async def notify_other_instances(event: SessionRevoked) -> None:
    """On PostgreSQL, tell every instance's relay that a session ended (its WebSockets close there too)."""
    from tortoise.connection import get_connection

    conn = get_connection("default")
    if conn.capabilities.dialect == "postgres":
        await conn.execute_query("SELECT pg_notify($1, $2)", [SESSIONS_CHANNEL, encode_session_revoked(event)])

"""Ledger events and the in-process broker that fans them out after commit.

The ledger publishes ``EntryPosted`` and ``BalanceChanged`` only after its transaction
commits, so a subscriber never sees money that was rolled back. Across several
instances the same events will travel through PostgreSQL ``LISTEN/NOTIFY``: the ledger
transaction calls ``pg_notify`` (sent only on commit) and one listener connection per
process calls ``broker.publish`` locally; the payloads are ids and small numbers for that
reason (NOTIFY payloads are capped at 8000 bytes).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import date

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class EntryPosted:
    """A journal entry was committed; ``ledger_account_ids`` are the accounts it touched."""

    entry_id: int
    entry_type: str
    value_date: date
    ledger_account_ids: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class BalanceChanged:
    """A tracked account's balance is now ``balance_minor`` (natural sign, minor units)."""

    ledger_account_id: int
    entry_id: int
    balance_minor: int
    currency: str


@dataclass(frozen=True, slots=True)
class SessionRevoked:
    """A session ended before its time (sign-out, admin revocation, refresh-token reuse).

    Open WebSockets authenticated by that session close on it. ``principal_kind`` is
    ``staff``, ``member`` or ``partner``; ``reason`` is short text for the log, never a secret.
    """

    session_id: int
    principal_kind: str = ""
    principal_id: int = 0
    reason: str = ""


@dataclass(frozen=True, slots=True)
class DayEndProgress:
    """How the close of ``business_date`` is going, for the progress bar and the Day-end page.

    ``status`` is ``started``, ``progress``, ``completed``, ``skipped`` (done before a
    resume), ``failed`` (``message`` says why) or ``day_completed`` (the whole date).
    ``step_index`` of ``step_count`` places the step in the day; ``done`` of ``total``
    (None when unknown) is the step's own progress; ``rows`` what it wrote.
    """

    business_date: date
    step: str
    step_index: int
    step_count: int
    status: str
    rows: int = 0
    done: int = 0
    total: int | None = None
    message: str | None = None


@dataclass(frozen=True, slots=True)
class HoldChanged:
    """A hold on a tracked account was placed, posted, voided or expired (its available balance moved).

    ``held_minor`` is the account's held total afterwards, when known. Published in this
    process after commit (like the ledger's events).
    """

    ledger_account_id: int
    hold_id: int
    status: str
    held_minor: int | None
    currency: str


@dataclass(frozen=True, slots=True)
class PaymentUpdated:
    """A gateway payment order or payout of an account changed status (``kind``: ``order`` or ``payout``)."""

    ledger_account_id: int
    kind: str
    ref_id: int
    status: str


@dataclass(frozen=True, slots=True)
class InboxChanged:
    """A member's or staff user's notification inbox changed (new items, or items read).

    ``recipient`` is ``member`` or ``staff``; ``recipient_id`` their id. Published after
    commit by the background worker and by the read mutations; across instances through
    ``INBOX_CHANNEL``.
    """

    recipient: str
    recipient_id: int


Event = EntryPosted | BalanceChanged | SessionRevoked | DayEndProgress | HoldChanged | PaymentUpdated | InboxChanged


def event_topics(event: Event) -> tuple[str, ...]:
    """Topics an event is delivered on.

    Ledger events: ``ledger`` (everything) and ``account:<ledger id>``. Session events:
    ``sessions`` (everything) and ``session:<session id>`` (for one connection to wait on).
    Day-end progress: ``day_end``.
    """
    if isinstance(event, SessionRevoked):
        return ("sessions", f"session:{event.session_id}")
    if isinstance(event, DayEndProgress):
        return ("day_end",)
    if isinstance(event, InboxChanged):
        return (f"inbox:{event.recipient}:{event.recipient_id}",)
    if isinstance(event, EntryPosted):
        return ("ledger", *(f"account:{i}" for i in event.ledger_account_ids))
    if isinstance(event, (HoldChanged, PaymentUpdated)):
        return ("payments", f"account:{event.ledger_account_id}")
    return ("ledger", f"account:{event.ledger_account_id}")


class EventBroker:
    """Fan-out of events to asyncio queues, per topic.

    A slow subscriber must not stall postings: each queue is bounded and, when full, the
    oldest event is dropped for that subscriber (balances are state, the next event
    supersedes it) and the drop is logged.
    """

    def __init__(self, queue_size: int = 1000) -> None:
        self._queue_size = queue_size
        self._subscribers: dict[str, set[asyncio.Queue[Event]]] = {}
        self._listeners: dict[str, list[Callable[[Event], None]]] = {}

    def add_listener(self, topic: str, listener: Callable[[Event], None]) -> None:
        """Call ``listener(event)`` synchronously for every event on ``topic`` (for caches to invalidate)."""
        self._listeners.setdefault(topic, []).append(listener)

    def publish(self, event: Event) -> None:
        for topic in event_topics(event):
            for listener in self._listeners.get(topic, ()):
                listener(event)
        delivered: set[int] = set()  # a queue on two of the event's topics gets it once
        for topic in event_topics(event):
            for queue in self._subscribers.get(topic, ()):
                if id(queue) in delivered:
                    continue
                delivered.add(id(queue))
                if queue.full():
                    queue.get_nowait()
                    log.warning("event subscriber on %s is slow; dropped its oldest event", topic)
                queue.put_nowait(event)

    @asynccontextmanager
    async def subscribe(self, *topics: str) -> AsyncIterator[asyncio.Queue[Event]]:
        """One queue receiving every event on any of ``topics``, for the ``async with`` block."""
        queue: asyncio.Queue[Event] = asyncio.Queue(self._queue_size)
        for topic in topics:
            self._subscribers.setdefault(topic, set()).add(queue)
        try:
            yield queue
        finally:
            for topic in topics:
                subscribers = self._subscribers.get(topic)
                if subscribers is not None:
                    subscribers.discard(queue)
                    if not subscribers:
                        del self._subscribers[topic]

    def has_audience(self, *prefixes: str) -> bool:
        """True when a queue or listener is on a topic starting with one of ``prefixes`` (any topic
        when none is given): a batch of 80,000 entries need not be decoded for nobody."""
        topics = (*self._subscribers, *self._listeners)
        return any(t.startswith(prefixes) for t in topics) if prefixes else bool(topics)

    def subscriber_count(self, topic: str) -> int:
        return len(self._subscribers.get(topic, ()))


# The process's broker. Services publish here; the API layer subscribes here.
broker = EventBroker()


# --- carrying ledger events between processes over PostgreSQL LISTEN/NOTIFY ----------------

LEDGER_CHANNEL = "coopbank_ledger"


def encode_ledger_events(
    *, entry_id: int, entry_type: str, value_date: date, ledger_account_ids: tuple[int, ...],
    balances: dict[int, tuple[int, str]],
) -> str:
    """The NOTIFY payload of one posted entry: ids and numbers only (NOTIFY caps at 8000 bytes)."""
    import json

    return json.dumps(
        {"e": entry_id, "t": entry_type, "d": value_date.isoformat(), "a": list(ledger_account_ids),
         "b": [[i, b, c] for i, (b, c) in sorted(balances.items())]},
        separators=(",", ":"),
    )


def decode_ledger_events(payload: str) -> list[Event]:
    """The events an ``encode_ledger_events`` payload stands for, in publishing order."""
    import json

    data = json.loads(payload)
    events: list[Event] = [
        EntryPosted(entry_id=data["e"], entry_type=data["t"], value_date=date.fromisoformat(data["d"]),
                    ledger_account_ids=tuple(data["a"]))
    ]
    events += [BalanceChanged(ledger_account_id=i, entry_id=data["e"], balance_minor=b, currency=c) for i, b, c in data["b"]]
    return events


SESSIONS_CHANNEL = "coopbank_sessions"


def encode_session_revoked(event: SessionRevoked) -> str:
    import json

    return json.dumps({"s": event.session_id, "k": event.principal_kind, "p": event.principal_id, "r": event.reason[:100]})


def decode_session_revoked(payload: str) -> SessionRevoked:
    import json

    data = json.loads(payload)
    return SessionRevoked(session_id=data["s"], principal_kind=data["k"], principal_id=data["p"], reason=data["r"])


INBOX_CHANNEL = "coopbank_inbox"


def encode_inbox_changed(events: list[InboxChanged]) -> str:
    """NOTIFY payload for inbox changes: ``m12,m40,s3`` (ids only; chunk to stay under 8000 bytes)."""
    return ",".join(f"{e.recipient[0]}{e.recipient_id}" for e in events)


def decode_inbox_changed(payload: str) -> list[InboxChanged]:
    kinds = {"m": "member", "s": "staff"}
    return [InboxChanged(recipient=kinds[item[0]], recipient_id=int(item[1:])) for item in payload.split(",") if item]

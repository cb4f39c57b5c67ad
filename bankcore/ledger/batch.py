"""Posting many checked entries in one transaction, set-based (day-end steps that move money).

``post_entry`` is one entry, six round trips; a day-end step that collects 100,000 EMIs
cannot afford 600,000 of them. This path keeps every guarantee of ``post_entry`` for a
batch of entries posted in one transaction, with a fixed number of statements:

* the caller holds the business-date lock (``posting_window``) and has locked the
  tracked accounts with ``lock_accounts`` (``SELECT ... FOR UPDATE`` in ascending id
  order, the same order as ``post_entry``, so the two never deadlock);
* ``write_entries`` re-applies ``post_entry``'s checks to each draft *in order* against
  the locked balances (validity and balance of the entry, currency, control accounts,
  account status, floors with pending holds, value date, closed books, idempotency key
  not yet used); any failure raises and rolls the whole batch back: the caller sizes
  each entry to pass (e.g. ``min(due, available)``), so a failure here is a bug;
* then writes the entries, their postings, the cached balances (each account's last
  balance in the batch), one ``entry.posted`` outbox event per entry with the same
  payload as ``post_entry``'s and, on PostgreSQL, its ``NOTIFY`` (sent at commit only):
  PostgreSQL ``COPY`` for the rows and one ``UPDATE ... FROM unnest`` for the balances;
  SQLite multi-row ``executemany``.

After the commit the caller calls ``publish_batch`` (the in-process broker, when no relay
carries the NOTIFYs back). Cached balances equal the derived ones at every commit.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient

from bankcore.calendar.business_date import posting_window
from bankcore.errors import DomainError, ErrorCode
from bankcore.events import LEDGER_CHANNEL, broker, decode_ledger_events, encode_ledger_events
from bankcore.events_relay import relay_active
from bankcore.ledger.account_facts import account_facts, balance_deltas
from bankcore.ledger.posting_checks import CLOSED_TO_ALL, CLOSED_TO_OUTFLOW, check_postable, value_date_refusal
from bankcore.ledger.entry import EntryDraft, validate_entry
from bankcore.ledger.posting import (
    PostedEntry,
    _lock_tracked,
    _publish,
)
from bankcore.ledger.sql import fetch, is_postgres
from bankcore.models import EntryType
from bankcore.observability import ENTRIES_POSTED

_ENTRY_COLUMNS = ("id", "entry_type", "value_date", "posted_at", "narration", "initiator",
                  "idempotency_key", "request_fingerprint", "reverses_id", "source_ref")
_POSTING_COLUMNS = ("entry_id", "ledger_account_id", "side", "amount_minor", "currency", "value_date")
_OUTBOX_COLUMNS = ("topic", "ref_id", "payload", "created_at")


async def lock_accounts(conn: BaseDBAsyncClient, ledger_account_ids: set[int]) -> dict[int, dict[str, Any]]:
    """Lock the tracked accounts among ``ledger_account_ids`` (ascending id) in transaction ``conn``.

    Returns ``{id: {balance_minor, held_minor, floor_minor, status}}`` read under the lock.
    """
    facts = await account_facts(set(ledger_account_ids))
    return await _lock_tracked(conn, sorted(i for i in ledger_account_ids if facts[i].tracks_balance))


async def used_keys(conn: BaseDBAsyncClient, keys: Sequence[str]) -> set[str]:
    """The idempotency keys among ``keys`` that an entry already carries."""
    found: set[str] = set()
    for start in range(0, len(keys), 5_000):
        part = list(keys[start:start + 5_000])
        if is_postgres(conn):
            rows = await fetch(conn, "SELECT idempotency_key FROM journal_entry WHERE idempotency_key = ANY($1::text[])", [part])
        else:
            marks = ", ".join("?" * len(part))
            rows = await fetch(conn, f"SELECT idempotency_key FROM journal_entry WHERE idempotency_key IN ({marks})", part)
        found.update(r["idempotency_key"] for r in rows)
    return found


async def write_entries(conn: BaseDBAsyncClient, drafts: Sequence[EntryDraft], locked: dict[int, dict[str, Any]],
                        *, value_date: date) -> list[PostedEntry]:
    """Check and write ``drafts`` in order, valued ``value_date``, in transaction ``conn`` (see the module docstring).

    ``locked`` is ``lock_accounts``' answer for (at least) every tracked account the drafts
    touch; it is updated to the balances after the batch. Every draft needs an idempotency
    key (the guard that makes a re-run of the step post nothing twice). Returns the posted
    entries in order. Raises ``DomainError`` with ``post_entry``'s codes; nothing is written then.
    """
    if not drafts:
        return []
    today, closed_through = await posting_window(conn)
    for entry_type in {EntryType(d.entry_type) for d in drafts}:
        refusal = value_date_refusal(value_date, today, closed_through, entry_type)
        if refusal is not None:
            raise refusal
    keys = []
    for draft in drafts:
        validate_entry(draft)
        if not draft.idempotency_key:
            raise DomainError(ErrorCode.INVALID_INPUT, "every batched entry needs an idempotency key")
        if draft.posts_hold_id is not None:
            raise DomainError(ErrorCode.INVALID_INPUT, "a batched entry cannot post a hold (use post_entry)")
        keys.append(draft.idempotency_key)
    if len(set(keys)) != len(keys) or await used_keys(conn, keys):
        raise DomainError(ErrorCode.IDEMPOTENCY_CONFLICT, "an idempotency key of the batch is already used")
    facts = await account_facts({p.ledger_account_id for d in drafts for p in d.postings})
    afters: list[dict[int, int]] = []
    for draft in drafts:
        check_postable(draft.postings, facts)
        after: dict[int, int] = {}
        for account_id, delta in sorted(balance_deltas(draft.postings, facts).items()):
            if not facts[account_id].tracks_balance:
                continue
            row = locked.get(account_id)
            if row is None:
                raise DomainError(ErrorCode.INVALID_INPUT, f"account {facts[account_id].code} was not locked")
            if row["status"] in CLOSED_TO_ALL or (delta < 0 and row["status"] in CLOSED_TO_OUTFLOW):
                raise DomainError(ErrorCode.ACCOUNT_NOT_ACTIVE, f"account {facts[account_id].code} is {row['status']}")
            balance = row["balance_minor"] + delta
            floor = row["floor_minor"]
            if delta < 0 and floor is not None and balance - row["held_minor"] < floor:
                raise DomainError(ErrorCode.INSUFFICIENT_FUNDS, f"account {facts[account_id].code} has insufficient funds")
            row["balance_minor"] = after[account_id] = balance
        afters.append(after)

    posted_at = datetime.now(UTC)
    pg = is_postgres(conn)
    if pg:
        ids = [r["id"] for r in await fetch(
            conn, "SELECT nextval(pg_get_serial_sequence('journal_entry', 'id')) AS id FROM generate_series(1, $1)",
            [len(drafts)])]
    else:
        # SQLite: one writer (Tortoise's transaction lock), so the next ids are ours.
        rows = await fetch(conn, "SELECT MAX(COALESCE((SELECT seq FROM sqlite_sequence WHERE name = 'journal_entry'), 0), "
                                 "COALESCE((SELECT MAX(id) FROM journal_entry), 0)) AS last_id", [])
        ids = list(range(int(rows[0]["last_id"]) + 1, int(rows[0]["last_id"]) + 1 + len(drafts)))
    stamp: Any = posted_at if pg else str(posted_at)  # Tortoise's own text form on SQLite
    day: Any = value_date if pg else value_date.isoformat()
    entries, postings, outbox, payloads, results = [], [], [], [], []
    for entry_id, draft, after in zip(ids, drafts, afters, strict=True):
        entries.append((entry_id, draft.entry_type.value, day, stamp, draft.narration, draft.initiator,
                        draft.idempotency_key, draft.request_fingerprint, draft.reverses_id, draft.source_ref))
        postings += [(entry_id, p.ledger_account_id, p.side.value, p.amount_minor, p.currency, day) for p in draft.postings]
        payload = encode_ledger_events(
            entry_id=entry_id, entry_type=draft.entry_type.value, value_date=value_date,
            ledger_account_ids=tuple(sorted({p.ledger_account_id for p in draft.postings})),
            balances={i: (b, facts[i].currency) for i, b in after.items()},
        )
        payloads.append(payload)
        outbox.append(("entry.posted", entry_id, payload, stamp))
        results.append(PostedEntry(entry_id=entry_id, entry_type=EntryType(draft.entry_type), value_date=value_date,
                                   posted_at=posted_at, narration=draft.narration, postings=draft.postings,
                                   balances_minor=after))
    final: dict[int, int] = {}
    for after in afters:
        final.update(after)
    touched = sorted(final)
    if pg:
        raw = conn._connection  # type: ignore[attr-defined]  # the asyncpg connection of this transaction
        await raw.copy_records_to_table("journal_entry", records=entries, columns=_ENTRY_COLUMNS)
        await raw.copy_records_to_table("posting", records=postings, columns=_POSTING_COLUMNS)
        await raw.copy_records_to_table("outbox_event", records=outbox, columns=_OUTBOX_COLUMNS)
        if touched:
            await raw.execute("UPDATE ledger_account AS la SET balance_minor = v.balance "
                              "FROM unnest($1::bigint[], $2::bigint[]) AS v(id, balance) WHERE la.id = v.id",
                              touched, [final[i] for i in touched])
        # sent by PostgreSQL at commit only, like post_entry's
        await raw.execute("SELECT pg_notify($1, p) FROM unnest($2::text[]) AS p", LEDGER_CHANNEL, payloads)
    else:
        def insert(table: str, columns: tuple[str, ...]) -> str:
            return f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"

        await conn.execute_many(insert("journal_entry", _ENTRY_COLUMNS), [list(e) for e in entries])
        await conn.execute_many(insert("posting", _POSTING_COLUMNS), [list(p) for p in postings])
        await conn.execute_many(insert("outbox_event", _OUTBOX_COLUMNS), [list(o) for o in outbox])
        if touched:
            await conn.execute_many("UPDATE ledger_account SET balance_minor = ? WHERE id = ?", [[final[i], i] for i in touched])
    return results


async def publish_batch(posted: Sequence[PostedEntry]) -> None:
    """After the batch's commit: count the entries and publish their events in this process (as ``post_entry``)."""
    if not posted:
        return
    facts = await account_facts({p.ledger_account_id for e in posted for p in e.postings})
    for entry in posted:
        ENTRIES_POSTED.labels(entry.entry_type.value).inc()
        if not relay_active():  # with a relay, the NOTIFY comes back to this process too
            _publish(entry, facts)


def publish_payloads(entry_type: str, posted: int, payloads: Sequence[str]) -> None:
    """After a set-based batch's commit: count its ``posted`` entries and publish their events in this process.

    ``payloads`` are the entries' ``encode_ledger_events`` payloads (their NOTIFYs). With a
    relay the NOTIFYs come back to this process; without one, nobody listening means
    nothing to publish.
    """
    if not posted:
        return
    ENTRIES_POSTED.labels(entry_type).inc(posted)
    if relay_active() or not broker.has_audience("ledger", "account:"):  # the topics of ledger events
        return
    for payload in payloads:
        for event in decode_ledger_events(payload):
            broker.publish(event)

"""One group-commit batch as one transaction: lock, check each entry in turn, write the accepted.

The steps (``bankcore.ledger.group_commit``'s module docstring, 1-5): the business date under
the day-end lock, the tracked accounts locked in ascending id order, the idempotency keys
looked up and entry ids drawn, each entry checked in submission order against the running
balances (a refused entry leaves them as they were), the accepted entries written at once
(``bankcore.ledger.group_commit_write``). Outcomes only: publishing and answering the
waiters come after the commit, in ``group_commit``.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.transactions import in_transaction

from bankcore.calendar.business_date import posting_window
from bankcore.errors import DomainError, ErrorCode
from bankcore.ledger.account_facts import AccountFacts
from bankcore.ledger.entry import EntryDraft
from bankcore.ledger.group_commit_write import write_pg, write_sqlite
from bankcore.ledger.posting import PostedEntry, _lock_tracked
from bankcore.ledger.posting_checks import CLOSED_TO_ALL, CLOSED_TO_OUTFLOW
from bankcore.ledger.sql import fetch, is_postgres
from bankcore.models import EntryType
from bankcore.money import Money


@dataclass(slots=True)
class BatchItem:
    """An entry waiting for a batch: its draft, its accounts' facts, their balance changes, its waiter."""

    draft: EntryDraft
    facts: dict[int, AccountFacts]
    deltas: dict[int, int]
    future: asyncio.Future[PostedEntry]


@dataclass(slots=True)
class BatchOutcome:
    """What the batch decided for one item: posted (``after`` balances), refused, or a replay."""

    error: DomainError | None = None
    after: dict[int, int] = field(default_factory=dict)
    value_date: date | None = None
    replay_of: int | None = None  # index of an accepted item of this batch with the same key
    replay_stored: bool = False  # the key is on an entry committed before this batch
    accepted: bool = False
    entry_id: int | None = None
    posted_at: datetime | None = None


def _refusal(item: BatchItem, locked: dict[int, dict[str, Any]], *, today: date, closed_through: date | None,
             value_date: date) -> DomainError | None:
    """Why ``post_entry`` would refuse this item against ``locked`` (running balances), or None."""
    if value_date > today:
        return DomainError(ErrorCode.VALUE_DATE_IN_FUTURE,
                           f"value date {value_date.isoformat()} is after the business date {today.isoformat()}",
                           field="value_date")
    if closed_through is not None and value_date <= closed_through and item.draft.entry_type is not EntryType.YEAR_END:
        return DomainError(ErrorCode.PERIOD_CLOSED,
                           f"the books are closed through {closed_through.isoformat()} (financial year closed); "
                           f"value date {value_date.isoformat()} is refused", field="value_date")
    for account_id in sorted(item.deltas):
        fact = item.facts[account_id]
        if not fact.tracks_balance:
            continue
        row, delta = locked[account_id], item.deltas[account_id]
        status = row["status"]
        if status in CLOSED_TO_ALL or (delta < 0 and status in CLOSED_TO_OUTFLOW):
            return DomainError(ErrorCode.ACCOUNT_NOT_ACTIVE, f"account {fact.code} is {status}", field="account_number")
        balance, held, floor = row["balance_minor"] + delta, row["held_minor"], row["floor_minor"]
        if delta < 0 and floor is not None and balance - held < floor:
            if floor > 0:
                may_take = max(0, row["balance_minor"] - held - floor)
                return DomainError(ErrorCode.MIN_BALANCE,
                                   f"account {fact.code} keeps a minimum balance of {Money(floor, fact.currency)}: "
                                   f"at most {Money(may_take, fact.currency)} may be taken", field="amount")
            return DomainError(ErrorCode.INSUFFICIENT_FUNDS, f"account {fact.code} has insufficient funds", field="amount")
    return None


async def commit_batch(batch: Sequence[BatchItem]) -> list[BatchOutcome]:
    """Check and write ``batch`` in one transaction (module docstring, steps 1-5); one outcome per item."""
    tracked = sorted({i for item in batch for i in item.deltas if item.facts[i].tracks_balance})
    keys = sorted({item.draft.idempotency_key for item in batch if item.draft.idempotency_key is not None})
    outcomes = [BatchOutcome() for _ in batch]
    async with in_transaction() as conn:
        pg = is_postgres(conn)
        today, closed_through = await posting_window(conn)
        locked = await _lock_tracked(conn, tracked)
        stored, ids = await _keys_and_ids(conn, keys, len(batch))
        accepted: dict[str, int] = {}  # key -> index of the accepted item carrying it
        for index, (item, outcome) in enumerate(zip(batch, outcomes, strict=True)):
            draft = item.draft
            key = draft.idempotency_key
            if key is not None and (key in stored or key in accepted):
                first_fp = stored[key] if key in stored else batch[accepted[key]].draft.request_fingerprint
                if first_fp != draft.request_fingerprint:
                    outcome.error = DomainError(ErrorCode.IDEMPOTENCY_CONFLICT,
                                                "this idempotency key was already used for a different request",
                                                field="idempotency_key")
                elif key in stored:
                    outcome.replay_stored = True
                else:
                    outcome.replay_of = accepted[key]
                continue
            value_date = draft.value_date or today
            outcome.error = _refusal(item, locked, today=today, closed_through=closed_through, value_date=value_date)
            if outcome.error is not None:
                continue
            for account_id, delta in item.deltas.items():
                if item.facts[account_id].tracks_balance:
                    locked[account_id]["balance_minor"] += delta
                    outcome.after[account_id] = locked[account_id]["balance_minor"]
            outcome.accepted, outcome.value_date, outcome.entry_id = True, value_date, ids[index]
            if key is not None:
                accepted[key] = index
        written = [(item, outcome) for item, outcome in zip(batch, outcomes, strict=True) if outcome.accepted]
        if written:
            final = {i: row["balance_minor"] for i, row in locked.items()}
            await (write_pg if pg else write_sqlite)(conn, written, final)
    return outcomes


async def _keys_and_ids(conn: BaseDBAsyncClient, keys: list[str], count: int) -> tuple[dict[str, str | None], list[int | None]]:
    """Fingerprints of the keys already used, and ``count`` fresh entry ids (PostgreSQL; None on SQLite)."""
    if is_postgres(conn):
        rows = await fetch(
            conn,
            "SELECT idempotency_key AS key, request_fingerprint AS fp, NULL::bigint AS id FROM journal_entry "
            "WHERE idempotency_key = ANY($1::text[]) UNION ALL "
            "SELECT NULL, NULL, nextval(pg_get_serial_sequence('journal_entry', 'id')) FROM generate_series(1, $2)",
            [keys, count],
        )
        return {r["key"]: r["fp"] for r in rows if r["key"] is not None}, [r["id"] for r in rows if r["id"] is not None]
    stored: dict[str, str | None] = {}
    if keys:
        rows = await fetch(conn, "SELECT idempotency_key AS key, request_fingerprint AS fp FROM journal_entry "
                                 f"WHERE idempotency_key IN ({', '.join('?' * len(keys))})", keys)
        stored = {r["key"]: r["fp"] for r in rows}
    return stored, [None] * count



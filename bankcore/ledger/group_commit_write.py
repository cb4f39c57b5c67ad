"""Writing a group-commit batch's accepted entries: one statement on PostgreSQL, a few on SQLite.

Entries, postings, ``entry.posted`` outbox events and the cached balances (and on
PostgreSQL the ``NOTIFY``s, sent at commit only) inside the batch's transaction.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from tortoise.backends.base.client import BaseDBAsyncClient

from bankcore.events import LEDGER_CHANNEL, encode_ledger_events
from bankcore.ledger.sql import fetch

if TYPE_CHECKING:
    from bankcore.ledger.group_commit_batch import BatchItem, BatchOutcome


def _payload(item: BatchItem, outcome: BatchOutcome, entry_id: int) -> str:
    assert outcome.value_date is not None
    return encode_ledger_events(
        entry_id=entry_id, entry_type=item.draft.entry_type.value, value_date=outcome.value_date,
        ledger_account_ids=tuple(sorted(item.deltas)),
        balances={i: (b, item.facts[i].currency) for i, b in outcome.after.items()},
    )


async def write_pg(conn: BaseDBAsyncClient, written: list[tuple[BatchItem, BatchOutcome]], final: dict[int, int]) -> None:
    """Entries, postings, outbox events, balances and NOTIFYs in one statement."""
    posted_at = datetime.now(UTC)
    e_cols: list[list[Any]] = [[] for _ in range(10)]
    p_cols: list[list[Any]] = [[] for _ in range(6)]
    payloads: list[str] = []
    for item, outcome in written:
        d, entry_id = item.draft, outcome.entry_id
        assert entry_id is not None
        for col, value in zip(e_cols, (entry_id, d.entry_type.value, outcome.value_date, posted_at, d.narration,
                                       d.initiator, d.idempotency_key, d.request_fingerprint, d.reverses_id,
                                       d.source_ref), strict=True):
            col.append(value)
        for p in d.postings:
            for col, value in zip(p_cols, (entry_id, p.ledger_account_id, p.side.value, p.amount_minor, p.currency,
                                           outcome.value_date), strict=True):
                col.append(value)
        payloads.append(_payload(item, outcome, entry_id))
        outcome.posted_at = posted_at
    touched = sorted(final)
    await conn.execute_query(
        "WITH e AS (INSERT INTO journal_entry (id, entry_type, value_date, posted_at, narration, initiator, "
        "idempotency_key, request_fingerprint, reverses_id, source_ref) SELECT * FROM unnest($1::bigint[], $2::text[], "
        "$3::date[], $4::timestamptz[], $5::text[], $6::text[], $7::text[], $8::text[], $9::bigint[], $10::text[])), "
        "p AS (INSERT INTO posting (entry_id, ledger_account_id, side, amount_minor, currency, value_date) "
        "SELECT * FROM unnest($11::bigint[], $12::bigint[], $13::text[], $14::bigint[], $15::text[], $16::date[])), "
        "o AS (INSERT INTO outbox_event (topic, ref_id, payload, created_at) "
        "SELECT 'entry.posted', r, pl, $4[1] FROM unnest($1::bigint[], $17::text[]) AS x(r, pl)), "
        "u AS (UPDATE ledger_account AS la SET balance_minor = v.balance "
        "FROM unnest($18::bigint[], $19::bigint[]) AS v(id, balance) WHERE la.id = v.id) "
        # sent by PostgreSQL at commit only, like post_entry's
        "SELECT pg_notify($20, pl) FROM unnest($17::text[]) AS pl",
        [*e_cols, *p_cols, payloads, touched, [final[i] for i in touched], LEDGER_CHANNEL],
    )


async def write_sqlite(conn: BaseDBAsyncClient, written: list[tuple[BatchItem, BatchOutcome]], final: dict[int, int]) -> None:
    """SQLite: one writer at a time in this process, so plain statements in the batch's transaction."""
    posted_at = datetime.now(UTC)
    postings, outbox = [], []
    for item, outcome in written:
        d = item.draft
        rows = await fetch(
            conn,
            "INSERT INTO journal_entry (entry_type, value_date, posted_at, narration, initiator, idempotency_key, "
            "request_fingerprint, reverses_id, source_ref) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
            [d.entry_type.value, outcome.value_date, posted_at, d.narration, d.initiator, d.idempotency_key,
             d.request_fingerprint, d.reverses_id, d.source_ref],
        )
        outcome.entry_id = entry_id = rows[0]["id"]
        outcome.posted_at = posted_at
        postings += [[entry_id, p.ledger_account_id, p.side.value, p.amount_minor, p.currency,
                      outcome.value_date.isoformat()] for p in d.postings]  # type: ignore[union-attr]
        outbox.append([entry_id, _payload(item, outcome, entry_id), str(posted_at)])
    await conn.execute_many("INSERT INTO posting (entry_id, ledger_account_id, side, amount_minor, currency, value_date) "
                            "VALUES (?, ?, ?, ?, ?, ?)", postings)
    await conn.execute_many("INSERT INTO outbox_event (topic, ref_id, payload, created_at) "
                            "VALUES ('entry.posted', ?, ?, ?)", outbox)
    await conn.execute_many("UPDATE ledger_account SET balance_minor = ? WHERE id = ?", [[b, i] for i, b in sorted(final.items())])

"""The set-based batch path into the ledger, for imports of history (ARCHITECTURE.md §5).

``write_entries_bulk`` (journal entry drafts) and ``write_transfers_bulk`` (two-legged
entries as plain tuples, the shape of every imported transaction) write many entries in
chunks. Each chunk is one transaction that

1. drops entries whose ``source_ref`` is already in ``journal_entry`` (a re-run, or a run
   resumed after a crash, writes each entry once);
2. inserts the entries and their postings set-based: PostgreSQL ``COPY`` of a text buffer
   built straight from the rows (no per-row objects in between), SQLite one multi-row
   ``executemany``;
3. adds each tracked account's net change to ``ledger_account.balance_minor`` in one
   statement, in its natural sign (debits minus credits for assets and expenses,
   credits minus debits otherwise), under one ``EXCLUSIVE`` table lock on
   ``ledger_account`` on PostgreSQL (readers pass, live postings wait at their own
   ``FOR UPDATE`` for the chunk's commit, so the two queue rather than deadlock; SQLite
   runs one transaction at a time anyway),

so at every commit each cached balance equals the sum of its postings.

On PostgreSQL, a first load into an empty ledger is one transaction instead, each chunk
under a savepoint, the two random-order indexes built after the rows and the balances
updated once (``bulk_first``). Otherwise several chunks are written at once, each on its
own connection (``streams``, ``bulk_pg``): their ``COPY``s run side by side in separate
backends, while the ids they draw and their commits keep the input's order (chunk n+1
draws its ids after chunk n and takes the balance lock only once chunk n has committed).
Either way entry ids follow the input, and whatever has committed is always a prefix of
it: after an error, the chunks before the failing one are committed and none after it.
The rows and their checks are ``bulk_rows``'s.

Unlike ``post_entry`` this path does **not** check floors, account status or idempotency
keys: imported history is fact (a data set's overdraft happened, whatever today's floor
says), and refusing part of it would leave a ledger that disagrees with its source. It
still refuses what would corrupt the ledger: unbalanced drafts, unknown or control
accounts, a posting in a currency other than its account's, and entries without a unique
``source_ref`` (the key that makes re-runs safe).
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, datetime
from itertools import islice
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.transactions import in_transaction

from bankcore.errors import DomainError, ErrorCode
from bankcore.ledger.bulk_first import write_first_load
from bankcore.ledger.bulk_pg import PgChunkWriter, PgSequences
from bankcore.ledger.bulk_rows import (
    ENTRY_COLUMNS,
    POSTING_COLUMNS,
    ChunkCallback,
    Chunk,
    DraftChunk,
    Facts,
    Transfer,
    TransferChunk,
)
from bankcore.ledger.entry import EntryDraft
from bankcore.money import currency_exponent

DEFAULT_CHUNK_SIZE = 10_000
# PostgreSQL chunks in flight at once, each in its own backend. Two keep both cores of a
# small server busy (one backend's COPY while the other's waits for the balance lock or
# this process builds the next buffer); more only queue on the same cores.
DEFAULT_STREAMS = 2


async def _existing_refs_sqlite(conn: BaseDBAsyncClient, refs: list[str]) -> set[str]:
    # json_each passes the whole list as one parameter (SQLite caps bound variables).
    _, rows = await conn.execute_query(
        "SELECT source_ref FROM journal_entry WHERE source_ref IN (SELECT value FROM json_each(?))",
        [json.dumps(refs)],
    )
    return {r["source_ref"] for r in rows}


async def _write_chunk_sqlite(conn: BaseDBAsyncClient, chunk: Chunk, facts: Facts) -> int:
    # SQLite: one process, one writer; Tortoise's transaction lock serialises us with the
    # rest of the process, so reading the next id inside the transaction is safe.
    existing = await _existing_refs_sqlite(conn, chunk.refs)
    keep = [i for i, ref in enumerate(chunk.refs) if ref not in existing]
    if not keep:
        return 0
    _, rows = await conn.execute_query(
        "SELECT MAX(COALESCE((SELECT seq FROM sqlite_sequence WHERE name = 'journal_entry'), 0), "
        "COALESCE((SELECT MAX(id) FROM journal_entry), 0)) AS last_id"
    )
    next_id = int(rows[0]["last_id"]) + 1
    posted_at = str(datetime.now(UTC))  # Tortoise's own text form for SQLite timestamps
    entries, postings = chunk.sqlite_rows(keep, range(next_id, next_id + len(keep)), posted_at)
    await conn.execute_many(
        f"INSERT INTO journal_entry ({', '.join(ENTRY_COLUMNS)}) VALUES ({', '.join('?' * len(ENTRY_COLUMNS))})",
        [list(e) for e in entries],
    )
    await conn.execute_many(
        f"INSERT INTO posting ({', '.join(POSTING_COLUMNS)}) VALUES ({', '.join('?' * len(POSTING_COLUMNS))})",
        [list(p) for p in postings],
    )
    deltas = chunk.deltas(keep, facts)
    if deltas:
        await conn.execute_many(
            "UPDATE ledger_account SET balance_minor = balance_minor + ? WHERE id = ?",
            [[deltas[k], k] for k in sorted(deltas)],
        )
    return len(keep)


async def _write_chunks(chunks: Iterator[Chunk], *, on_chunk: ChunkCallback | None, connection_name: str,
                        streams: int) -> int:
    from tortoise.connection import connections

    if streams < 1:
        raise ValueError("streams must be at least 1")
    facts = Facts()
    pool = connections.get(connection_name)
    postgres = pool.capabilities.dialect == "postgres"
    processed = written = 0

    def report(size: int, new: int) -> None:
        nonlocal processed, written
        processed += size
        written += new
        if on_chunk is not None:
            on_chunk(processed, written)

    if postgres:
        first = await write_first_load(chunks, facts=facts, pool=pool, connection_name=connection_name, report=report)
        if first is not None:
            return first
    # Build and check chunk n+1 in a worker thread while chunk n is written: the database
    # does most of a chunk's work while this process only waits on the socket, so the two
    # overlap (only this thread ever touches the source iterator, one chunk at a time).
    upcoming = asyncio.ensure_future(asyncio.to_thread(next, chunks, None))
    running: list[tuple[asyncio.Task[int], PgChunkWriter]] = []
    try:
        if postgres:
            sequences = await PgSequences.read(pool)
        while (chunk := await upcoming) is not None:
            upcoming = asyncio.ensure_future(asyncio.to_thread(next, chunks, None))
            if not postgres:
                async with in_transaction(connection_name) as conn:
                    await facts.load(conn, chunk.accounts)
                    chunk.check_currencies(facts)
                    report(len(chunk), await _write_chunk_sqlite(conn, chunk, facts))
                continue
            await facts.load(pool, chunk.accounts)
            chunk.check_currencies(facts)
            while len(running) >= streams:
                # Chunks commit in order: the oldest is the next to end (or to fail).
                task, done_writer = running[0]
                new = await task
                running.pop(0)
                report(len(done_writer.chunk), new)
            writer = PgChunkWriter(
                chunk, facts, sequences, connection_name, set().union(*(w.chunk.refs for _, w in running)),
                running[-1][1] if running else None,
            )
            running.append((asyncio.ensure_future(writer.run()), writer))
        while running:
            task, done_writer = running[0]
            new = await task
            running.pop(0)
            report(len(done_writer.chunk), new)
    finally:
        # After an error, let the chunks in flight end (those after the failing one roll
        # back: each waits for its predecessor's commit) and the prefetch finish quietly.
        if running:
            await asyncio.gather(*(t for t, _ in running), return_exceptions=True)
            for task, done_writer in running:
                if task.cancelled() or task.exception() is not None:
                    break
                report(len(done_writer.chunk), task.result())
        upcoming.add_done_callback(lambda f: f.cancelled() or f.exception())
    return written


def _chunks(items: Iterable[Any], size: int, make: Callable[[list[Any]], Chunk]) -> Iterator[Chunk]:
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield make(batch)


async def write_entries_bulk(
    drafts: Iterable[EntryDraft],
    *,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
    on_chunk: ChunkCallback | None = None,
    connection_name: str = "default",
    streams: int = DEFAULT_STREAMS,
) -> int:
    """Write ``drafts`` in order, ``chunk_size`` per transaction; return how many were new.

    Drafts whose ``source_ref`` already exists are skipped, so a re-run adds nothing and
    an interrupted run resumes where it stopped (each committed chunk is complete, and the
    committed chunks are a prefix of the input). Entry ids follow the drafts' order. Floors,
    statuses and idempotency keys are not checked (see the module docstring). Up to
    ``streams`` chunks are written at once on PostgreSQL. ``on_chunk(processed, written)``
    is called after each chunk is written (committed; in a first load, written in the
    load's transaction), in order, with running totals of drafts seen and entries written.

    Raises ``DomainError``: ``INVALID_INPUT`` (missing or repeated ``source_ref`` within a
    chunk, no value date), the codes of ``validate_entry``, ``NOT_FOUND`` (unknown ledger
    account), ``NOT_POSTABLE`` (control account), ``CURRENCY_MISMATCH``. Chunks committed
    before the error stay committed.
    """
    if chunk_size < 1:
        raise ValueError("chunk_size must be at least 1")
    return await _write_chunks(_chunks(drafts, chunk_size, DraftChunk), on_chunk=on_chunk,
                               connection_name=connection_name, streams=streams)


async def write_transfers_bulk(
    transfers: Iterable[Transfer],
    *,
    initiator: str,
    currency: str,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
    on_chunk: ChunkCallback | None = None,
    connection_name: str = "default",
    streams: int = DEFAULT_STREAMS,
) -> int:
    """``write_entries_bulk`` for two-legged entries given as ``Transfer`` tuples; return how many were new.

    Each tuple is (entry type, value date, narration, source_ref, debit ledger account id,
    credit ledger account id, amount in minor units), both legs in ``currency``, all by
    ``initiator``: an import's rows go from its source straight into the COPY buffers, with
    no draft objects in between. The same checks, errors and guarantees as
    ``write_entries_bulk`` (such an entry balances by its shape).
    """
    if chunk_size < 1:
        raise ValueError("chunk_size must be at least 1")
    currency_exponent(currency)  # UNSUPPORTED_CURRENCY before anything is read
    if not initiator or len(initiator) > 100:
        raise DomainError(ErrorCode.INVALID_INPUT, "initiator must be 1-100 characters", field="initiator")
    return await _write_chunks(
        _chunks(transfers, chunk_size, lambda rows: TransferChunk(rows, initiator, currency)),
        on_chunk=on_chunk, connection_name=connection_name, streams=streams,
    )


__all__ = ["DEFAULT_CHUNK_SIZE", "DEFAULT_STREAMS", "Transfer", "write_entries_bulk", "write_transfers_bulk"]

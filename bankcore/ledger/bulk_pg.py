"""PostgreSQL's streams of the batch ledger path: chunks written side by side, committed in order.

Used when the ledger already holds entries (a first load into empty tables goes through
``bulk_first`` instead). Each chunk is one transaction on its own connection; see
``bankcore.ledger.bulk`` for the order its ids, balance updates and commits keep.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.transactions import in_transaction

from bankcore.ledger.bulk_rows import PG_POSTING_COLUMNS, Chunk, Facts


async def existing_refs_pg(raw: object, refs: list[str]) -> set[str]:
    """The ``refs`` already in ``journal_entry`` (``raw``: an asyncpg connection)."""
    rows = await raw.fetch(  # type: ignore[attr-defined]
        "SELECT source_ref FROM journal_entry WHERE source_ref = ANY($1::text[])", refs
    )
    return {r["source_ref"] for r in rows}


class PgSequences:
    """The oids of the id sequences of ``journal_entry`` and ``posting``, read once per call."""

    def __init__(self, entry: int, posting: int) -> None:
        self.entry = entry
        self.posting = posting

    @classmethod
    async def read(cls, conn: BaseDBAsyncClient) -> PgSequences:
        _, rows = await conn.execute_query(
            "SELECT pg_get_serial_sequence('journal_entry', 'id')::regclass::oid AS entry, "
            "pg_get_serial_sequence('posting', 'id')::regclass::oid AS posting"
        )
        return cls(int(rows[0]["entry"]), int(rows[0]["posting"]))


class PgChunkWriter:
    """Writes one chunk on its own connection, in order with the chunks before it (see the module docstring)."""

    def __init__(self, chunk: Chunk, facts: Facts, sequences: PgSequences, connection_name: str,
                 in_flight: set[str], before: PgChunkWriter | None) -> None:
        self.chunk = chunk
        self.facts = facts
        self.sequences = sequences
        self.connection_name = connection_name
        # Refs of the chunks still uncommitted when this one was started: its lookup cannot
        # see them yet, and they are written (or fail, and this chunk with them) before it.
        self.in_flight = in_flight
        self.ids_drawn_before = before.ids_drawn if before is not None else None
        self.committed_before = before.committed if before is not None else None
        loop = asyncio.get_running_loop()
        self.ids_drawn: asyncio.Future[None] = loop.create_future()
        self.committed: asyncio.Future[int] = loop.create_future()
        for future in (self.ids_drawn, self.committed):
            future.add_done_callback(lambda f: f.cancelled() or f.exception())  # read by the next chunk, if any

    async def run(self) -> int:
        try:
            written = await self._write()
        except BaseException as exc:
            for future in (self.ids_drawn, self.committed):
                if not future.done():
                    future.set_exception(exc)
            raise
        self.committed.set_result(written)
        return written

    async def _write(self) -> int:
        chunk = self.chunk
        async with in_transaction(self.connection_name) as conn:
            raw = conn._connection  # type: ignore[attr-defined]  # the asyncpg connection of this transaction
            # Every lookup below is a handful of keys against a unique index. With stale planner
            # statistics (a table just truncated, or grown by this very import faster than
            # autovacuum analyses it) PostgreSQL picks a sequential scan per chunk instead, and
            # the import slows quadratically (measured: 0.03 s -> 3.7 s per 10k-entry chunk).
            # ROW EXCLUSIVE on ledger_account from before the ids are drawn until the commit:
            # a balance snapshot (its SHARE lock) then waits for every chunk in flight, so
            # every posting id below the highest committed one is committed when it reads
            # it. The mode does not conflict with itself: the streams run side by side.
            await raw.execute("SET LOCAL enable_seqscan = off; LOCK TABLE ledger_account IN ROW EXCLUSIVE MODE")
            existing = await existing_refs_pg(raw, chunk.refs)
            in_flight = self.in_flight
            keep = [i for i, ref in enumerate(chunk.refs) if ref not in existing and ref not in in_flight]
            if self.ids_drawn_before is not None:
                await self.ids_drawn_before
            # Ids from the tables' own sequences, so live postings and this import never
            # collide, drawn in the chunks' order: entry and posting ids follow the input (a
            # statement lists an account's postings of a day by posting id).
            ids: list[int] = []
            posting_ids: list[int] = []
            if keep:
                ids, posting_ids = await raw.fetchrow(
                    "SELECT (SELECT array_agg(nextval($1::oid::regclass)) FROM generate_series(1, $2)), "
                    "(SELECT array_agg(nextval($3::oid::regclass)) FROM generate_series(1, $4))",
                    self.sequences.entry, len(keep), self.sequences.posting, chunk.posting_count(keep),
                )
            self.ids_drawn.set_result(None)
            deltas: dict[int, int] = {}
            if keep:
                entries, postings = chunk.pg_buffers(keep, ids, posting_ids, datetime.now(UTC).isoformat())
                # A memoryview, since asyncpg takes bytes for a file name.
                await raw.copy_to_table("journal_entry", source=memoryview(entries), columns=chunk.entry_columns,
                                        format="text")
                await raw.copy_to_table("posting", source=memoryview(postings), columns=PG_POSTING_COLUMNS,
                                        format="text")
                deltas = chunk.deltas(keep, self.facts)
            if self.committed_before is not None:
                # Chunks commit in order; the balances are updated by one chunk at a time.
                await self.committed_before
            if deltas:
                # The update locks the accounts' rows in ascending id order (a nested loop
                # over the sorted ids, each row through the primary key), as live postings
                # lock theirs: the two queue and cannot deadlock. A table lock would also
                # conflict with the other streams' ROW EXCLUSIVE above.
                await raw.execute(
                    "SET LOCAL enable_hashjoin = off; SET LOCAL enable_mergejoin = off; "
                    "SET LOCAL enable_bitmapscan = off"
                )
                keys = sorted(deltas)
                await raw.execute(
                    "UPDATE ledger_account AS la SET balance_minor = la.balance_minor + v.delta "
                    "FROM unnest($1::bigint[], $2::bigint[]) AS v(id, delta) WHERE la.id = v.id",
                    keys,
                    [deltas[k] for k in keys],
                )
        return len(keep)

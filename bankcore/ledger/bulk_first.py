"""A first load into an empty ledger (PostgreSQL): every chunk in one transaction, two indexes built after.

When ``journal_entry`` and ``posting`` are both empty and can be locked at once (nothing
reads them: the bank has never posted), the whole load is one transaction holding both
tables ``ACCESS EXCLUSIVE``, so no one ever sees them half-loaded or without an index:

* the two indexes whose keys arrive in random order (``posting_account_date_idx`` by
  account, ``journal_entry_source_ref_key`` by the source's own key) are dropped and built
  again from the loaded rows before the commit (maintained row by row they were most of
  the database's work: each insert a random leaf, a page read, a dirty page written, a
  full-page image after each checkpoint). The unique index's guarantee holds meanwhile:
  the tables were empty and are locked, and a ref seen earlier in the load is skipped as
  a re-run would skip it; its build would refuse a duplicate and roll the load back;
* the statement trigger that checks the postings' references (``posting_refs_exist``) is
  disabled, and the same check runs once over every loaded posting before the commit;
* no lookup of existing refs (the table was empty) and one balance update at the end
  instead of one per chunk;
* one connection writes; this process builds chunk n+1's COPY text (ids drawn from the
  sequences on another connection) while the database loads chunk n.

Each chunk is written under a savepoint: after an error (a chunk's checks, or a COPY the
database refuses) the chunks before it are kept, their balances and indexes completed
and committed, then the error is raised, as the streams do. A crash or kill commits
nothing: a re-run starts the load again.
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any

import asyncpg
from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.transactions import in_transaction

from bankcore.errors import DomainError, ErrorCode
from bankcore.ledger.bulk_rows import PG_POSTING_COLUMNS, Chunk, Facts

# Indexes fed in random key order by a load in history order: built after the rows.
RANDOM_ORDER_INDEXES = ("journal_entry_source_ref_key", "posting_account_date_idx")
REFS_TRIGGER = "posting_refs_exist"


class _NotFirst(Exception):
    """The ledger holds entries, or someone reads it: not a first load."""


async def write_first_load(chunks: Iterator[Chunk], *, facts: Facts, pool: BaseDBAsyncClient,
                           connection_name: str, report: Callable[[int, int], None]) -> int | None:
    """Write every chunk of ``chunks`` as a first load (module docstring); the entries written.

    ``None`` (nothing read from ``chunks``) when the ledger holds entries or its tables
    cannot be locked within a second. Raises what a chunk raises, after committing the
    chunks before it.
    """
    try:
        async with in_transaction(connection_name) as conn:
            load = _FirstLoad(conn._connection, facts, pool, report)  # type: ignore[attr-defined]
            if not await load.lock_empty_ledger():
                raise _NotFirst
            written, error = await load.run(chunks)
    except _NotFirst:
        return None
    if error is not None:
        raise error
    return written


class _FirstLoad:
    def __init__(self, raw: Any, facts: Facts, pool: BaseDBAsyncClient, report: Callable[[int, int], None]) -> None:
        self.raw = raw  # the transaction's asyncpg connection
        self.facts = facts
        self.pool = pool
        self.report = report
        self.seen: set[str] = set()

    async def lock_empty_ledger(self) -> bool:
        raw = self.raw
        waited = await raw.fetchval("SELECT current_setting('lock_timeout')")
        # A second at most: a reader of the ledger means the bank is in use (and queries
        # queued behind the lock wait no longer than that); the streams take over then.
        await raw.execute("SAVEPOINT bulk_lock; SELECT set_config('lock_timeout', '1s', true)")
        try:
            await raw.execute("LOCK TABLE journal_entry, posting IN ACCESS EXCLUSIVE MODE")
        except asyncpg.LockNotAvailableError:
            return False
        await raw.execute("RELEASE SAVEPOINT bulk_lock")
        await raw.execute("SELECT set_config('lock_timeout', $1, true)", waited)
        # As the streams do: a balance snapshot (SHARE) waits for the load's commit.
        await raw.execute("LOCK TABLE ledger_account IN ROW EXCLUSIVE MODE")
        return not await raw.fetchval(
            "SELECT EXISTS (SELECT 1 FROM journal_entry) OR EXISTS (SELECT 1 FROM posting)")

    async def run(self, chunks: Iterator[Chunk]) -> tuple[int, BaseException | None]:
        raw = self.raw
        _, seq = await self.pool.execute_query(
            "SELECT pg_get_serial_sequence('journal_entry', 'id')::regclass::oid AS entry, "
            "pg_get_serial_sequence('posting', 'id')::regclass::oid AS posting")
        self.sequences = (int(seq[0]["entry"]), int(seq[0]["posting"]))
        rebuild = await self._set_aside()
        balances: dict[int, int] = defaultdict(int)
        written = 0
        error: BaseException | None = None
        prepared = asyncio.ensure_future(self._prepare(chunks))
        try:
            while (item := await prepared) is not None:
                prepared = asyncio.ensure_future(self._prepare(chunks))
                chunk, keep, entries, postings, deltas = item
                if keep:
                    await raw.execute("SAVEPOINT bulk_chunk")
                    try:
                        # Memoryviews, since asyncpg takes bytes for a file name.
                        await raw.copy_to_table("journal_entry", source=memoryview(entries),
                                                columns=chunk.entry_columns, format="text")
                        await raw.copy_to_table("posting", source=memoryview(postings), columns=PG_POSTING_COLUMNS,
                                                format="text")
                    except Exception:
                        await raw.execute("ROLLBACK TO SAVEPOINT bulk_chunk")
                        raise
                    await raw.execute("RELEASE SAVEPOINT bulk_chunk")
                    for account, delta in deltas.items():
                        balances[account] += delta
                written += len(keep)
                self.report(len(chunk), len(keep))
        except Exception as exc:  # noqa: BLE001 - raised once the chunks before it are committed
            # A chunk's checks, its source, or a COPY refused: the chunks before it are
            # complete. (Had the savepoint's rollback failed, completing fails: nothing commits.)
            error = exc
        finally:
            await asyncio.gather(prepared, return_exceptions=True)  # a chunk being built: let it end quietly
        await self._complete(rebuild, balances)
        return written, error

    async def _prepare(self, chunks: Iterator[Chunk]) -> tuple[Chunk, list[int], bytes, bytes, dict[int, int]] | None:
        """The next chunk, checked, with its kept entries' COPY text and balance changes (``None`` at the end)."""
        seen = self.seen

        def take() -> tuple[Chunk, list[int]] | None:
            chunk = next(chunks, None)
            if chunk is None:
                return None
            # A ref seen earlier in this load is skipped, as a re-run would skip it.
            keep = [i for i, ref in enumerate(chunk.refs) if ref not in seen]
            seen.update(chunk.refs)
            return chunk, keep

        taken = await asyncio.to_thread(take)
        if taken is None:
            return None
        chunk, keep = taken
        await self.facts.load(self.pool, chunk.accounts)
        chunk.check_currencies(self.facts)
        if not keep:
            return chunk, keep, b"", b"", {}
        # On another connection, outside the load's transaction: the sequences' ids are
        # drawn in the chunks' order (ids follow the input), while the load's connection
        # is busy with the chunk before.
        _, rows = await self.pool.execute_query(
            "SELECT (SELECT array_agg(nextval($1::oid::regclass)) FROM generate_series(1, $2)) AS entries, "
            "(SELECT array_agg(nextval($3::oid::regclass)) FROM generate_series(1, $4)) AS postings",
            [self.sequences[0], len(keep), self.sequences[1], chunk.posting_count(keep)],
        )
        ids, posting_ids = list(rows[0]["entries"]), list(rows[0]["postings"])
        posted_at = datetime.now(UTC).isoformat()

        def build() -> tuple[bytes, bytes, dict[int, int]]:
            entries, postings = chunk.pg_buffers(keep, ids, posting_ids, posted_at)
            return entries, postings, chunk.deltas(keep, self.facts)

        return (chunk, keep, *await asyncio.to_thread(build))

    async def _set_aside(self) -> list[str]:
        """Drop the random-order indexes and disable the refs trigger; the statements that restore them."""
        raw = self.raw
        indexes = await raw.fetch(
            "SELECT quote_ident(c.relname) AS name, pg_get_indexdef(c.oid) AS definition FROM pg_class c "
            "JOIN pg_index i ON i.indexrelid = c.oid WHERE c.relname = ANY($1::text[]) "
            "AND i.indrelid IN ('journal_entry'::regclass, 'posting'::regclass) ORDER BY c.relname",
            list(RANDOM_ORDER_INDEXES))
        rebuild: list[str] = []
        for index in indexes:
            await raw.execute(f"DROP INDEX {index['name']}")
            rebuild.append(index["definition"])
        if await raw.fetchval("SELECT EXISTS (SELECT 1 FROM pg_trigger WHERE tgrelid = 'posting'::regclass "
                              "AND tgname = $1 AND tgenabled <> 'D')", REFS_TRIGGER):
            # Per COPY it hashed the whole ledger_account table to check a chunk's accounts
            # (a third of the load's work in the database): checked once at the end instead.
            await raw.execute(f"ALTER TABLE posting DISABLE TRIGGER {REFS_TRIGGER}")
            rebuild.append(f"ALTER TABLE posting ENABLE TRIGGER {REFS_TRIGGER}")
        return rebuild

    async def _complete(self, rebuild: list[str], balances: dict[int, int]) -> None:
        """The refs check over every loaded posting, the indexes and trigger restored, the balances updated."""
        raw = self.raw
        # The trigger's check, once over every loaded posting.
        missing = await raw.fetchrow(
            "SELECT EXISTS (SELECT 1 FROM posting p WHERE NOT EXISTS "
            "(SELECT 1 FROM journal_entry e WHERE e.id = p.entry_id)) AS entry, "
            "EXISTS (SELECT 1 FROM (SELECT DISTINCT ledger_account_id FROM posting) p WHERE NOT EXISTS "
            "(SELECT 1 FROM ledger_account la WHERE la.id = p.ledger_account_id)) AS account")
        if missing["entry"] or missing["account"]:
            raise DomainError(ErrorCode.NOT_FOUND,
                              f"a loaded posting names no such {'entry' if missing['entry'] else 'ledger account'}")
        # Enough memory to sort each index in one pass (the server's default is 64 MB).
        await raw.execute("SET LOCAL maintenance_work_mem = '256MB'")
        for statement in rebuild:
            await raw.execute(statement)
        balances = {a: d for a, d in balances.items() if d}
        if balances:
            # In ascending id order, each row through the primary key, as live postings lock theirs.
            await raw.execute(
                "SET LOCAL enable_hashjoin = off; SET LOCAL enable_mergejoin = off; SET LOCAL enable_bitmapscan = off")
            keys = sorted(balances)
            await raw.execute(
                "UPDATE ledger_account AS la SET balance_minor = la.balance_minor + v.delta "
                "FROM unnest($1::bigint[], $2::bigint[]) AS v(id, delta) WHERE la.id = v.id",
                keys, [balances[k] for k in keys])

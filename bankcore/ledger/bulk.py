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

On PostgreSQL several chunks are written at once, each on its own connection
(``streams``): their ``COPY``s run side by side in separate backends, while the ids they
draw and their commits keep the input's order (chunk n+1 draws its ids after chunk n and
takes the balance lock only once chunk n has committed). So entry ids follow the input,
and whatever has committed is always a prefix of it: after an error, the chunks before
the failing one are committed and none after it.

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
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, date, datetime
from itertools import islice
from typing import Any

import asyncpg
from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.transactions import in_transaction

from bankcore.errors import DomainError, ErrorCode
from bankcore.ledger.entry import EntryDraft, validate_entry
from bankcore.models import EntryType, LedgerAccount, LedgerKind
from bankcore.money import MAX_AMOUNT_MINOR, currency_exponent

DEFAULT_CHUNK_SIZE = 10_000
# PostgreSQL chunks in flight at once, each in its own backend. Two keep both cores of a
# small server busy (one backend's COPY while the other's waits for the balance lock or
# this process builds the next buffer); more only queue on the same cores.
DEFAULT_STREAMS = 2

_ENTRY_COLUMNS = (
    "id", "entry_type", "value_date", "posted_at", "narration", "initiator",
    "idempotency_key", "request_fingerprint", "reverses_id", "source_ref",
)
_TRANSFER_ENTRY_COLUMNS = ("id", "entry_type", "value_date", "posted_at", "narration", "initiator", "source_ref")
_POSTING_COLUMNS = ("entry_id", "ledger_account_id", "side", "amount_minor", "currency", "value_date")
_PG_POSTING_COLUMNS = ("id", *_POSTING_COLUMNS)

# A two-legged entry: (entry type, value date, narration, source_ref, debit ledger account
# id, credit ledger account id, amount in minor units). Both legs are in the call's currency.
Transfer = tuple[EntryType | str, date, str, str, int, int, int]

ChunkCallback = Callable[[int, int], None]

_COPY_SPECIAL = re.compile(r"[\\\t\n\r]").search
_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})
_ENTRY_TYPES = {t.value: t.value for t in EntryType} | {t: t.value for t in EntryType}


def _text(value: str) -> str:
    """``value`` as a field of PostgreSQL's text COPY format."""
    return value.translate(_COPY_ESCAPES) if _COPY_SPECIAL(value) else value


def _nullable(value: Any) -> str:
    return "\\N" if value is None else _text(str(value))


class _Facts:
    """Per-call cache of the immutable facts of ledger accounts: currency, kind, flags."""

    def __init__(self) -> None:
        self.currency: dict[int, str] = {}
        self.debit_normal: dict[int, bool] = {}
        self.tracked: set[int] = set()

    async def load(self, conn: BaseDBAsyncClient, ids: set[int]) -> None:
        missing = [i for i in ids if i not in self.currency]
        for start in range(0, len(missing), 5_000):
            batch = missing[start : start + 5_000]
            rows = await LedgerAccount.filter(id__in=batch).using_db(conn).values(
                "id", "code", "currency", "kind", "is_control", "tracks_balance"
            )
            for row in rows:
                if row["is_control"]:
                    raise DomainError(
                        ErrorCode.NOT_POSTABLE, f"{row['code']} is a control account and takes no postings"
                    )
                self.currency[row["id"]] = row["currency"]
                self.debit_normal[row["id"]] = LedgerKind(row["kind"]).debit_normal
                if row["tracks_balance"]:
                    self.tracked.add(row["id"])
        unknown = sorted(i for i in ids if i not in self.currency)
        if unknown:
            raise DomainError(ErrorCode.NOT_FOUND, f"ledger account {unknown[0]} does not exist")


def _check_refs(refs: list[str]) -> None:
    if len(set(refs)) == len(refs) and all(refs):
        return
    seen: set[str] = set()
    for ref in refs:
        if not ref:
            raise DomainError(ErrorCode.INVALID_INPUT, "every bulk entry needs a source_ref", field="source_ref")
        if ref in seen:
            raise DomainError(ErrorCode.INVALID_INPUT, f"source_ref {ref!r} appears twice", field="source_ref")
        seen.add(ref)


class _Chunk:
    """One transaction's worth of entries, checked, in input order; ``keep`` indexes the new ones."""

    refs: list[str]
    accounts: set[int]
    entry_columns: tuple[str, ...] = _ENTRY_COLUMNS

    def __len__(self) -> int:
        return len(self.refs)

    def check_currencies(self, facts: _Facts) -> None:
        raise NotImplementedError

    def posting_count(self, keep: list[int]) -> int:
        raise NotImplementedError

    def pg_buffers(self, keep: list[int], ids: list[int], posting_ids: list[int], posted_at: str) -> tuple[bytes, bytes]:
        """The kept entries and their postings in PostgreSQL's text COPY format, with these ids, in order."""
        raise NotImplementedError

    def sqlite_rows(self, keep: list[int], ids: Iterable[int], posted_at: str) -> tuple[list[tuple], list[tuple]]:
        raise NotImplementedError

    def deltas(self, keep: list[int], facts: _Facts) -> dict[int, int]:
        """Net change of every tracked account over the kept entries, natural sign, zeros left out."""
        raise NotImplementedError


class _TransferChunk(_Chunk):
    entry_columns = _TRANSFER_ENTRY_COLUMNS

    def __init__(self, rows: list[Transfer], initiator: str, currency: str) -> None:
        self.rows = rows
        self.initiator = initiator
        self.currency = currency
        self.refs = [r[3] for r in rows]
        _check_refs(self.refs)
        accounts: set[int] = set()
        for entry_type, value_date, narration, _, debit_id, credit_id, amount in rows:
            if type(amount) is not int or amount <= 0:
                raise DomainError(ErrorCode.NON_POSITIVE_AMOUNT, "every posting amount must be positive", field="amount")
            if amount > MAX_AMOUNT_MINOR:
                raise DomainError(ErrorCode.INVALID_AMOUNT, "posting amount is too large", field="amount")
            if not narration or len(narration) > 255:
                raise DomainError(ErrorCode.INVALID_INPUT, "narration must be 1-255 characters", field="narration")
            if entry_type not in _ENTRY_TYPES:
                raise DomainError(ErrorCode.INVALID_INPUT, f"unknown entry type {entry_type!r}", field="entry_type")
            if type(value_date) is not date:
                raise DomainError(ErrorCode.INVALID_INPUT, "every bulk entry needs a value date", field="value_date")
            accounts.add(debit_id)
            accounts.add(credit_id)
        self.accounts = accounts

    def check_currencies(self, facts: _Facts) -> None:
        for account in self.accounts:
            if facts.currency[account] != self.currency:
                raise DomainError(
                    ErrorCode.CURRENCY_MISMATCH,
                    f"ledger account {account} is in {facts.currency[account]}, not {self.currency}",
                )

    def posting_count(self, keep: list[int]) -> int:
        return 2 * len(keep)

    def pg_buffers(self, keep: list[int], ids: list[int], posting_ids: list[int], posted_at: str) -> tuple[bytes, bytes]:
        rows = self.rows
        initiator, currency, types, text = _text(self.initiator), self.currency, _ENTRY_TYPES, _text
        dates: dict[date, str] = {}
        entries: list[str] = []
        postings: list[str] = []
        legs = iter(posting_ids)
        for entry_id, i, debit_leg, credit_leg in zip(ids, keep, legs, legs, strict=True):
            entry_type, value_date, narration, ref, debit_id, credit_id, amount = rows[i]
            day = dates.get(value_date)
            if day is None:
                day = dates[value_date] = value_date.isoformat()
            entries.append(
                f"{entry_id}\t{types[entry_type]}\t{day}\t{posted_at}\t{text(narration)}\t{initiator}\t{text(ref)}\n"
            )
            postings.append(
                f"{debit_leg}\t{entry_id}\t{debit_id}\tD\t{amount}\t{currency}\t{day}\n"
                f"{credit_leg}\t{entry_id}\t{credit_id}\tC\t{amount}\t{currency}\t{day}\n"
            )
        return "".join(entries).encode(), "".join(postings).encode()

    def sqlite_rows(self, keep: list[int], ids: Iterable[int], posted_at: str) -> tuple[list[tuple], list[tuple]]:
        entries: list[tuple] = []
        postings: list[tuple] = []
        currency, initiator = self.currency, self.initiator
        for entry_id, i in zip(ids, keep):
            entry_type, value_date, narration, ref, debit_id, credit_id, amount = self.rows[i]
            day = value_date.isoformat()
            entries.append((entry_id, _ENTRY_TYPES[entry_type], day, posted_at, narration, initiator, None, None,
                            None, ref))
            postings.append((entry_id, debit_id, "D", amount, currency, day))
            postings.append((entry_id, credit_id, "C", amount, currency, day))
        return entries, postings

    def deltas(self, keep: list[int], facts: _Facts) -> dict[int, int]:
        deltas: dict[int, int] = defaultdict(int)
        tracked, debit_normal, rows = facts.tracked, facts.debit_normal, self.rows
        for i in keep:
            row = rows[i]
            amount = row[6]
            if (account := row[4]) in tracked:
                deltas[account] += amount if debit_normal[account] else -amount
            if (account := row[5]) in tracked:
                deltas[account] -= amount if debit_normal[account] else -amount
        return {a: d for a, d in deltas.items() if d}


class _DraftChunk(_Chunk):
    def __init__(self, drafts: list[EntryDraft]) -> None:
        self.drafts = drafts
        self.refs = [d.source_ref or "" for d in drafts]
        _check_refs(self.refs)
        for draft in drafts:
            validate_entry(draft)
            if draft.value_date is None:
                raise DomainError(ErrorCode.INVALID_INPUT, "every bulk entry needs a value date", field="value_date")
        self.accounts = {p.ledger_account_id for d in drafts for p in d.postings}

    def check_currencies(self, facts: _Facts) -> None:
        for draft in self.drafts:
            for p in draft.postings:
                if facts.currency[p.ledger_account_id] != p.currency:
                    raise DomainError(
                        ErrorCode.CURRENCY_MISMATCH,
                        f"ledger account {p.ledger_account_id} is in "
                        f"{facts.currency[p.ledger_account_id]}, not {p.currency}",
                    )

    def posting_count(self, keep: list[int]) -> int:
        return sum(len(self.drafts[i].postings) for i in keep)

    def pg_buffers(self, keep: list[int], ids: list[int], posting_ids: list[int], posted_at: str) -> tuple[bytes, bytes]:
        entries: list[str] = []
        postings: list[str] = []
        legs = iter(posting_ids)
        for entry_id, i in zip(ids, keep, strict=True):
            d = self.drafts[i]
            day = d.value_date.isoformat()  # type: ignore[union-attr]  # checked in __init__
            entries.append("\t".join((
                str(entry_id), d.entry_type.value, day, posted_at, _text(d.narration), _text(d.initiator),
                _nullable(d.idempotency_key), _nullable(d.request_fingerprint), _nullable(d.reverses_id),
                _text(d.source_ref or ""),
            )) + "\n")
            for p in d.postings:
                postings.append(
                    f"{next(legs)}\t{entry_id}\t{p.ledger_account_id}\t{p.side.value}\t{p.amount_minor}\t"
                    f"{_text(p.currency)}\t{day}\n"
                )
        return "".join(entries).encode(), "".join(postings).encode()

    def sqlite_rows(self, keep: list[int], ids: Iterable[int], posted_at: str) -> tuple[list[tuple], list[tuple]]:
        entries: list[tuple] = []
        postings: list[tuple] = []
        for entry_id, i in zip(ids, keep):
            d = self.drafts[i]
            day = d.value_date.isoformat()  # type: ignore[union-attr]
            entries.append((entry_id, d.entry_type.value, day, posted_at, d.narration, d.initiator,
                            d.idempotency_key, d.request_fingerprint, d.reverses_id, d.source_ref))
            for p in d.postings:
                postings.append((entry_id, p.ledger_account_id, p.side.value, p.amount_minor, p.currency, day))
        return entries, postings

    def deltas(self, keep: list[int], facts: _Facts) -> dict[int, int]:
        deltas: dict[int, int] = defaultdict(int)
        tracked = facts.tracked
        for i in keep:
            for p in self.drafts[i].postings:
                account = p.ledger_account_id
                if account in tracked:
                    grows = (p.side.value == "D") == facts.debit_normal[account]
                    deltas[account] += p.amount_minor if grows else -p.amount_minor
        return {a: d for a, d in deltas.items() if d}


async def _existing_refs(conn: BaseDBAsyncClient, postgres: bool, refs: list[str]) -> set[str]:
    if postgres:
        rows = await conn._connection.fetch(  # type: ignore[attr-defined]
            "SELECT source_ref FROM journal_entry WHERE source_ref = ANY($1::text[])", refs
        )
        return {r["source_ref"] for r in rows}
    # json_each passes the whole list as one parameter (SQLite caps bound variables).
    _, rows = await conn.execute_query(
        "SELECT source_ref FROM journal_entry WHERE source_ref IN (SELECT value FROM json_each(?))",
        [json.dumps(refs)],
    )
    return {r["source_ref"] for r in rows}


async def _write_chunk_sqlite(conn: BaseDBAsyncClient, chunk: _Chunk, facts: _Facts) -> int:
    # SQLite: one process, one writer; Tortoise's transaction lock serialises us with the
    # rest of the process, so reading the next id inside the transaction is safe.
    existing = await _existing_refs(conn, False, chunk.refs)
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
        f"INSERT INTO journal_entry ({', '.join(_ENTRY_COLUMNS)}) VALUES ({', '.join('?' * len(_ENTRY_COLUMNS))})",
        [list(e) for e in entries],
    )
    await conn.execute_many(
        f"INSERT INTO posting ({', '.join(_POSTING_COLUMNS)}) VALUES ({', '.join('?' * len(_POSTING_COLUMNS))})",
        [list(p) for p in postings],
    )
    deltas = chunk.deltas(keep, facts)
    if deltas:
        await conn.execute_many(
            "UPDATE ledger_account SET balance_minor = balance_minor + ? WHERE id = ?",
            [[deltas[k], k] for k in sorted(deltas)],
        )
    return len(keep)


class _PgSequences:
    """The oids of the id sequences of ``journal_entry`` and ``posting``, read once per call."""

    def __init__(self, entry: int, posting: int) -> None:
        self.entry = entry
        self.posting = posting

    @classmethod
    async def read(cls, conn: BaseDBAsyncClient) -> _PgSequences:
        _, rows = await conn.execute_query(
            "SELECT pg_get_serial_sequence('journal_entry', 'id')::regclass::oid AS entry, "
            "pg_get_serial_sequence('posting', 'id')::regclass::oid AS posting"
        )
        return cls(int(rows[0]["entry"]), int(rows[0]["posting"]))


class _PgChunkWriter:
    """Writes one chunk on its own connection, in order with the chunks before it (see the module docstring)."""

    def __init__(self, chunk: _Chunk, facts: _Facts, sequences: _PgSequences, connection_name: str,
                 in_flight: set[str], before: _PgChunkWriter | None) -> None:
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
            existing = await _existing_refs(conn, True, chunk.refs)
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
                await raw.copy_to_table("posting", source=memoryview(postings), columns=_PG_POSTING_COLUMNS,
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


# The one secondary index that a history load into an empty ledger builds afterwards
# instead of row by row (see ``_AccountIndex``): the model's own definition.
_ACCOUNT_INDEX = "posting_account_date_idx"


class _AccountIndex:
    """``posting_account_date_idx`` dropped for a load into an empty ``posting`` table and built after it.

    Postings arrive in date order, but this index is by account: each one lands on a random
    leaf, and once the index outgrows the server's buffers every insert is a page read, a
    dirty page written back and, after each checkpoint, a full-page image in the WAL. At a
    million entries it was about half of the postings' COPY (measured: 34 s of the
    database's CPU for the COPYs, 1.5 s to build the index from the 2 million rows). The
    index is not a constraint (no guarantee depends on it, only the speed of statements
    and balances as of a date), so it is only dropped when the table is empty (a first
    import: nothing reads postings yet), and built again when the load ends, whether it
    succeeded or failed. A crash in between leaves it missing until the next bulk load
    (which builds it whenever it finds it missing) - slower reads, the same figures.
    """

    def __init__(self) -> None:
        self.build = False

    @staticmethod
    def _definition() -> str:
        from bankcore.models import Posting

        for index in Posting._meta.indexes:
            if getattr(index, "name", None) == _ACCOUNT_INDEX:
                columns = ", ".join(index.fields)  # type: ignore[union-attr]
                return f"CREATE INDEX IF NOT EXISTS {_ACCOUNT_INDEX} ON posting ({columns})"
        raise AssertionError(f"the Posting model has no index {_ACCOUNT_INDEX}")

    async def drop_if_empty(self, connection_name: str) -> None:
        async with in_transaction(connection_name) as conn:
            raw = conn._connection  # type: ignore[attr-defined]
            if await raw.fetchval("SELECT to_regclass($1) IS NULL", _ACCOUNT_INDEX):
                self.build = True  # left missing by a crashed load
                return
            # The drop waits a second at most: a reader of posting means the bank is in use
            # (and queries queued behind the lock wait no longer than that).
            await raw.execute("SET LOCAL lock_timeout = '1s'")
            try:
                await raw.execute("LOCK TABLE posting IN ACCESS EXCLUSIVE MODE")
            except asyncpg.LockNotAvailableError:
                return  # keep the index and load row by row
            if await raw.fetchval("SELECT NOT EXISTS (SELECT 1 FROM posting)"):
                await raw.execute(f"DROP INDEX {_ACCOUNT_INDEX}")
                self.build = True

    async def build_if_dropped(self, connection_name: str) -> None:
        if not self.build:
            return
        async with in_transaction(connection_name) as conn:
            # In this backend alone, so that its CPU is counted with the load's (a parallel
            # worker's is not, and this server has two cores anyway).
            await conn._connection.execute(  # type: ignore[attr-defined]
                "SET LOCAL max_parallel_maintenance_workers = 0; " + self._definition()
            )
        self.build = False


async def _write_chunks(chunks: Iterator[_Chunk], *, on_chunk: ChunkCallback | None, connection_name: str,
                        streams: int) -> int:
    from tortoise.connection import connections

    if streams < 1:
        raise ValueError("streams must be at least 1")
    facts = _Facts()
    pool = connections.get(connection_name)
    postgres = pool.capabilities.dialect == "postgres"
    processed = written = 0

    def report(size: int, new: int) -> None:
        nonlocal processed, written
        processed += size
        written += new
        if on_chunk is not None:
            on_chunk(processed, written)

    # Build and check chunk n+1 in a worker thread while chunk n is written: the database
    # does most of a chunk's work while this process only waits on the socket, so the two
    # overlap (only this thread ever touches the source iterator, one chunk at a time).
    upcoming = asyncio.ensure_future(asyncio.to_thread(next, chunks, None))
    running: list[tuple[asyncio.Task[int], _PgChunkWriter]] = []
    index = _AccountIndex()
    try:
        if postgres:
            sequences = await _PgSequences.read(pool)
            await index.drop_if_empty(connection_name)
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
            writer = _PgChunkWriter(
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
        if postgres:
            await index.build_if_dropped(connection_name)
    return written


def _chunks(items: Iterable[Any], size: int, make: Callable[[list[Any]], _Chunk]) -> Iterator[_Chunk]:
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
    is called after each commit, in order, with running totals of drafts seen and entries
    written.

    Raises ``DomainError``: ``INVALID_INPUT`` (missing or repeated ``source_ref`` within a
    chunk, no value date), the codes of ``validate_entry``, ``NOT_FOUND`` (unknown ledger
    account), ``NOT_POSTABLE`` (control account), ``CURRENCY_MISMATCH``. Chunks committed
    before the error stay committed.
    """
    if chunk_size < 1:
        raise ValueError("chunk_size must be at least 1")
    return await _write_chunks(_chunks(drafts, chunk_size, _DraftChunk), on_chunk=on_chunk,
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
        _chunks(transfers, chunk_size, lambda rows: _TransferChunk(rows, initiator, currency)),
        on_chunk=on_chunk, connection_name=connection_name, streams=streams,
    )


__all__ = ["DEFAULT_CHUNK_SIZE", "DEFAULT_STREAMS", "Transfer", "write_entries_bulk", "write_transfers_bulk"]

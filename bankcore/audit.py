"""The audit trail: an append-only, hash-chained log (ARCHITECTURE.md 4).

Every sealed row carries ``seal_seq`` (its place in the chain), ``prev_hash`` (the hash
of the row before it in ``seal_seq`` order; 64 zeros for the first) and ``hash =
SHA-256(prev_hash + canonical JSON of the row)``. Changing a sealed row breaks its own
hash; deleting or reordering sealed rows breaks the next row's ``prev_hash``.
``verify_audit_chain`` walks the chain, lists every broken link and reports the unsealed
tail. What the chain cannot show is the removal of the newest rows: anchor the head hash
elsewhere (print it in a daily report) if that matters.

**Appending takes no lock (issue 15 item 2).** On PostgreSQL ``append_audit`` is one
INSERT of an unsealed row (``seal_seq``/``prev_hash``/``hash`` null; the id comes from
the table's sequence), so it can run inside the caller's own transaction and no request
queues behind another's audit row. The chain is computed afterwards by the **sealer**
(``seal_audit_chain``), run by the background worker's pass and at the start of
``coopbank verify``.

Why the sealer orders by a sequence of its own, not by id: ids come from a PostgreSQL
sequence when a row is inserted, but transactions commit in any order, so a row with a
lower id can become visible after a higher one was already sealed. Chaining by id would
then have to insert it into the middle of a sealed chain (or skip it: lost). Instead the
sealer, alone under a transaction-scoped advisory lock (``AUDIT_SEAL_LOCK_KEY``), takes
whatever committed unsealed rows it can see, oldest id first, and gives them the next
``seal_seq`` values after the chain's head. A late-committing row is simply sealed by the
next pass, after the rows sealed before it: the sealed part is always a complete,
gap-free chain and nothing is left behind. A unique index on ``seal_seq`` would refuse a
fork even if two sealers ever ran at once. The trigger on ``audit_log`` lets exactly one
UPDATE through: the sealing of an unsealed row, once, with no other column changed.

The price: until it is sealed (normally within a second or so, the worker's poll), a row
is not yet covered by the chain, so a database superuser could alter it undetected in that
window. ``verify_audit_chain`` reports that tail (count, oldest row) so it can never
silently grow or vanish; a sealed row's position is final.

SQLite keeps the straightforward path: one process runs one transaction at a time, so
``append_audit`` seals its row as it inserts it (head read, hash, insert with the next
``seal_seq``); rows there are never unsealed.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any

from tortoise.connection import get_connection
from tortoise.transactions import in_transaction

from bankcore.errors import DomainError, ErrorCode
from bankcore.models import AuditLog, AuditOutcome

GENESIS_HASH = "0" * 64
# Key of the advisory lock that serialises the sealer: "coopseal" read as a 64-bit integer.
AUDIT_SEAL_LOCK_KEY = int.from_bytes(b"coopseal", "big")
SEAL_BATCH = 1000
MAX_PAGE_SIZE = 500
_ACTOR_MAX = 120
_VERIFY_BATCH = 1000


def _json_default(value: Any) -> Any:
    if isinstance(value, datetime):
        return _timestamp(value)
    if isinstance(value, date | Decimal):
        return str(value)
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, set | frozenset | tuple):
        return sorted(value) if isinstance(value, set | frozenset) else list(value)
    raise TypeError(f"audit details cannot hold {type(value).__name__}")


def canonical_json(value: Any) -> str:
    """JSON with sorted keys, no spaces and UTF-8 text: one spelling per value, so hashes repeat."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=_json_default)


def _timestamp(moment: datetime) -> str:
    # Microseconds always written: both backends keep them, and the text must not vary.
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def row_hash(
    prev_hash: str,
    *,
    occurred_at: datetime,
    actor: str,
    action: str,
    outcome: str,
    object_type: str | None,
    object_id: str | None,
    details: str | None,
) -> str:
    """SHA-256 hex over ``prev_hash`` followed by the canonical JSON of the row's fields.

    ``details`` is the stored JSON text (already canonical), hashed as that text.
    """
    body = canonical_json(
        {
            "occurred_at": _timestamp(occurred_at),
            "actor": actor,
            "action": action,
            "outcome": str(outcome),
            "object_type": object_type,
            "object_id": object_id,
            "details": details,
        }
    )
    return hashlib.sha256((prev_hash + body).encode()).hexdigest()


async def append_audit(
    *,
    actor: str,
    action: str,
    outcome: AuditOutcome | str,
    object_type: str | None = None,
    object_id: str | int | None = None,
    details: Mapping[str, Any] | None = None,
    now: datetime | None = None,
) -> AuditLog:
    """Append one row to the audit log and return it.

    ``actor`` names who acted (``Principal.actor``, ``anonymous``, ``cli``); ``action`` is a
    dotted verb (``staff.sign_in``); ``details`` a small JSON-able mapping that must never
    hold a password, code or token. ``now`` defaults to the time of the append. Runs in the
    caller's transaction if there is one (the row commits or rolls back with it), else on
    its own. On PostgreSQL the row is unsealed (``hash`` null) until ``seal_audit_chain``
    chains it; on SQLite it is sealed at once (see the module docstring).

    Raises ``DomainError(INVALID_INPUT)`` for an empty actor or action, or details that
    are not JSON-able.
    """
    if not actor or not action:
        raise DomainError(ErrorCode.INVALID_INPUT, "audit rows need an actor and an action")
    outcome = AuditOutcome(outcome)
    try:
        details_text = canonical_json(dict(details)) if details is not None else None
    except TypeError as exc:
        raise DomainError(ErrorCode.INVALID_INPUT, str(exc), field="details") from None
    row = AuditLog(
        occurred_at=(now or datetime.now(UTC)).astimezone(UTC), actor=actor[:_ACTOR_MAX], action=action,
        outcome=outcome, object_type=object_type, object_id=None if object_id is None else str(object_id),
        details=details_text,
    )
    await insert_audit_rows([row])
    return row


async def insert_audit_rows(rows: list[AuditLog]) -> None:
    """Insert unsaved ``rows`` in order: unsealed on PostgreSQL, sealed on the spot on SQLite."""
    if not rows:
        return
    if get_connection("default").capabilities.dialect == "postgres":
        if len(rows) == 1:
            await rows[0].save()
        else:
            await AuditLog.bulk_create(rows)
        return
    async with in_transaction():
        seq, prev_hash = await _chain_head()
        for row in rows:
            seq += 1
            row.seal_seq, row.prev_hash = seq, prev_hash
            row.hash = prev_hash = _hash_of(row, prev_hash)
            await row.save()


def _hash_of(row: AuditLog, prev_hash: str) -> str:
    return row_hash(
        prev_hash, occurred_at=row.occurred_at, actor=row.actor, action=row.action, outcome=row.outcome,
        object_type=row.object_type, object_id=row.object_id, details=row.details,
    )


async def _chain_head() -> tuple[int, str]:
    """(seal_seq, hash) of the newest sealed row, or (0, genesis) for an empty chain."""
    head = await AuditLog.filter(seal_seq__isnull=False).order_by("-seal_seq").first().values_list("seal_seq", "hash")
    return (head[0], head[1]) if head else (0, GENESIS_HASH)


async def seal_audit_chain(*, wait: bool = True, batch: int = SEAL_BATCH) -> int:
    """Chain every committed unsealed row onto the sealed chain; return how many were sealed.

    Rows are taken oldest id first, ``batch`` per transaction, and given the next
    ``seal_seq`` values after the head, each hashed over the one before it. Only one
    sealer works at a time (advisory lock ``AUDIT_SEAL_LOCK_KEY`` on PostgreSQL): with
    ``wait`` (``coopbank verify``) this call waits for a running sealer and then seals what
    is left; without (the background pass) it returns 0 at once if another process is
    sealing. A row committed after a pass is sealed by the next pass, never skipped.
    """
    sealed = 0
    while True:
        async with in_transaction() as conn:
            postgres = conn.capabilities.dialect == "postgres"
            if postgres:
                if wait:
                    await conn.execute_query("SELECT pg_advisory_xact_lock($1)", [AUDIT_SEAL_LOCK_KEY])
                else:
                    _, rows = await conn.execute_query("SELECT pg_try_advisory_xact_lock($1) AS got", [AUDIT_SEAL_LOCK_KEY])
                    if not rows[0]["got"]:
                        return sealed
            pending = await AuditLog.filter(seal_seq__isnull=True).order_by("id").limit(batch).using_db(conn)
            if not pending:
                return sealed
            seq, prev_hash = await _chain_head()
            ids, seqs, prevs, hashes = [], [], [], []
            for row in pending:
                seq += 1
                digest = _hash_of(row, prev_hash)
                ids.append(row.id)
                seqs.append(seq)
                prevs.append(prev_hash)
                hashes.append(digest)
                prev_hash = digest
            if postgres:
                await conn.execute_query(
                    "UPDATE audit_log AS a SET seal_seq = v.seq, prev_hash = v.prev, hash = v.hash "
                    "FROM unnest($1::bigint[], $2::bigint[], $3::text[], $4::text[]) AS v(id, seq, prev, hash) "
                    "WHERE a.id = v.id AND a.seal_seq IS NULL",
                    [ids, seqs, prevs, hashes],
                )
            else:
                await conn.execute_many(
                    "UPDATE audit_log SET seal_seq = ?, prev_hash = ?, hash = ? WHERE id = ? AND seal_seq IS NULL",
                    [[s_, p, h, i] for i, s_, p, h in zip(ids, seqs, prevs, hashes, strict=True)],
                )
        sealed += len(pending)
        if len(pending) < batch:
            return sealed


class ChainReport(list[str]):
    """``verify_audit_chain``'s answer: the list of broken links (empty means intact), plus the
    unsealed tail: ``unsealed`` rows not yet chained, the oldest of them ``oldest_unsealed_id``
    appended at ``oldest_unsealed_at`` (None when the tail is empty), and ``sealed`` rows checked.
    An unsealed tail is not a broken link: it is work the sealer has not done yet."""

    sealed: int = 0
    unsealed: int = 0
    oldest_unsealed_id: int | None = None
    oldest_unsealed_at: datetime | None = None


async def verify_audit_chain() -> ChainReport:
    """Walk the sealed audit chain in ``seal_seq`` order and describe every broken link.

    Reports a row whose ``hash`` does not match its contents (the row was changed), a row
    whose ``prev_hash`` is not the previous row's hash (a row before it was changed,
    removed, inserted or reordered), and a row holding a hash without a place in the chain
    (its seal was removed). Reads in batches of 1,000, so memory stays flat. The unsealed
    tail is counted, with its oldest row, on the returned ``ChainReport`` (it does not
    count as a problem; ``seal_audit_chain`` first to check everything committed so far).
    """
    report = ChainReport()
    expected_prev = GENESIS_HASH
    previous_id: int | None = None
    last_seq = 0
    while True:
        rows = await AuditLog.filter(seal_seq__gt=last_seq).order_by("seal_seq").limit(_VERIFY_BATCH)
        if not rows:
            break
        for row in rows:
            if row.prev_hash != expected_prev:
                after = f"row {previous_id}" if previous_id is not None else "the start of the chain"
                report.append(f"audit row {row.id}: prev_hash does not match the hash of {after}")
            if _hash_of(row, row.prev_hash or "") != row.hash:
                report.append(f"audit row {row.id}: hash does not match its contents (row was altered)")
            # Continue from the stored hash so one altered row is reported once, not on every later row.
            expected_prev = row.hash
            previous_id = row.id
        report.sealed += len(rows)
        last_seq = rows[-1].seal_seq
    unsealed = AuditLog.filter(seal_seq__isnull=True)
    report.unsealed = await unsealed.count()
    if report.unsealed:
        oldest = await unsealed.order_by("id").first().values_list("id", "occurred_at")
        if oldest:
            report.oldest_unsealed_id, report.oldest_unsealed_at = oldest
        for row_id in await unsealed.filter(hash__isnull=False).order_by("id").limit(50).values_list("id", flat=True):
            report.append(f"audit row {row_id}: carries a hash but has no place in the chain (its seal was removed)")
    return report


@dataclass(frozen=True, slots=True)
class AuditEntry:
    """One audit row as the API shows it (``details`` parsed back from JSON)."""

    id: int
    occurred_at: datetime
    actor: str
    action: str
    outcome: AuditOutcome
    object_type: str | None
    object_id: str | None
    details: dict[str, Any] | None
    hash: str | None  # None until the sealer has chained the row


@dataclass(frozen=True, slots=True)
class AuditPage:
    """A page of entries, newest first; pass ``next_before_id`` to get the next (older) page."""

    entries: list[AuditEntry]
    next_before_id: int | None


async def query_audit(
    *,
    actor: str | None = None,
    action: str | None = None,
    outcome: AuditOutcome | str | None = None,
    occurred_from: datetime | None = None,
    occurred_to: datetime | None = None,
    before_id: int | None = None,
    limit: int = 50,
) -> AuditPage:
    """Audit entries matching every given filter, newest first, with keyset pagination.

    ``occurred_from`` is inclusive and ``occurred_to`` exclusive. ``before_id`` is the
    cursor from the previous page (entries with a smaller id). ``limit`` is 1-500. Keyset
    pagination stays fast on a large log (no OFFSET scan) and is stable while rows are
    appended. Raises ``DomainError(INVALID_INPUT)`` for a bad limit or outcome.
    """
    if not 1 <= limit <= MAX_PAGE_SIZE:
        raise DomainError(ErrorCode.INVALID_INPUT, f"limit must be 1-{MAX_PAGE_SIZE}", field="limit")
    query = AuditLog.all()
    if actor is not None:
        query = query.filter(actor=actor)
    if action is not None:
        query = query.filter(action=action)
    if outcome is not None:
        try:
            query = query.filter(outcome=AuditOutcome(outcome))
        except ValueError:
            raise DomainError(ErrorCode.INVALID_INPUT, "outcome must be ok, denied or failed", field="outcome") from None
    if occurred_from is not None:
        query = query.filter(occurred_at__gte=occurred_from)
    if occurred_to is not None:
        query = query.filter(occurred_at__lt=occurred_to)
    if before_id is not None:
        query = query.filter(id__lt=before_id)
    rows = await query.order_by("-id").limit(limit + 1)
    more = len(rows) > limit
    rows = rows[:limit]
    entries = [
        AuditEntry(
            id=r.id, occurred_at=r.occurred_at, actor=r.actor, action=r.action, outcome=AuditOutcome(r.outcome),
            object_type=r.object_type, object_id=r.object_id,
            details=json.loads(r.details) if r.details else None, hash=r.hash,
        )
        for r in rows
    ]
    return AuditPage(entries=entries, next_before_id=rows[-1].id if more else None)


"""The audit trail: an append-only, hash-chained log (ARCHITECTURE.md 4).

Every row carries ``prev_hash`` (the hash of the row before it, by id; 64 zeros for the
first) and ``hash = SHA-256(prev_hash + canonical JSON of the row)``. Changing a row
breaks its own hash; deleting or reordering rows breaks the next row's ``prev_hash``.
``verify_audit_chain`` walks the chain and lists every broken link. What the chain cannot
show is the removal of the newest rows: anchor the head hash elsewhere (print it in a
daily report) if that matters.

Appends are serialised so the chain never forks: on PostgreSQL each append takes a
transaction-scoped advisory lock before reading the head; on SQLite Tortoise already
runs one transaction at a time in the one process. Keep appends out of long transactions:
the lock is held until the enclosing transaction ends.
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

from tortoise.transactions import in_transaction

from bankcore.errors import DomainError, ErrorCode
from bankcore.models import AuditLog, AuditOutcome

GENESIS_HASH = "0" * 64
# Key of the advisory lock that serialises appends: "coopaudi" read as a 64-bit integer.
AUDIT_LOCK_KEY = int.from_bytes(b"coopaudi", "big")
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
    hold a password, code or token. ``now`` defaults to the time the append takes the
    chain lock, so rows are in time order. Runs in its own transaction, or as a savepoint
    of the caller's (the chain lock is then held until the caller commits).

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
    actor = actor[:_ACTOR_MAX]
    object_id_text = None if object_id is None else str(object_id)
    async with in_transaction() as conn:
        if conn.capabilities.dialect == "postgres":
            await conn.execute_query("SELECT pg_advisory_xact_lock($1)", [AUDIT_LOCK_KEY])
        head = await AuditLog.all().order_by("-id").first().values_list("hash", flat=True)
        prev_hash = head or GENESIS_HASH
        occurred_at = (now or datetime.now(UTC)).astimezone(UTC)
        digest = row_hash(
            prev_hash, occurred_at=occurred_at, actor=actor, action=action, outcome=outcome,
            object_type=object_type, object_id=object_id_text, details=details_text,
        )
        return await AuditLog.create(
            occurred_at=occurred_at, actor=actor, action=action, outcome=outcome, object_type=object_type,
            object_id=object_id_text, details=details_text, prev_hash=prev_hash, hash=digest,
        )


async def verify_audit_chain() -> list[str]:
    """Walk the audit log in id order and describe every broken link; empty means intact.

    Reports a row whose ``hash`` does not match its contents (the row was changed) and a
    row whose ``prev_hash`` is not the previous row's hash (a row before it was changed,
    removed or inserted). Reads in batches of 1,000 by id, so memory stays flat.
    """
    problems: list[str] = []
    expected_prev = GENESIS_HASH
    previous_id: int | None = None
    last_id = 0
    while True:
        rows = await AuditLog.filter(id__gt=last_id).order_by("id").limit(_VERIFY_BATCH)
        if not rows:
            return problems
        for row in rows:
            if row.prev_hash != expected_prev:
                after = f"row {previous_id}" if previous_id is not None else "the start of the chain"
                problems.append(f"audit row {row.id}: prev_hash does not match the hash of {after}")
            recomputed = row_hash(
                row.prev_hash, occurred_at=row.occurred_at, actor=row.actor, action=row.action,
                outcome=row.outcome, object_type=row.object_type, object_id=row.object_id, details=row.details,
            )
            if recomputed != row.hash:
                problems.append(f"audit row {row.id}: hash does not match its contents (row was altered)")
            # Continue from the stored hash so one altered row is reported once, not on every later row.
            expected_prev = row.hash
            previous_id = row.id
        last_id = rows[-1].id


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
    hash: str


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


"""Appending audit rows in batches, behind the requests that produced them.

Every GraphQL mutation is audited; a request should not wait for its audit row.
``AuditWriter`` takes rows on an in-process queue and a single task appends whatever has
gathered in one multi-row insert (appends take no lock: the chain is sealed later by
``bankcore.audit.seal_audit_chain``; on SQLite the batch is sealed as it is inserted).
A row reaches the database
within milliseconds of its request; ``flush()`` waits for everything queued so far (used
at shutdown and in tests). If the process dies in between, queued rows are lost: the
ledger itself never depends on them.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from bankcore.audit import canonical_json, insert_audit_rows
from bankcore.models import AuditLog, AuditOutcome

log = logging.getLogger(__name__)
MAX_BATCH = 500


@dataclass(frozen=True, slots=True)
class PendingAudit:
    actor: str
    action: str
    outcome: AuditOutcome
    occurred_at: datetime
    object_type: str | None = None
    object_id: str | None = None
    details: str | None = None


async def append_audit_batch(rows: list[PendingAudit]) -> None:
    """Append ``rows`` in order in one insert (unsealed on PostgreSQL; see ``insert_audit_rows``)."""
    await insert_audit_rows([
        AuditLog(occurred_at=r.occurred_at, actor=r.actor, action=r.action, outcome=r.outcome,
                 object_type=r.object_type, object_id=r.object_id, details=r.details)
        for r in rows
    ])


class AuditWriter:
    """One per process: ``submit`` is synchronous and cheap; a background task writes."""

    def __init__(self) -> None:
        self._queue: asyncio.Queue[PendingAudit] | None = None
        self._task: asyncio.Task[None] | None = None
        self._idle: asyncio.Event | None = None

    def submit(self, *, actor: str, action: str, outcome: AuditOutcome | str, details: dict[str, Any] | None = None,
               object_type: str | None = None, object_id: str | None = None) -> None:
        loop = asyncio.get_running_loop()
        if self._task is None or self._task.done() or self._task.get_loop() is not loop:
            self._queue, self._idle = asyncio.Queue(), asyncio.Event()
            self._task = loop.create_task(self._run(), name="audit-writer")
        self._idle.clear()
        self._queue.put_nowait(
            PendingAudit(actor=actor[:120], action=action, outcome=AuditOutcome(outcome), occurred_at=datetime.now(UTC),
                         object_type=object_type, object_id=object_id,
                         details=canonical_json(details) if details is not None else None)
        )

    async def _run(self) -> None:
        assert self._queue is not None and self._idle is not None
        while True:
            batch = [await self._queue.get()]
            while not self._queue.empty() and len(batch) < MAX_BATCH:
                batch.append(self._queue.get_nowait())
            try:
                await append_audit_batch(batch)
            except Exception:  # noqa: BLE001 - keep the writer alive; the loss is logged
                log.exception("could not append %d audit row(s)", len(batch))
            if self._queue.empty():
                self._idle.set()

    async def flush(self) -> None:
        """Wait until every row submitted so far is written."""
        if self._task is not None and not self._task.done() and self._idle is not None and self._queue is not None:
            if not self._queue.empty() or not self._idle.is_set():
                await self._idle.wait()

    async def stop(self) -> None:
        await self.flush()
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None


audit_writer = AuditWriter()

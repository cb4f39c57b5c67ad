"""Maker-checker: operations that need a second, different staff user.

A maker files a request; a checker who is not the maker approves it (and it is carried
out in the checker's name) or rejects it. Reversals go through here; KYC approval is a
direct checker action whose maker is the staff user who registered the member.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

from tortoise.transactions import in_transaction

from bankcore.errors import DomainError, ErrorCode
from bankcore.ledger.posting import PostedEntry
from bankcore.models import JournalEntry
from bankcore.models.approval import ApprovalKind, ApprovalRequest, ApprovalStatus
from bankcore.services.money_movement import reverse_entry


async def request_reversal(*, entry_id: int, reason: str, maker: str) -> ApprovalRequest:
    """File a request to reverse journal entry ``entry_id``.

    Raises ``DomainError``: ``NOT_FOUND``, ``ALREADY_REVERSED``,
    ``CANNOT_REVERSE_REVERSAL``, ``INVALID_INPUT`` (empty or long reason, or a pending
    request for the same entry).
    """
    reason = " ".join(reason.split())
    if not 1 <= len(reason) <= 200:
        raise DomainError(ErrorCode.INVALID_INPUT, "a reversal needs a reason of 1-200 characters", field="reason")
    entry = await JournalEntry.get_or_none(id=entry_id)
    if entry is None:
        raise DomainError(ErrorCode.NOT_FOUND, f"no journal entry {entry_id}", field="entry_id")
    if entry.reverses_id is not None:
        raise DomainError(ErrorCode.CANNOT_REVERSE_REVERSAL, "a reversal cannot itself be reversed", field="entry_id")
    if await JournalEntry.exists(reverses_id=entry_id):
        raise DomainError(ErrorCode.ALREADY_REVERSED, "this entry has already been reversed", field="entry_id")
    object_ref = f"journal_entry:{entry_id}"
    if await ApprovalRequest.exists(object_ref=object_ref, status=ApprovalStatus.PENDING):
        raise DomainError(ErrorCode.INVALID_INPUT, "a reversal of this entry is already awaiting approval", field="entry_id")
    return await ApprovalRequest.create(
        kind=ApprovalKind.REVERSAL,
        payload=json.dumps({"entry_id": entry_id}),
        object_ref=object_ref,
        maker=maker,
        reason=reason,
    )


def _decidable(request: ApprovalRequest | None, request_id: int, checker: str) -> ApprovalRequest:
    """The request, if it exists, is pending, and ``checker`` is not its maker."""
    if request is None:
        raise DomainError(ErrorCode.NOT_FOUND, f"no approval request {request_id}", field="request_id")
    if request.status != ApprovalStatus.PENDING:
        raise DomainError(ErrorCode.INVALID_INPUT, f"request is already {request.status}", field="request_id")
    if request.maker == checker:
        raise DomainError(ErrorCode.APPROVAL_SAME_USER, "the checker must be a different user from the maker")
    return request


async def approve_request(*, request_id: int, checker: str) -> tuple[ApprovalRequest, PostedEntry]:
    """Approve and carry out a pending request in the checker's name.

    The operation runs first, under the idempotency key ``approval:<id>``, so two checkers
    approving at once still post one reversal; the request is marked approved after it.
    If the operation is refused the request stays pending.
    Raises ``DomainError``: ``NOT_FOUND``, ``APPROVAL_SAME_USER`` (the checker made the
    request), ``INVALID_INPUT`` (not pending), and whatever the operation raises.
    """
    request = _decidable(await ApprovalRequest.get_or_none(id=request_id), request_id, checker)
    payload = json.loads(request.payload)
    posted = await reverse_entry(
        entry_id=payload["entry_id"],
        reason=request.reason,
        initiator=checker,
        idempotency_key=f"approval:{request.id}",
    )
    await ApprovalRequest.filter(id=request.id, status=ApprovalStatus.PENDING).update(
        status=ApprovalStatus.APPROVED,
        checker=checker,
        decided_at=datetime.now(UTC),
        result_ref=f"journal_entry:{posted.entry_id}",
    )
    await request.refresh_from_db()
    return request, posted


async def reject_request(*, request_id: int, checker: str) -> ApprovalRequest:
    """Reject a pending request. Raises ``NOT_FOUND``, ``APPROVAL_SAME_USER``, ``INVALID_INPUT``."""
    async with in_transaction():
        request = _decidable(
            await ApprovalRequest.get_or_none(id=request_id).select_for_update(), request_id, checker
        )
        request.status = ApprovalStatus.REJECTED
        request.checker = checker
        request.decided_at = datetime.now(UTC)
        await request.save(update_fields=["status", "checker", "decided_at"])
    return request

"""Journal entry drafts and their validation: pure, no database.

A draft is what a service wants to record; ``validate_entry`` checks the double-entry
rules before anything is written (beancount-style: errors as values would suit a batch
checker, but a service refuses at the first, so here they raise).
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from bankcore.errors import DomainError, ErrorCode
from bankcore.models.ledger import EntryType, Side
from bankcore.money import MAX_AMOUNT_MINOR, currency_exponent


@dataclass(frozen=True, slots=True)
class PostingDraft:
    """One leg: ``side`` of ``amount_minor`` (> 0) minor units of ``currency`` on a ledger account (by id)."""

    ledger_account_id: int
    side: Side
    amount_minor: int
    currency: str

    @property
    def signed_minor(self) -> int:
        """Debits positive, credits negative: the entry balances when these sum to 0."""
        return self.amount_minor if self.side is Side.DEBIT else -self.amount_minor


@dataclass(frozen=True, slots=True)
class EntryDraft:
    """A journal entry to be posted: a business event and two or more postings.

    ``value_date`` None means the bank's business date, read by ``post_entry`` inside its
    transaction. A date before the business date is a back-value: services pass one only
    when the caller may back-value (day-end steps for the date they close, imports). A
    date after the business date is refused.
    """

    entry_type: EntryType
    value_date: date | None
    narration: str
    initiator: str
    postings: tuple[PostingDraft, ...]
    idempotency_key: str | None = None
    request_fingerprint: str | None = None
    reverses_id: int | None = None
    source_ref: str | None = None
    # Extra facts about the request that belong in its fingerprint but not in the entry.
    fingerprint_extra: dict[str, str] = field(default_factory=dict)
    # A pending hold this entry posts (TigerBeetle's post_pending_transfer): the entry must
    # take exactly the held amount out of the held account, and the hold ends with it.
    posts_hold_id: int | None = None


def debit(ledger_account_id: int, amount_minor: int, currency: str) -> PostingDraft:
    return PostingDraft(ledger_account_id, Side.DEBIT, amount_minor, currency)


def credit(ledger_account_id: int, amount_minor: int, currency: str) -> PostingDraft:
    return PostingDraft(ledger_account_id, Side.CREDIT, amount_minor, currency)


def validate_entry(draft: EntryDraft) -> None:
    """Check the double-entry rules of ``draft``.

    Raises ``DomainError`` with ``TOO_FEW_POSTINGS`` (fewer than two legs),
    ``NON_POSITIVE_AMOUNT`` (a leg of zero or less, or above the money cap),
    ``UNSUPPORTED_CURRENCY``, or ``UNBALANCED_ENTRY`` (debits differ from credits in
    some currency).
    """
    if len(draft.postings) < 2:
        raise DomainError(ErrorCode.TOO_FEW_POSTINGS, "a journal entry needs at least two postings")
    if not draft.narration or len(draft.narration) > 255:
        raise DomainError(ErrorCode.INVALID_INPUT, "narration must be 1-255 characters", field="narration")
    net: dict[str, int] = defaultdict(int)
    for posting in draft.postings:
        if type(posting.amount_minor) is not int or posting.amount_minor <= 0:
            raise DomainError(ErrorCode.NON_POSITIVE_AMOUNT, "every posting amount must be positive", field="amount")
        if posting.amount_minor > MAX_AMOUNT_MINOR:
            raise DomainError(ErrorCode.INVALID_AMOUNT, "posting amount is too large", field="amount")
        currency_exponent(posting.currency)
        net[posting.currency] += posting.signed_minor
    unbalanced = {c: n for c, n in net.items() if n != 0}
    if unbalanced:
        detail = ", ".join(f"{c} off by {n} minor units" for c, n in sorted(unbalanced.items()))
        raise DomainError(ErrorCode.UNBALANCED_ENTRY, f"debits must equal credits per currency: {detail}")


def request_fingerprint(payload: dict[str, object]) -> str:
    """SHA-256 over a canonical JSON of the request, to tell a true retry from a reused key."""
    canonical = json.dumps(payload, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()

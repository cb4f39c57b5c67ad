"""Rows of the batch ledger path (``bankcore.ledger.bulk``): checked chunks and their COPY text.

A chunk is one transaction's worth of entries (journal entry drafts, or two-legged
``Transfer`` tuples), checked when it is made (refs, amounts, narrations, types, dates),
that turns its kept entries into PostgreSQL text-COPY buffers or SQLite rows and sums each
tracked account's net change. ``Facts`` caches the immutable facts of the ledger accounts
the chunks name. Pure Python but for ``Facts.load``.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from datetime import date
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient

from bankcore.errors import DomainError, ErrorCode
from bankcore.ledger.entry import EntryDraft, validate_entry
from bankcore.models import EntryType, LedgerAccount, LedgerKind
from bankcore.money import MAX_AMOUNT_MINOR

ENTRY_COLUMNS = (
    "id", "entry_type", "value_date", "posted_at", "narration", "initiator",
    "idempotency_key", "request_fingerprint", "reverses_id", "source_ref",
)
TRANSFER_ENTRY_COLUMNS = ("id", "entry_type", "value_date", "posted_at", "narration", "initiator", "source_ref")
POSTING_COLUMNS = ("entry_id", "ledger_account_id", "side", "amount_minor", "currency", "value_date")
PG_POSTING_COLUMNS = ("id", *POSTING_COLUMNS)

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


class Facts:
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


class Chunk:
    """One transaction's worth of entries, checked, in input order; ``keep`` indexes the new ones."""

    refs: list[str]
    accounts: set[int]
    entry_columns: tuple[str, ...] = ENTRY_COLUMNS

    def __len__(self) -> int:
        return len(self.refs)

    def check_currencies(self, facts: Facts) -> None:
        raise NotImplementedError

    def posting_count(self, keep: list[int]) -> int:
        raise NotImplementedError

    def pg_buffers(self, keep: list[int], ids: list[int], posting_ids: list[int], posted_at: str) -> tuple[bytes, bytes]:
        """The kept entries and their postings in PostgreSQL's text COPY format, with these ids, in order."""
        raise NotImplementedError

    def sqlite_rows(self, keep: list[int], ids: Iterable[int], posted_at: str) -> tuple[list[tuple], list[tuple]]:
        raise NotImplementedError

    def deltas(self, keep: list[int], facts: Facts) -> dict[int, int]:
        """Net change of every tracked account over the kept entries, natural sign, zeros left out."""
        raise NotImplementedError


class TransferChunk(Chunk):
    entry_columns = TRANSFER_ENTRY_COLUMNS

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

    def check_currencies(self, facts: Facts) -> None:
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

    def deltas(self, keep: list[int], facts: Facts) -> dict[int, int]:
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


class DraftChunk(Chunk):
    def __init__(self, drafts: list[EntryDraft]) -> None:
        self.drafts = drafts
        self.refs = [d.source_ref or "" for d in drafts]
        _check_refs(self.refs)
        for draft in drafts:
            validate_entry(draft)
            if draft.value_date is None:
                raise DomainError(ErrorCode.INVALID_INPUT, "every bulk entry needs a value date", field="value_date")
        self.accounts = {p.ledger_account_id for d in drafts for p in d.postings}

    def check_currencies(self, facts: Facts) -> None:
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

    def deltas(self, keep: list[int], facts: Facts) -> dict[int, int]:
        deltas: dict[int, int] = defaultdict(int)
        tracked = facts.tracked
        for i in keep:
            for p in self.drafts[i].postings:
                account = p.ledger_account_id
                if account in tracked:
                    grows = (p.side.value == "D") == facts.debit_normal[account]
                    deltas[account] += p.amount_minor if grows else -p.amount_minor
        return {a: d for a, d in deltas.items() if d}



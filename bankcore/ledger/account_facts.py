"""What never changes about a ledger account (currency, normal side, control, tracked balance,
code), read once per process for every posting path, and each posting's change of balance."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from bankcore.errors import DomainError, ErrorCode
from bankcore.ledger.entry import PostingDraft
from bankcore.ledger.sql import fetch, is_postgres
from bankcore.models import LedgerKind, Side

@dataclass(frozen=True, slots=True)
class AccountFacts:
    """What never changes about a ledger account, cached per process."""

    currency: str
    debit_normal: bool
    is_control: bool
    tracks_balance: bool
    code: str


_facts_cache: dict[int, AccountFacts] = {}


async def account_facts(ids: set[int]) -> dict[int, AccountFacts]:
    missing = [i for i in ids if i not in _facts_cache]
    if missing:
        # raw rows, not ORM objects: a day-end batch asks for 10,000 accounts at a time
        from tortoise.connection import get_connection

        conn = get_connection("default")
        columns = "SELECT id, currency, kind, is_control, tracks_balance, code FROM ledger_account WHERE "
        if is_postgres(conn):
            rows = await fetch(conn, columns + "id = ANY($1::bigint[])", [missing])
        else:
            rows = []
            for start in range(0, len(missing), 900):
                part = missing[start:start + 900]
                rows += await fetch(conn, columns + f"id IN ({', '.join('?' * len(part))})", part)
        for row in rows:
            _facts_cache[int(row["id"])] = AccountFacts(
                currency=row["currency"],
                debit_normal=LedgerKind(row["kind"]).debit_normal,
                is_control=bool(row["is_control"]),
                tracks_balance=bool(row["tracks_balance"]),
                code=row["code"],
            )
    unknown = [i for i in ids if i not in _facts_cache]
    if unknown:
        raise DomainError(ErrorCode.NOT_FOUND, f"ledger account {unknown[0]} does not exist")
    return {i: _facts_cache[i] for i in ids}


def balance_deltas(postings: tuple[PostingDraft, ...], facts: dict[int, AccountFacts]) -> dict[int, int]:
    """Change of each account's balance in its natural sign."""
    deltas: dict[int, int] = defaultdict(int)
    for p in postings:
        debit_normal = facts[p.ledger_account_id].debit_normal
        grows = (p.side is Side.DEBIT) == debit_normal
        deltas[p.ledger_account_id] += p.amount_minor if grows else -p.amount_minor
    return dict(deltas)


def forget_cached_facts() -> None:
    """Drop the per-process cache of ledger-account facts (tests empty the database)."""
    _facts_cache.clear()

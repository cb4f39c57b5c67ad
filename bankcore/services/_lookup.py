"""Lookups shared by the services.

Account lookups are on every money-moving request, so they are one hand-written query
returning a light record: Tortoise's ``select_related`` query building cost more CPU
than the database round trip (measured in benchmarks/transfers.py).
"""

from __future__ import annotations

from dataclasses import dataclass

from tortoise.connection import get_connection

from bankcore.chart import ensure_chart, gl_code
from bankcore.errors import DomainError, ErrorCode
from bankcore.ledger.sql import fetch, placeholders
from bankcore.models import LedgerAccount
from bankcore.numbering import validate_account_number

_gl_ids: dict[str, int] = {}


@dataclass(frozen=True, slots=True)
class AccountRef:
    """A member's account as the services need it (balance as of the read, unlocked)."""

    id: int
    number: str
    status: str
    ledger_account_id: int
    currency: str
    kind: str
    balance_minor: int
    floor_minor: int | None
    held_minor: int = 0


async def get_accounts(numbers: dict[str, str]) -> dict[str, AccountRef]:
    """Resolve account numbers, keyed by the input field that named each one.

    ``numbers`` maps field name (for error reporting, e.g. ``"to_account_number"``) to
    the number as typed. Raises ``DomainError(INVALID_ACCOUNT_NUMBER)`` for a malformed
    number and ``DomainError(NOT_FOUND)`` for an unknown one, naming the field.
    """
    compact = _checked_numbers(numbers)
    conn = get_connection("default")
    wanted = sorted(set(compact.values()))
    rows = await fetch(
        conn,
        "SELECT a.id, a.number, a.status, a.ledger_account_id, la.currency, la.kind, la.balance_minor, la.floor_minor, la.held_minor "
        "FROM account a JOIN ledger_account la ON la.id = a.ledger_account_id "
        f"WHERE a.number IN ({', '.join(placeholders(conn, len(wanted)))})",
        wanted,
    )
    found = {row["number"]: AccountRef(**row) for row in rows}
    result: dict[str, AccountRef] = {}
    for field, number in compact.items():
        if number not in found:
            raise DomainError(ErrorCode.NOT_FOUND, f"no account {number}", field=field)
        result[field] = found[number]
    return result


def _checked_numbers(numbers: dict[str, str]) -> dict[str, str]:
    """Each typed number checked (check digit) and compacted; a malformed one raises
    INVALID_ACCOUNT_NUMBER naming its field."""
    compact: dict[str, str] = {}
    for field, number in numbers.items():
        try:
            compact[field] = validate_account_number(number)
        except DomainError as exc:
            raise DomainError(exc.code, exc.message, field=field) from None
    return compact


@dataclass(frozen=True, slots=True)
class AccountKey:
    """What never changes about an account: its number, ids and currency (no balance, no status)."""

    id: int
    number: str
    ledger_account_id: int
    currency: str


MAX_CACHED_KEYS = 100_000
_keys: dict[str, AccountKey] = {}


async def get_account_keys(numbers: dict[str, str]) -> dict[str, AccountKey]:
    """``get_accounts`` for a caller that needs only what never changes about the accounts (a
    transfer: its posting locks and checks status and balances itself), remembered per process,
    so a transfer between accounts seen before asks the database nothing before its posting.

    An account number names one account for good (numbers are never reused, an account is
    closed, not deleted), so the entries never go stale. Same errors as ``get_accounts``.
    """
    compact = _checked_numbers(numbers)
    if any(number not in _keys for number in compact.values()):
        found = await get_accounts(compact)
        if len(_keys) >= MAX_CACHED_KEYS:
            _keys.clear()
        for ref in found.values():
            _keys[ref.number] = AccountKey(id=ref.id, number=ref.number, ledger_account_id=ref.ledger_account_id,
                                           currency=ref.currency)
        return {field: _keys.get(ref.number) or AccountKey(ref.id, ref.number, ref.ledger_account_id, ref.currency)
                for field, ref in found.items()}
    return {field: _keys[number] for field, number in compact.items()}


def forget_cached_account_keys() -> None:
    _keys.clear()


async def get_account(number: str, *, field: str = "account_number") -> AccountRef:
    """Resolve one account number; errors as ``get_accounts``."""
    return (await get_accounts({field: number}))[field]


async def gl_account_id(base_code: str, currency: str) -> int:
    """Id of GL account ``base_code`` in ``currency``, creating the chart on first use."""
    code = gl_code(base_code, currency)
    cached = _gl_ids.get(code)
    if cached is not None:
        return cached
    account = await LedgerAccount.get_or_none(code=code)
    if account is None:
        account = (await ensure_chart(currency=currency))[base_code]
    _gl_ids[code] = account.id
    return account.id


def forget_cached_gl_ids() -> None:
    _gl_ids.clear()

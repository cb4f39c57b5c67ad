"""Lookups shared by the services."""

from __future__ import annotations

from bankcore.chart import ensure_chart, gl_code
from bankcore.errors import DomainError, ErrorCode
from bankcore.models import Account, LedgerAccount
from bankcore.numbering import validate_account_number

_gl_ids: dict[str, int] = {}


async def get_account(number: str, *, field: str = "account_number") -> Account:
    """The account with this number, its ledger account and product loaded.

    Raises ``DomainError(INVALID_ACCOUNT_NUMBER)`` for a malformed number and
    ``DomainError(NOT_FOUND)`` for an unknown one.
    """
    try:
        compact = validate_account_number(number)
    except DomainError as exc:
        raise DomainError(exc.code, exc.message, field=field) from None
    account = await Account.get_or_none(number=compact).select_related("ledger_account", "product")
    if account is None:
        raise DomainError(ErrorCode.NOT_FOUND, f"no account {compact}", field=field)
    return account


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

"""A small bank with shareholders, for the share capital, dividend and year-end tests."""

from __future__ import annotations

from datetime import date

from bankcore.calendar.business_date import ensure_calendar
from bankcore.chart import SHARE_CAPITAL, gl_code
from bankcore.models import LedgerAccount, ShareCertificate
from bankcore.ledger.sql import fetch
from tortoise.connection import get_connection
from tests.ledger.factory import make_account, make_member, small_bank

START = date(2025, 6, 2)


async def bank_with_members(*names: str, deposit: str = "50000.00", start: date = START) -> dict[str, tuple[str, str]]:
    """A bank (business date ``start``) and verified members with funded basic savings: {name: (member, account)}."""
    await ensure_calendar(start=start)
    await small_bank()
    out = {}
    for name in names:
        member = await make_member(name)
        out[name] = (member, await make_account("SB0", owner=member, deposit=deposit))
    return out


async def gl_balance(base: str, currency: str = "INR") -> int:
    """A GL account's balance in its natural sign, derived from postings."""
    account = await LedgerAccount.get(code=gl_code(base, currency))
    sign = 1 if account.kind in ("asset", "expense") else -1
    rows = await fetch(get_connection("default"),
                       "SELECT COALESCE(SUM(CASE WHEN side = 'D' THEN amount_minor ELSE -amount_minor END), 0) AS n "
                       f"FROM posting WHERE ledger_account_id = {account.id}", [])
    return sign * int(rows[0]["n"])


async def paid_up_capital() -> int:
    """Paid-up value of every active certificate: must equal the share capital GL."""
    return sum(c.shares * c.nominal_minor for c in await ShareCertificate.filter(status="active"))


async def capital_matches_books() -> bool:
    return await gl_balance(SHARE_CAPITAL) == await paid_up_capital()

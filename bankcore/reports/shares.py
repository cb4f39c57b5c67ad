"""Share register and dividend register (the data of the shares domain, ``bankcore.shares``).

The share register as of a date lists every member holding shares at the end of that
day (certificates issued on or before it and not cancelled by then) with their paid-up
value, and checks that the total equals share capital (GL 3100) in the ledger that day.
The dividend register lists each member's dividend of the declarations decided on or
before the date: credited to an account or kept as unpaid.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from tortoise.connection import get_connection

from bankcore.chart import SHARE_CAPITAL, gl_code
from bankcore.ledger.sql import fetch, placeholders
from bankcore.reports.balances import _as_date, balance_as_of
from bankcore.reports.base import Amount, Check, Column, ColumnKind, Report, Row

SHARE_COLUMNS = (Column("member_number", "Member"), Column("name", "Name"), Column("branch", "Branch"),
                 Column("shares", "Shares", ColumnKind.COUNT), Column("paid_up", "Paid-up value", ColumnKind.MONEY),
                 Column("admitted_on", "Admitted", ColumnKind.DATE))


async def share_register(*, as_of: date, currency: str) -> Report:
    """Members holding shares at the end of ``as_of``, by member number, with a TOTAL row
    and the check that paid-up capital equals the share capital account's balance."""
    conn = get_connection("default")
    m = placeholders(conn, 3)
    rows = await fetch(
        conn,
        "SELECT mb.member_number, mb.full_name, b.code AS branch, h.shares, h.paid_up, sa.admitted_on FROM ("
        "SELECT member_id, SUM(shares) AS shares, SUM(shares * nominal_minor) AS paid_up FROM share_certificate "
        f"WHERE currency = {m[0]} AND issued_on <= {m[1]} AND (cancelled_on IS NULL OR cancelled_on > {m[2]}) "
        "GROUP BY member_id) h JOIN member mb ON mb.id = h.member_id JOIN branch b ON b.id = mb.branch_id "
        "LEFT JOIN share_account sa ON sa.member_id = mb.id WHERE h.shares > 0 ORDER BY mb.member_number",
        [currency, as_of, as_of],
    )
    out: list[Row] = []
    shares = paid_up = 0
    for r in rows:
        shares += int(r["shares"])
        paid_up += int(r["paid_up"])
        out.append(Row((r["member_number"], r["full_name"], r["branch"], int(r["shares"]),
                        Amount(int(r["paid_up"]), currency),
                        _as_date(r["admitted_on"]) if r["admitted_on"] is not None else None)))
    out.append(Row(("TOTAL", f"{len(rows)} members", "", shares, Amount(paid_up, currency), None), "total"))
    try:
        ledger = (await balance_as_of(code=gl_code(SHARE_CAPITAL, currency), as_of=as_of)).amount_minor
    except Exception:  # noqa: BLE001 - no chart in this currency: nothing in the ledger
        ledger = 0
    return Report(
        name="share-register", title="Share register", as_of=as_of, currency=currency, columns=SHARE_COLUMNS,
        rows=tuple(out), subtitle=f"Holdings at the end of {as_of.isoformat()}",
        checks=(Check("Paid-up value equals share capital in the ledger", paid_up == ledger,
                      f"register {paid_up}, ledger {ledger} (minor units)"),),
        summary=(("Shareholders", len(rows)), ("Shares", shares), ("Paid-up capital", Amount(paid_up, currency))),
    )


DIVIDEND_COLUMNS = (Column("financial_year", "Year"), Column("member_number", "Member"), Column("name", "Name"),
                    Column("shares", "Shares", ColumnKind.COUNT), Column("paid_up", "Paid-up value", ColumnKind.MONEY),
                    Column("rate_percent", "Rate %"), Column("dividend", "Dividend", ColumnKind.MONEY),
                    Column("credited_to", "Credited to"))


async def dividend_register(*, as_of: date, currency: str) -> Report:
    """Each member's dividend of every declaration credited on or before ``as_of``: the
    account it was credited to, or ``UNPAID`` (kept in the unpaid-dividend register)."""
    conn = get_connection("default")
    m = placeholders(conn, 2)
    rows = await fetch(
        conn,
        "SELECT d.financial_year, d.rate_bps, mb.member_number, mb.full_name, dp.shares, dp.paid_up_minor, "
        "dp.amount_minor, dp.unpaid, a.number AS account FROM dividend_payment dp "
        "JOIN dividend_declaration d ON d.id = dp.declaration_id JOIN member mb ON mb.id = dp.member_id "
        "LEFT JOIN account a ON a.id = dp.account_id "
        f"WHERE d.currency = {m[0]} AND d.status = 'credited' AND d.decided_on <= {m[1]} "
        "ORDER BY d.financial_year, mb.member_number",
        [currency, as_of],
    )
    out: list[Row] = []
    total = unpaid = 0
    for r in rows:
        amount = int(r["amount_minor"])
        total += amount
        unpaid += amount if r["unpaid"] else 0
        year = int(r["financial_year"])
        out.append(Row((f"{year}-{(year + 1) % 100:02d}", r["member_number"], r["full_name"], int(r["shares"]),
                        Amount(int(r["paid_up_minor"]), currency), f"{Decimal(int(r['rate_bps'])) / 100:.2f}",
                        Amount(amount, currency), "UNPAID" if r["unpaid"] else (r["account"] or ""))))
    out.append(Row(("TOTAL", f"{len(rows)} members", "", None, None, "", Amount(total, currency), ""), "total"))
    return Report(
        name="dividend-register", title="Dividend register", as_of=as_of, currency=currency,
        columns=DIVIDEND_COLUMNS, rows=tuple(out), subtitle=f"Dividends credited up to {as_of.isoformat()}",
        summary=(("Dividends", Amount(total, currency)), ("Of which unpaid", Amount(unpaid, currency))),
    )

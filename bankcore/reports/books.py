"""The books of account as reports: trial balance, day book, cash book, general ledger.

All figures come from postings by value date. The day book reads a date's entries
through the ``journal_entry (value_date, id)`` index and their postings by entry; the
cash book and general ledger read one account's postings through
``posting (ledger_account_id, value_date, id)``.
"""

from __future__ import annotations

from datetime import date, timedelta

from tortoise.connection import get_connection

from bankcore import chart
from bankcore.errors import DomainError, ErrorCode
from bankcore.ledger.sql import fetch, placeholders
from bankcore.models import LedgerKind
from bankcore.reports.balances import _as_date, balance_as_of, gl_balances
from bankcore.reports.base import Amount, Check, Column, ColumnKind, Report, Row
from bankcore.reports.statements import leaves

# A general ledger lists each posting up to this many in the period, else one row a day.
GL_DETAIL_LIMIT = 2_000

MONEY = ColumnKind.MONEY


async def trial_balance_report(*, as_of: date, currency: str) -> Report:
    """Trial balance at the end of ``as_of``: every GL account carrying figures with its
    debit or credit balance; checks that debits equal credits."""
    balances = await gl_balances(as_of=as_of, currency=currency)
    rows: list[Row] = []
    debit = credit = 0
    for gl in sorted(leaves(balances), key=lambda b: b.code):
        dr = gl.net_debit_minor if gl.net_debit_minor > 0 else 0
        cr = -gl.net_debit_minor if gl.net_debit_minor < 0 else 0
        debit += dr
        credit += cr
        rows.append(Row((gl.code, gl.name, gl.kind.value, Amount(dr, currency), Amount(cr, currency))))
    rows.append(Row(("TOTAL", "Total", "", Amount(debit, currency), Amount(credit, currency)), "total"))
    return Report(
        name="trial-balance", title="Trial balance", as_of=as_of, currency=currency,
        columns=(Column("code", "Code"), Column("name", "Name"), Column("kind", "Kind"),
                 Column("debit", "Debit", MONEY), Column("credit", "Credit", MONEY)),
        rows=tuple(rows), subtitle=f"As at the end of {as_of.isoformat()}",
        checks=(Check("Debits equal credits", debit == credit, f"debits {debit}, credits {credit} (minor units)"),),
    )


async def day_book(*, on: date, currency: str) -> Report:
    """Every journal entry with value date ``on`` and its postings, in entry order;
    checks that the day's debits equal its credits."""
    conn = get_connection("default")
    m = placeholders(conn, 2)
    rows = await fetch(
        conn,
        "SELECT je.id AS entry_id, je.entry_type, je.narration, je.initiator, la.code, la.name, p.side, p.amount_minor "
        "FROM journal_entry je JOIN posting p ON p.entry_id = je.id JOIN ledger_account la ON la.id = p.ledger_account_id "
        f"WHERE je.value_date = {m[0]} AND p.currency = {m[1]} ORDER BY je.id, p.id",
        [on, currency],
    )
    out: list[Row] = []
    debit = credit = 0
    entries: set[int] = set()
    for r in rows:
        amount = int(r["amount_minor"])
        dr, cr = (amount, 0) if r["side"] == "D" else (0, amount)
        debit += dr
        credit += cr
        entries.add(r["entry_id"])
        out.append(Row((str(r["entry_id"]), r["entry_type"], r["narration"], r["code"], r["name"],
                        Amount(dr, currency), Amount(cr, currency))))
    out.append(Row(("TOTAL", "", f"{len(entries)} entries", "", "", Amount(debit, currency), Amount(credit, currency)),
                   "total"))
    return Report(
        name="day-book", title="Day book", as_of=on, currency=currency,
        columns=(Column("entry_id", "Entry"), Column("entry_type", "Type"), Column("narration", "Narration"),
                 Column("account", "Account"), Column("account_name", "Account name"),
                 Column("debit", "Debit", MONEY), Column("credit", "Credit", MONEY)),
        rows=tuple(out), subtitle=f"Entries with value date {on.isoformat()}",
        checks=(Check("Debits equal credits", debit == credit, f"debits {debit}, credits {credit} (minor units)"),),
        summary=(("Entries", len(entries)),),
    )


async def cash_book(*, on: date, currency: str) -> Report:
    """Cash in hand (GL ``1100``) on ``on``: opening balance, each receipt and payment with
    the account on the other side, closing balance; checks opening + receipts - payments
    equals the closing balance derived independently."""
    code = chart.gl_code(chart.CASH, currency)
    conn = get_connection("default")
    found = await fetch(conn, f"SELECT id FROM ledger_account WHERE code = {placeholders(conn, 1)[0]}", [code])
    if not found:
        raise DomainError(ErrorCode.NOT_FOUND, f"no cash account {code}", field="currency")
    cash_id = found[0]["id"]
    opening = (await balance_as_of(code=code, as_of=on - timedelta(days=1))).amount_minor
    m = placeholders(conn, 2)
    rows = await fetch(
        conn,
        "SELECT p.entry_id, je.entry_type, je.narration, p.side, p.amount_minor, "
        "(SELECT MIN(la2.code) FROM posting p2 JOIN ledger_account la2 ON la2.id = p2.ledger_account_id "
        " WHERE p2.entry_id = p.entry_id AND p2.id <> p.id) AS other "
        "FROM posting p JOIN journal_entry je ON je.id = p.entry_id "
        f"WHERE p.ledger_account_id = {m[0]} AND p.value_date = {m[1]} ORDER BY p.id",
        [cash_id, on],
    )
    running = opening
    receipts = payments = 0
    out = [Row(("", "", "Opening balance", "", None, None, Amount(opening, currency)), "line")]
    for r in rows:
        amount = int(r["amount_minor"])
        received, paid = (amount, 0) if r["side"] == "D" else (0, amount)
        receipts += received
        payments += paid
        running += received - paid
        out.append(Row((str(r["entry_id"]), r["entry_type"], r["narration"], r["other"] or "",
                        Amount(received, currency), Amount(paid, currency), Amount(running, currency))))
    closing = (await balance_as_of(code=code, as_of=on)).amount_minor
    out.append(Row(("TOTAL", "", "Closing balance", "", Amount(receipts, currency), Amount(payments, currency),
                    Amount(running, currency)), "total"))
    return Report(
        name="cash-book", title="Cash book", as_of=on, currency=currency,
        columns=(Column("entry_id", "Entry"), Column("entry_type", "Type"), Column("narration", "Narration"),
                 Column("account", "Other account"), Column("receipts", "Receipts", MONEY),
                 Column("payments", "Payments", MONEY), Column("balance", "Balance", MONEY)),
        rows=tuple(out), subtitle=f"Cash in hand ({code}) on {on.isoformat()}",
        checks=(Check("Opening + receipts - payments = closing balance", running == closing,
                      f"computed {running}, ledger {closing} (minor units)"),),
        summary=(("Opening balance", Amount(opening, currency)), ("Closing balance", Amount(closing, currency))),
    )


async def general_ledger(*, code: str, from_date: date, to_date: date) -> Report:
    """The ledger of one account (a GL code, control account or member's account number)
    for ``from_date`` to ``to_date`` inclusive: opening balance, each posting (or, above
    ``GL_DETAIL_LIMIT`` postings or for a control account, one row per day) with the
    running balance, closing balance. Natural sign. Raises ``DomainError`` ``NOT_FOUND``
    or ``INVALID_INPUT`` (period ends before it starts)."""
    if to_date < from_date:
        raise DomainError(ErrorCode.INVALID_INPUT, "the period ends before it starts", field="from_date")
    conn = get_connection("default")
    code = code.replace(" ", "")[:32]
    one = placeholders(conn, 1)[0]
    found = await fetch(conn, f"SELECT id, code, name, kind, currency, is_control FROM ledger_account WHERE code = {one}",
                        [code])
    if not found:
        raise DomainError(ErrorCode.NOT_FOUND, f"no ledger account {code}", field="account")
    account = found[0]
    currency = account["currency"]
    sign = 1 if LedgerKind(account["kind"]).debit_normal else -1
    opening = (await balance_as_of(code=code, as_of=from_date - timedelta(days=1))).amount_minor
    if account["is_control"]:
        m = placeholders(conn, 5)
        scope = ("FROM posting p JOIN ledger_account la ON la.id = p.ledger_account_id "
                 "LEFT JOIN ledger_account up ON up.id = la.parent_id "
                 f"WHERE (la.id = {m[0]} OR la.parent_id = {m[1]} OR up.parent_id = {m[2]}) ")
        params = [account["id"], account["id"], account["id"], from_date, to_date]
    else:
        m = placeholders(conn, 3)
        scope = f"FROM posting p WHERE p.ledger_account_id = {m[0]} "
        params = [account["id"], from_date, to_date]
    period = f"AND p.value_date >= {m[-2]} AND p.value_date <= {m[-1]}"
    count = int((await fetch(conn, f"SELECT COUNT(*) AS n {scope}{period}", params))[0]["n"])
    daily = bool(account["is_control"]) or count > GL_DETAIL_LIMIT
    running = opening
    out = [Row(("", "", "Opening balance", None, None, Amount(opening, currency)), "line")]
    debit = credit = 0
    if daily:
        rows = await fetch(
            conn,
            "SELECT p.value_date AS d, SUM(CASE p.side WHEN 'D' THEN p.amount_minor ELSE 0 END) AS dr, "
            f"SUM(CASE p.side WHEN 'C' THEN p.amount_minor ELSE 0 END) AS cr, COUNT(*) AS n {scope}{period} "
            "GROUP BY p.value_date ORDER BY p.value_date",
            params,
        )
        for r in rows:
            dr, cr = int(r["dr"] or 0), int(r["cr"] or 0)
            debit, credit, running = debit + dr, credit + cr, running + sign * (dr - cr)
            out.append(Row((_as_date(r["d"]), "", f"{int(r['n'])} postings", Amount(dr, currency), Amount(cr, currency),
                            Amount(running, currency))))
    else:
        rows = await fetch(
            conn,
            f"SELECT p.value_date AS d, p.entry_id, je.narration, p.side, p.amount_minor {scope.replace('FROM posting p', 'FROM posting p JOIN journal_entry je ON je.id = p.entry_id', 1)}"
            f"{period} ORDER BY p.value_date, p.id",
            params,
        )
        for r in rows:
            amount = int(r["amount_minor"])
            dr, cr = (amount, 0) if r["side"] == "D" else (0, amount)
            debit, credit, running = debit + dr, credit + cr, running + sign * (dr - cr)
            out.append(Row((_as_date(r["d"]), str(r["entry_id"]), r["narration"], Amount(dr, currency),
                            Amount(cr, currency), Amount(running, currency))))
    closing = (await balance_as_of(code=code, as_of=to_date)).amount_minor
    out.append(Row(("TOTAL", "", "Closing balance", Amount(debit, currency), Amount(credit, currency),
                    Amount(running, currency)), "total"))
    return Report(
        name="general-ledger", title=f"General ledger: {account['code']} {account['name']}", as_of=to_date,
        from_date=from_date, currency=currency,
        columns=(Column("value_date", "Date", ColumnKind.DATE), Column("entry_id", "Entry"),
                 Column("narration", "Narration"), Column("debit", "Debit", MONEY), Column("credit", "Credit", MONEY),
                 Column("balance", "Balance", MONEY)),
        rows=tuple(out),
        subtitle=f"{from_date.isoformat()} to {to_date.isoformat()}" + (
            f"; {count:,} postings, one row per day" if daily else ""),
        checks=(Check("Opening + movements = closing balance", running == closing,
                      f"computed {running}, ledger {closing} (minor units)"),),
        summary=(("Opening balance", Amount(opening, currency)), ("Closing balance", Amount(closing, currency))),
    )



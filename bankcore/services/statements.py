"""Account balance and account statement (read side)."""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from tortoise.connection import get_connection

from bankcore.errors import DomainError, ErrorCode
from bankcore.ledger.sql import fetch, placeholders
from bankcore.models import LedgerKind
from bankcore.money import Money
from bankcore.services._lookup import AccountRef, get_account

MAX_PAGE_SIZE = 500


@dataclass(frozen=True, slots=True)
class AccountBalance:
    """``ledger`` is the booked balance; ``available`` what may still be drawn above the floor."""

    account_number: str
    ledger: Money
    available: Money


@dataclass(frozen=True, slots=True)
class StatementLine:
    posting_id: int
    entry_id: int
    value_date: date
    narration: str
    entry_type: str
    debit: Money | None
    credit: Money | None
    running_balance: Money


@dataclass(frozen=True, slots=True)
class Statement:
    """Lines with ``from_date <= value_date <= to_date`` (both inclusive), oldest first.

    ``opening_balance`` is the balance at the start of ``from_date``, ``closing_balance``
    at the end of ``to_date``, whatever page this is; ``next_cursor`` is None on the last page.
    """

    account_number: str
    currency: str
    from_date: date
    to_date: date
    opening_balance: Money
    closing_balance: Money
    lines: tuple[StatementLine, ...]
    next_cursor: str | None


async def account_balance(*, account_number: str) -> AccountBalance:
    """The account's ledger and available balance. Raises ``NOT_FOUND``, ``INVALID_ACCOUNT_NUMBER``."""
    account = await get_account(account_number)
    floor = account.floor_minor
    spendable = account.balance_minor - account.held_minor  # pending holds are spoken for
    available = spendable - floor if floor is not None else spendable
    return AccountBalance(
        account_number=account.number,
        ledger=Money(account.balance_minor, account.currency),
        available=Money(max(available, 0), account.currency),
    )


def _encode_cursor(value_date: date, posting_id: int) -> str:
    return base64.urlsafe_b64encode(f"{value_date.isoformat()}|{posting_id}".encode()).decode()


_CURSOR_RE = re.compile(r"^([0-9]{4}-[0-9]{2}-[0-9]{2})\|([1-9][0-9]{0,17})$")


def _decode_cursor(cursor: str) -> tuple[date, int]:
    """(value date, posting id) of a cursor this module made; anything else is ``INVALID_INPUT``."""
    invalid = DomainError(ErrorCode.INVALID_INPUT, "cursor is not valid", field="after")
    if len(cursor) > 64 or not cursor.isascii():
        raise invalid
    try:
        text = base64.b64decode(cursor.encode(), altchars=b"-_", validate=True).decode("ascii")
        match = _CURSOR_RE.match(text)
        if match is None:
            raise invalid
        return date.fromisoformat(match.group(1)), int(match.group(2))
    except (ValueError, UnicodeError, binascii.Error):
        raise invalid from None


async def account_statement(
    *,
    account_number: str,
    from_date: date,
    to_date: date,
    after: str | None = None,
    limit: int = 100,
    account: AccountRef | None = None,
) -> Statement:
    """Statement of an account between two value dates (inclusive), keyset-paginated.

    Lines are ordered by value date, then posting order. Pass the previous page's
    ``next_cursor`` as ``after`` for the next page; each line carries the running balance.
    ``account``: the account as the caller already read it (``number`` must match), which
    saves looking it up. One statement reads the opening, closing and page-start balances
    and the page's lines (one round trip: the member's read is on the hot path).
    Raises ``DomainError``: ``NOT_FOUND``, ``INVALID_DATE`` (from after to),
    ``INVALID_INPUT`` (limit outside 1-500 or a bad cursor).
    """
    cursor = check_statement_arguments(from_date=from_date, to_date=to_date, after=after, limit=limit)
    if account is None:
        account = await get_account(account_number)
    conn = get_connection("default")
    params: list[object] = []
    arg = sql_arguments(conn, params)
    totals, page = statement_sql(arg, lambda: arg(account.ledger_account_id), from_date=from_date, to_date=to_date,
                                 cursor=cursor, limit=limit)
    rows = await fetch(
        conn,
        f"WITH totals AS ({totals}), page AS ({page}) "
        "SELECT t.start_minor, t.opening_minor, t.closing_minor, page.* FROM totals t LEFT JOIN page ON 1 = 1 "
        "ORDER BY page.value_date, page.id",
        params,
    )
    return statement_from_rows(rows, number=account.number, currency=account.currency, kind=account.kind,
                               from_date=from_date, to_date=to_date, limit=limit)


def check_statement_arguments(*, from_date: date, to_date: date, after: str | None, limit: int) -> tuple[date, int] | None:
    """The decoded cursor of a statement request, once its arguments are checked.

    Raises ``DomainError``: ``INVALID_DATE`` (from after to), ``INVALID_INPUT`` (limit
    outside 1-500 or a bad cursor).
    """
    if from_date > to_date:
        raise DomainError(ErrorCode.INVALID_DATE, "from date is after to date", field="from_date")
    if not 1 <= limit <= MAX_PAGE_SIZE:
        raise DomainError(ErrorCode.INVALID_INPUT, f"limit must be 1-{MAX_PAGE_SIZE}", field="limit")
    return _decode_cursor(after) if after else None


def sql_arguments(conn: object, params: list[object]) -> Callable[[object], str]:
    """``arg(value)``: appends ``value`` to ``params`` and returns its placeholder (SQLite's are
    positional, so a statement's text must be built in the order its placeholders appear)."""

    def arg(value: object) -> str:
        params.append(value)
        return placeholders(conn, 1, start=len(params))[0]

    return arg


def statement_sql(arg: Callable[[object], str], ledger_account: Callable[[], str], *, from_date: date, to_date: date,
                  cursor: tuple[date, int] | None, limit: int) -> tuple[str, str]:
    """The two parts of a statement page's query: ``totals`` (one row: ``start_minor``,
    ``opening_minor``, ``closing_minor``) and ``page`` (up to ``limit + 1`` lines), for the
    ledger account whose id is the SQL expression ``ledger_account()`` gives (a new placeholder
    at each use, or a subquery). Sums are debits minus credits: ``statement_from_rows`` turns them to the
    account's natural sign. Built in text order (see ``sql_arguments``).
    """
    debit_plus = "CASE p.side WHEN 'D' THEN p.amount_minor ELSE -p.amount_minor END"
    # Balances: the sums of the account's postings before from_date (opening), up to
    # to_date (closing) and before this page's first line (start). (value_date, id) order.
    if cursor is None:
        start_condition = f"p.value_date < {arg(from_date)}"
    else:
        start_condition = f"(p.value_date < {arg(cursor[0])} OR (p.value_date = {arg(cursor[0])} AND p.id <= {arg(cursor[1])}))"
    totals = (
        f"SELECT COALESCE(SUM(CASE WHEN {start_condition} THEN {debit_plus} ELSE 0 END), 0) AS start_minor, "
        f"COALESCE(SUM(CASE WHEN p.value_date < {arg(from_date)} THEN {debit_plus} ELSE 0 END), 0) AS opening_minor, "
        f"COALESCE(SUM({debit_plus}), 0) AS closing_minor "
        f"FROM posting p WHERE p.ledger_account_id = {ledger_account()} AND p.value_date <= {arg(to_date)}"
    )
    page_account = ledger_account()
    if cursor is None:
        keyset = f"p.value_date >= {arg(from_date)}"
    else:
        keyset = f"(p.value_date > {arg(cursor[0])} OR (p.value_date = {arg(cursor[0])} AND p.id > {arg(cursor[1])}))"
    page_to = arg(to_date)
    page = (
        "SELECT p.id, p.entry_id, p.value_date, p.side, p.amount_minor, e.narration, e.entry_type "
        "FROM posting p JOIN journal_entry e ON e.id = p.entry_id "
        f"WHERE p.ledger_account_id = {page_account} AND {keyset} AND p.value_date <= {page_to} "
        f"ORDER BY p.value_date, p.id LIMIT {arg(limit + 1)}"
    )
    return totals, page


def statement_from_rows(rows: list[dict[str, Any]], *, number: str, currency: str, kind: str, from_date: date,
                        to_date: date, limit: int) -> Statement:
    """The ``Statement`` of the rows of ``statement_sql``'s parts joined (every row carries the
    three totals; a row whose ``id`` is null is no line), ordered by value date and id."""
    sign = 1 if LedgerKind(kind).debit_normal else -1
    opening, closing, start = (sign * int(rows[0][k]) for k in ("opening_minor", "closing_minor", "start_minor"))
    rows = [row for row in rows if row["id"] is not None]
    lines: list[StatementLine] = []
    running = start
    for row in rows[:limit]:
        value_date = row["value_date"]
        if isinstance(value_date, str):  # SQLite hands dates back as text
            value_date = date.fromisoformat(value_date)
        amount = Money(int(row["amount_minor"]), currency)
        is_debit = row["side"] == "D"
        running += (amount.amount_minor if is_debit else -amount.amount_minor) * sign
        lines.append(
            StatementLine(
                posting_id=row["id"],
                entry_id=row["entry_id"],
                value_date=value_date,
                narration=row["narration"],
                entry_type=row["entry_type"],
                debit=amount if is_debit else None,
                credit=None if is_debit else amount,
                running_balance=Money(running, currency),
            )
        )
    next_cursor = _encode_cursor(lines[-1].value_date, lines[-1].posting_id) if len(rows) > limit else None
    return Statement(
        account_number=number,
        currency=currency,
        from_date=from_date,
        to_date=to_date,
        opening_balance=Money(opening, currency),
        closing_balance=Money(closing, currency),
        lines=tuple(lines),
        next_cursor=next_cursor,
    )

"""A member's passbook, printed page by page, continuing where the last print stopped.

A passbook is the account's postings in the order they were posted (posting id), each
line with its value date, narration, withdrawal or deposit and the running balance. The
bank keeps, per account, where it was printed up to (``PassbookPrint``: the last posting
printed, the running balance then, and the page and line reached). A print takes the
lines after that mark (at most ``MAX_PAGES_PER_PRINT`` pages; the next print carries on),
starts on the page and line where the last one stopped, and moves the mark, in one
transaction with the mark's row locked, so two prints never print a line twice.
``passbook_preview`` shows the same lines without moving the mark.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from tortoise.connection import get_connection
from tortoise.transactions import in_transaction

from bankcore.calendar.business_date import business_date
from bankcore.errors import DomainError, ErrorCode
from bankcore.ledger.sql import fetch, placeholders
from bankcore.models import Account, AccountHolder, HolderRole, LedgerAccount, Member, PassbookPrint
from bankcore.reports.balances import _as_date
from bankcore.reports.settings import PASSBOOK_LINES_PER_PAGE

MAX_PAGES_PER_PRINT = 10
# A nominee sees nothing of the account while its holders live; these may print its passbook.
_OPERATING_ROLES = (HolderRole.OWNER, HolderRole.JOINT, HolderRole.MANDATE_HOLDER)


@dataclass(frozen=True, slots=True)
class PassbookLine:
    """One printed line: where it goes (page, line 1-based) and what it says (minor units)."""

    page: int
    line: int
    posting_id: int
    value_date: date
    narration: str
    withdrawal_minor: int
    deposit_minor: int
    balance_minor: int


@dataclass(frozen=True, slots=True)
class PassbookPrintout:
    """The lines of one print, where it starts, and the mark it leaves.

    ``start_page``/``start_line``: the first line goes on line ``start_line + 1`` of
    ``start_page`` (lines above were printed before). ``printed_up_to`` is the value date
    of the last line printed (None when nothing was ever printed); ``more`` says lines
    remain for the next print.
    """

    account_number: str
    holder_name: str
    currency: str
    lines_per_page: int
    start_page: int
    start_line: int
    opening_balance_minor: int
    lines: tuple[PassbookLine, ...]
    printed_up_to: date | None
    more: bool
    printed_on: date


async def _account(account_number: str, member_id: int | None) -> Account:
    compact = "".join((account_number or "").split())[:20]
    account = await Account.get_or_none(number=compact)
    if account is None or (member_id is not None
                           and not await AccountHolder.exists(account_id=account.id, member_id=member_id,
                                                             role__in=_OPERATING_ROLES)):
        raise DomainError(ErrorCode.NOT_FOUND, f"no account {compact}", field="account_number")
    return account


async def _holder_name(account: Account) -> str:
    holder = await AccountHolder.filter(account_id=account.id, role__in=_OPERATING_ROLES).order_by("id").first()
    member = await Member.get_or_none(id=holder.member_id) if holder else None
    return member.full_name if member else ""


async def _postings_after(ledger_account_id: int, after_id: int, limit: int) -> list[dict]:
    conn = get_connection("default")
    m = placeholders(conn, 2)
    return await fetch(
        conn,
        "SELECT p.id, p.value_date, p.side, p.amount_minor, je.narration FROM posting p "
        f"JOIN journal_entry je ON je.id = p.entry_id WHERE p.ledger_account_id = {m[0]} AND p.id > {m[1]} "
        f"ORDER BY p.id LIMIT {int(limit)}",
        [ledger_account_id, after_id],
    )


async def _layout(account: Account, mark: PassbookPrint | None, *, from_start: bool) -> PassbookPrintout:
    per_page = max(1, await PASSBOOK_LINES_PER_PAGE.get())
    if mark is None or from_start:
        after, balance, page, used, last_day = 0, 0, 1, 0, None
    else:
        after, balance, page, used, last_day = mark.last_posting_id, mark.balance_minor, mark.page, mark.line, None
    limit = per_page * MAX_PAGES_PER_PRINT - used
    rows = await _postings_after(account.ledger_account_id, after, limit + 1)
    more = len(rows) > limit
    start_page, start_line = page, used
    opening = balance
    lines = []
    for r in rows[:limit]:
        if used >= per_page:
            page, used = page + 1, 0
        used += 1
        amount = int(r["amount_minor"])
        # a deposit account: credits add to the balance, debits take from it
        balance += amount if r["side"] == "C" else -amount
        last_day = _as_date(r["value_date"])
        lines.append(PassbookLine(page, used, int(r["id"]), last_day, (r["narration"] or "")[:60],
                                  amount if r["side"] == "D" else 0, amount if r["side"] == "C" else 0, balance))
    if not lines and mark is not None and mark.last_posting_id and not from_start:
        last = await _postings_after(account.ledger_account_id, mark.last_posting_id - 1, 1)
        last_day = _as_date(last[0]["value_date"]) if last else None
    return PassbookPrintout(
        account_number=account.number, holder_name=await _holder_name(account),
        currency=(await LedgerAccount.get(id=account.ledger_account_id)).currency,
        lines_per_page=per_page, start_page=start_page, start_line=start_line, opening_balance_minor=opening,
        lines=tuple(lines), printed_up_to=last_day, more=more, printed_on=await business_date(),
    )


async def passbook_preview(*, account_number: str, member_id: int | None = None) -> PassbookPrintout:
    """The lines the next print would print, without moving the mark. ``NOT_FOUND`` as ``print_passbook``."""
    account = await _account(account_number, member_id)
    return await _layout(account, await PassbookPrint.get_or_none(account_id=account.id), from_start=False)


async def print_passbook(*, account_number: str, initiator: str, member_id: int | None = None,
                         from_start: bool = False) -> PassbookPrintout:
    """Print the passbook lines not printed yet and move the "printed up to" mark past them.

    ``from_start`` reprints from the first posting on page 1 (a new passbook). ``member_id``
    (a member printing their own) must own, jointly hold or operate the account. Raises ``DomainError(NOT_FOUND)``
    for an unknown account or one the member does not hold.
    """
    account = await _account(account_number, member_id)
    await PassbookPrint.get_or_create(account_id=account.id)
    async with in_transaction():
        mark = await PassbookPrint.filter(account_id=account.id).select_for_update().first()
        printout = await _layout(account, mark, from_start=from_start)
        if printout.lines:
            last = printout.lines[-1]
            page, line = (last.page + 1, 0) if last.line >= printout.lines_per_page else (last.page, last.line)
            await PassbookPrint.filter(id=mark.id).update(
                last_posting_id=last.posting_id, balance_minor=last.balance_minor, page=page, line=line,
                printed_on=printout.printed_on, printed_by=initiator[:100])
        elif from_start:
            await PassbookPrint.filter(id=mark.id).update(last_posting_id=0, balance_minor=0, page=1, line=0)
    return printout

"""Closing a financial year: income and expense to net profit, the s.63 appropriation, and the lock.

``close_financial_year`` (the accountant, once the business date has passed 31 March):

1. takes the business-date lock exclusively and sets ``books_closed_through`` to 31 March,
   so from then on ``post_entry`` refuses every posting valued in the year
   (``PERIOD_CLOSED``), except the close's own ``YEAR_END`` entries;
2. per currency, posts the *closing entry* valued 31 March: every income and expense
   account's balance as of 31 March (all postings valued on or before it, so any earlier
   year never closed is swept in too) is brought to zero against the profit and loss
   appropriation account (3290): net profit credits it, a net loss debits it;
3. appropriates a net profit (MSCS Act 2002 s.63(1), ``bankcore.books.financial_year``):
   Dr 3290, Cr statutory reserve fund (3251), co-operative education fund payable (2451),
   reserve for unforeseen losses (3252). What stays in 3290 is the surplus the general
   body disposes of (the dividend is paid out of it).

Each step is recorded on ``financial_year_close`` in the same transaction as its entry,
under its own idempotency key, so a close that crashed resumes where it stopped.
"""

from __future__ import annotations

from dataclasses import dataclass

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.connection import get_connection
from tortoise.transactions import in_transaction

from bankcore.books.financial_year import appropriate, year_bounds, year_label
from bankcore.calendar.business_date import books_closed_through, business_date, close_books_through
from bankcore.chart import EDUCATION_FUND_PAYABLE, PROFIT_AND_LOSS, STATUTORY_RESERVE, UNFORESEEN_LOSSES_RESERVE
from bankcore.errors import DomainError, ErrorCode
from bankcore.ledger.entry import EntryDraft, PostingDraft, credit, debit, request_fingerprint
from bankcore.ledger.posting import post_entry
from bankcore.ledger.sql import fetch, placeholders
from bankcore.models import EntryType, FinancialYearClose
from bankcore.services._lookup import gl_account_id
from bankcore.shares.settings import (
    EDUCATION_FUND_BPS,
    STATUTORY_MINIMUM_BPS,
    STATUTORY_RESERVE_BPS,
    UNFORESEEN_LOSSES_BPS,
)


@dataclass(frozen=True, slots=True)
class YearClose:
    """The close of a year: one row per currency, and whether this call found it already done."""

    financial_year: int
    closes: list[FinancialYearClose]
    replayed: bool = False


async def income_and_expense_balances(*, through: str | object) -> dict[str, dict[int, tuple[str, int]]]:
    """Balances of every income and expense account as of ``through`` (a date), by currency.

    ``{currency: {ledger_account_id: (kind, balance in its natural sign)}}``, zero balances left out.
    One set-based query over the postings.
    """
    conn = get_connection("default")
    mark = placeholders(conn, 1)[0]
    rows = await fetch(
        conn,
        "SELECT la.id, la.kind, la.currency, "
        "SUM(CASE WHEN p.side = 'C' THEN p.amount_minor ELSE -p.amount_minor END) AS credit_net "
        "FROM posting p JOIN ledger_account la ON la.id = p.ledger_account_id "
        f"WHERE la.kind IN ('income', 'expense') AND p.value_date <= {mark} "
        "GROUP BY la.id, la.kind, la.currency",
        [through],
    )
    out: dict[str, dict[int, tuple[str, int]]] = {}
    for row in rows:
        net = int(row["credit_net"])
        balance = net if row["kind"] == "income" else -net
        if balance:
            out.setdefault(row["currency"], {})[row["id"]] = (row["kind"], balance)
    return out


async def _rates() -> dict[str, int]:
    rates = {
        STATUTORY_RESERVE_BPS.key: await STATUTORY_RESERVE_BPS.get(),
        EDUCATION_FUND_BPS.key: await EDUCATION_FUND_BPS.get(),
        UNFORESEEN_LOSSES_BPS.key: await UNFORESEEN_LOSSES_BPS.get(),
    }
    for key, minimum in STATUTORY_MINIMUM_BPS.items():
        if rates[key] < minimum:
            raise DomainError(ErrorCode.INVALID_INPUT,
                              f"setting {key} is {rates[key]} bps, below the {minimum} bps MSCS Act s.63 requires")
    return rates


async def close_financial_year(*, financial_year: int, initiator: str, idempotency_key: str) -> YearClose:
    """Close financial year ``financial_year`` (2025 = April 2025 - March 2026).

    Refused with ``DomainError``: ``YEAR_NOT_ENDED`` (the business date is not past 31
    March), ``YEAR_NOT_CLOSED`` (once any year has been closed, the
    years are closed in order: the year before is still open), ``YEAR_ALREADY_CLOSED`` (closed
    before, under another key; the same key returns the close with ``replayed``),
    ``INVALID_INPUT`` (a key that is not 1-100 printable characters, an appropriation
    setting below the Act's minimum).
    """
    if not (1 <= len(idempotency_key) <= 100 and idempotency_key.isprintable()):
        raise DomainError(ErrorCode.INVALID_INPUT, "idempotency key must be 1-100 printable characters", field="idempotency_key")
    year_start, year_end = year_bounds(financial_year)
    today = await business_date()
    if today <= year_end:
        raise DomainError(ErrorCode.YEAR_NOT_ENDED, f"{year_label(financial_year)} ends on {year_end.isoformat()}; "
                          f"the business date is {today.isoformat()}", field="financial_year")
    existing = await FinancialYearClose.filter(year_start=year_start).order_by("currency")
    if existing and all(c.completed for c in existing):
        if existing[0].idempotency_key == idempotency_key:
            return YearClose(financial_year, existing, replayed=True)
        raise DomainError(ErrorCode.YEAR_ALREADY_CLOSED, f"{year_label(financial_year)} is closed", field="financial_year")
    closed = await books_closed_through()
    if closed is not None and closed > year_end and not existing:
        raise DomainError(ErrorCode.YEAR_ALREADY_CLOSED, f"the books are closed through {closed.isoformat()}",
                          field="financial_year")
    previous_end = year_bounds(financial_year - 1)[1]
    if closed is not None and closed < previous_end:
        raise DomainError(ErrorCode.YEAR_NOT_CLOSED, f"close {year_label(financial_year - 1)} first", field="financial_year")
    rates = await _rates()

    async with in_transaction() as conn:
        await close_books_through(conn, through=year_end)

    balances = await income_and_expense_balances(through=year_end)
    currencies = sorted(set(balances) | {c.currency for c in existing})
    if not currencies:
        from bankcore.settings import BANK_CURRENCY

        currencies = [await BANK_CURRENCY.get()]
    closes = []
    for currency in currencies:
        row, _ = await FinancialYearClose.get_or_create(
            year_start=year_start, currency=currency,
            defaults={"year_end": year_end, "closed_by": initiator[:100], "closed_on": today,
                      "idempotency_key": idempotency_key},
        )
        if not row.completed:
            await _close_currency(row, balances.get(currency, {}), rates, initiator)
            await FinancialYearClose.filter(id=row.id).update(completed=True)
        await row.refresh_from_db()
        closes.append(row)
    return YearClose(financial_year, closes)


async def _close_currency(row: FinancialYearClose, balances: dict[int, tuple[str, int]], rates: dict[str, int],
                          initiator: str) -> None:
    currency, label = row.currency, year_label(row.year_start.year)
    pl = await gl_account_id(PROFIT_AND_LOSS, currency)
    if row.closing_entry_id is None and balances:
        postings: list[PostingDraft] = []
        net_profit = 0
        for account_id, (kind, balance) in sorted(balances.items()):
            # Bring the account to zero: an income balance (credit) is debited, an expense balance credited.
            to_zero = debit if (kind == "income") == (balance > 0) else credit
            postings.append(to_zero(account_id, abs(balance), currency))
            net_profit += balance if kind == "income" else -balance
        if net_profit > 0:
            postings.append(credit(pl, net_profit, currency))
        elif net_profit < 0:
            postings.append(debit(pl, -net_profit, currency))

        async def record_closing(conn: BaseDBAsyncClient, entry_id: int) -> None:
            await FinancialYearClose.filter(id=row.id).using_db(conn).update(closing_entry_id=entry_id,
                                                                              net_profit_minor=net_profit)

        await post_entry(EntryDraft(
            entry_type=EntryType.YEAR_END, value_date=row.year_end,
            narration=f"Year-end close {label}: income and expense to profit and loss", initiator=initiator,
            postings=tuple(postings), idempotency_key=f"fy-close:{label}:{currency}:pl",
            request_fingerprint=request_fingerprint({"op": "close_year", "year": label, "currency": currency,
                                                     "postings": [(p.ledger_account_id, p.side.value, p.amount_minor) for p in postings]}),
        ), effects=record_closing)
        await row.refresh_from_db()
    if row.appropriation_entry_id is None and row.net_profit_minor > 0:
        split = appropriate(row.net_profit_minor, statutory_reserve_bps=rates[STATUTORY_RESERVE_BPS.key],
                            education_fund_bps=rates[EDUCATION_FUND_BPS.key],
                            unforeseen_reserve_bps=rates[UNFORESEEN_LOSSES_BPS.key])
        legs = [(STATUTORY_RESERVE, split.statutory_reserve_minor), (EDUCATION_FUND_PAYABLE, split.education_fund_minor),
                (UNFORESEEN_LOSSES_RESERVE, split.unforeseen_reserve_minor)]
        taken = sum(amount for _, amount in legs)
        postings = [debit(pl, taken, currency)] + [credit(await gl_account_id(code, currency), amount, currency)
                                                     for code, amount in legs if amount > 0]

        async def record_appropriation(conn: BaseDBAsyncClient, entry_id: int) -> None:
            await FinancialYearClose.filter(id=row.id).using_db(conn).update(
                appropriation_entry_id=entry_id, statutory_reserve_minor=split.statutory_reserve_minor,
                education_fund_minor=split.education_fund_minor, unforeseen_reserve_minor=split.unforeseen_reserve_minor)

        await post_entry(EntryDraft(
            entry_type=EntryType.YEAR_END, value_date=row.year_end,
            narration=f"Appropriation of net profit {label} (MSCS Act s.63)", initiator=initiator,
            postings=tuple(postings), idempotency_key=f"fy-close:{label}:{currency}:appropriation",
            request_fingerprint=request_fingerprint({"op": "appropriate", "year": label, "currency": currency,
                                                     "legs": legs}),
        ), effects=record_appropriation)

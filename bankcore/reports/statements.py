"""Balance sheet and profit & loss in the format of the Banking Regulation Act, 1949,
Third Schedule: Form A (balance sheet) and Form B (profit and loss account).

Each GL account maps to one line of the form by its chart code (``SCHEDULE_LINES``);
an account the table does not name falls to the catch-all line of its class ("Other
liabilities and provisions", "Other assets", "Other income", "Operating expenses"), so
a GL account added by another domain is never left out and the statement still balances.

Sub-ledger balances are split by sign: an overdrawn deposit account is an advance (Form A
assets, item 4), a loan account in credit another liability; deposits show only credit
balances. Income and expense not yet closed to reserves are shown under "Reserves and
surplus" as the profit and loss account's balance, so that assets equal liabilities.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from tortoise.connection import get_connection

from bankcore import chart
from bankcore.ledger.sql import fetch, placeholders
from bankcore.models import LedgerKind
from bankcore.reports.balances import NET, GlBalance, gl_balances
from bankcore.reports.base import STATEMENT_COLUMNS, Amount, Check, Report, Row, statement_row


@dataclass(frozen=True, slots=True)
class Line:
    section: str  # LIABILITIES, ASSETS, INCOME, EXPENDITURE
    code: str  # the form's item number
    name: str


# Form A, capital and liabilities (items 1-5) and assets (items 1-6).
CAPITAL = Line("LIABILITIES", "1", "Capital")
RESERVES = Line("LIABILITIES", "2", "Reserves and surplus")
DEPOSITS = Line("LIABILITIES", "3", "Deposits")
BORROWINGS = Line("LIABILITIES", "4", "Borrowings")
OTHER_LIABILITIES = Line("LIABILITIES", "5", "Other liabilities and provisions")
CASH_RBI = Line("ASSETS", "1", "Cash and balances with Reserve Bank of India")
BANK_BALANCES = Line("ASSETS", "2", "Balances with banks and money at call and short notice")
INVESTMENTS = Line("ASSETS", "3", "Investments")
ADVANCES = Line("ASSETS", "4", "Advances")
FIXED_ASSETS = Line("ASSETS", "5", "Fixed assets")
OTHER_ASSETS = Line("ASSETS", "6", "Other assets")
FORM_A = (CAPITAL, RESERVES, DEPOSITS, BORROWINGS, OTHER_LIABILITIES,
          CASH_RBI, BANK_BALANCES, INVESTMENTS, ADVANCES, FIXED_ASSETS, OTHER_ASSETS)
# Form B: I income (1-2), II expenditure (1-3).
INTEREST_EARNED = Line("INCOME", "I.1", "Interest earned")
OTHER_INCOME = Line("INCOME", "I.2", "Other income")
INTEREST_EXPENDED = Line("EXPENDITURE", "II.1", "Interest expended")
OPERATING_EXPENSES = Line("EXPENDITURE", "II.2", "Operating expenses")
PROVISIONS = Line("EXPENDITURE", "II.3", "Provisions and contingencies")
FORM_B = (INTEREST_EARNED, OTHER_INCOME, INTEREST_EXPENDED, OPERATING_EXPENSES, PROVISIONS)

# Chart base code -> line. Codes of other domains' GL accounts are listed where known;
# anything else falls to its class's catch-all line (see ``line_of``).
SCHEDULE_LINES: dict[str, Line] = {
    chart.SHARE_CAPITAL: CAPITAL,
    chart.RESERVES: RESERVES,
    chart.SAVINGS_DEPOSITS: DEPOSITS,
    chart.CURRENT_DEPOSITS: DEPOSITS,
    chart.SUSPENSE: OTHER_LIABILITIES,
    chart.CASH: CASH_RBI,
    "1150": CASH_RBI,  # balance with the Reserve Bank, where a bank keeps one
    chart.CLEARING: BANK_BALANCES,
    chart.GATEWAY_SETTLEMENT: BANK_BALANCES,
    chart.LOANS: ADVANCES,
    chart.LOAN_INTEREST_INCOME: INTEREST_EARNED,
    chart.FEE_INCOME: OTHER_INCOME,
    chart.PENAL_INTEREST_INCOME: OTHER_INCOME,  # penal charges, not interest, since 2024
    chart.DEPOSIT_INTEREST_EXPENSE: INTEREST_EXPENDED,
    chart.GATEWAY_CHARGES: OPERATING_EXPENSES,
    "5365": PROVISIONS,  # loans: provisions for loan losses, charge for the period
    "5366": PROVISIONS,  # loans: bad debts written off
}
CATCH_ALL = {
    LedgerKind.ASSET: OTHER_ASSETS,
    LedgerKind.LIABILITY: OTHER_LIABILITIES,
    LedgerKind.EQUITY: RESERVES,
    LedgerKind.INCOME: OTHER_INCOME,
    LedgerKind.EXPENSE: OPERATING_EXPENSES,
}


def line_of(gl: GlBalance) -> Line:
    """The Third Schedule line a GL account belongs to."""
    line = SCHEDULE_LINES.get(gl.base)
    if line is None:
        if gl.kind is LedgerKind.LIABILITY and (gl.debit_parts_minor or gl.credit_parts_minor):
            return DEPOSITS  # a control account of members' deposits (e.g. term deposits)
        if gl.kind is LedgerKind.ASSET and (gl.debit_parts_minor or gl.credit_parts_minor):
            return ADVANCES
        return CATCH_ALL[gl.kind]
    return line


def leaves(balances: dict[str, GlBalance]) -> list[GlBalance]:
    """The GL accounts that carry figures: postable accounts and the control accounts that
    hold sub-ledgers, each once (the class headers are roll-ups of these)."""
    return [b for b in balances.values() if not b.is_control or b.parent_id is not None]


def financial_year_start(day: date) -> date:
    """1 April of the Indian financial year ``day`` falls in."""
    return date(day.year if day.month >= 4 else day.year - 1, 4, 1)


async def balance_sheet(*, as_of: date, currency: str) -> Report:
    """Form A as of the end of ``as_of``: items with their GL accounts beneath, a TOTAL per
    side, and the check that total assets equal total capital and liabilities."""
    balances = await gl_balances(as_of=as_of, currency=currency)
    amounts: dict[Line, list[tuple[str, str, int]]] = {line: [] for line in FORM_A}
    profit = 0
    for gl in leaves(balances):
        if gl.kind in (LedgerKind.INCOME, LedgerKind.EXPENSE):
            profit += gl.balance_minor if gl.kind is LedgerKind.INCOME else -gl.balance_minor
            continue
        line = line_of(gl)
        if gl.debit_parts_minor or gl.credit_parts_minor:
            if gl.kind is LedgerKind.LIABILITY:
                amounts[line].append((gl.code, gl.name, gl.credit_parts_minor))
                if gl.debit_parts_minor:
                    amounts[ADVANCES].append((gl.code, f"Overdrawn accounts: {gl.name}", gl.debit_parts_minor))
                continue
            if gl.kind is LedgerKind.ASSET:
                amounts[line].append((gl.code, gl.name, gl.debit_parts_minor))
                if gl.credit_parts_minor:
                    amounts[OTHER_LIABILITIES].append((gl.code, f"Credit balances: {gl.name}", gl.credit_parts_minor))
                continue
        amounts[line].append((gl.code, gl.name, gl.balance_minor))
    amounts[RESERVES].append(("P&L", "Profit and loss account (not yet appropriated)", profit))
    rows, totals = _statement_rows(FORM_A, amounts, currency, ("LIABILITIES", "ASSETS"))
    check = Check(
        "Total assets equal total capital and liabilities",
        totals["ASSETS"] == totals["LIABILITIES"],
        f"assets {totals['ASSETS']}, liabilities {totals['LIABILITIES']} (minor units)",
    )
    return Report(
        name="balance-sheet", title="Balance sheet (Form A, Third Schedule, Banking Regulation Act)",
        as_of=as_of, currency=currency, columns=STATEMENT_COLUMNS, rows=tuple(rows), checks=(check,),
        subtitle=f"As at the end of {as_of.isoformat()}",
    )


async def profit_and_loss(*, as_of: date, currency: str, from_date: date | None = None) -> Report:
    """Form B for the period ``from_date`` (default: 1 April of the financial year) to
    ``as_of``, both inclusive: each income and expense account's movement in the period."""
    start = from_date or financial_year_start(as_of)
    closing = await gl_balances(as_of=as_of, currency=currency)
    opening = await gl_balances(as_of=start - timedelta(days=1), currency=currency)
    closed = await _closing_entries_effect(start=start, end=as_of, currency=currency)
    amounts: dict[Line, list[tuple[str, str, int]]] = {line: [] for line in FORM_B}
    for gl in leaves(closing):
        if gl.kind not in (LedgerKind.INCOME, LedgerKind.EXPENSE):
            continue
        before = opening.get(gl.code)
        sign = 1 if gl.kind.debit_normal else -1
        movement = gl.balance_minor - (before.balance_minor if before else 0) - sign * closed.get(gl.id, 0)
        amounts[line_of(gl)].append((gl.code, gl.name, movement))
    rows, totals = _statement_rows(FORM_B, amounts, currency, ("INCOME", "EXPENDITURE"))
    net = totals["INCOME"] - totals["EXPENDITURE"]
    rows.append(statement_row("PROFIT", "III", "Net profit (loss) for the period", net, currency, "total"))
    return Report(
        name="profit-and-loss", title="Profit and loss account (Form B, Third Schedule, Banking Regulation Act)",
        as_of=as_of, from_date=start, currency=currency, columns=STATEMENT_COLUMNS, rows=tuple(rows),
        subtitle=f"For the period {start.isoformat()} to {as_of.isoformat()}",
        summary=(("Net profit (loss)", _amount(net, currency)),),
    )


async def _closing_entries_effect(*, start: date, end: date, currency: str) -> dict[int, int]:
    """Net debit per income/expense account of the year-end closing entries valued in the
    period (``bankcore.books.year_end``): they move the year's result to the appropriation
    account and are not income or expenditure of the period, so the P&L adds them back."""
    conn = get_connection("default")
    m = placeholders(conn, 3)
    rows = await fetch(
        conn,
        f"SELECT p.ledger_account_id AS id, {NET} AS net FROM posting p WHERE p.entry_id IN ("
        f"SELECT closing_entry_id FROM financial_year_close WHERE currency = {m[0]} AND year_end >= {m[1]} "
        f"AND year_end <= {m[2]} AND closing_entry_id IS NOT NULL) GROUP BY p.ledger_account_id",
        [currency, start, end],
    )
    return {r["id"]: int(r["net"] or 0) for r in rows}


def _amount(minor: int, currency: str) -> Amount:
    return Amount(minor, currency)


def _statement_rows(
    lines: tuple[Line, ...], amounts: dict[Line, list[tuple[str, str, int]]], currency: str, sections: tuple[str, ...]
) -> tuple[list[Row], dict[str, int]]:
    rows: list[Row] = []
    totals: dict[str, int] = {}
    for section in sections:
        total = 0
        for line in (ln for ln in lines if ln.section == section):
            line_total = sum(a for _, _, a in amounts[line])
            total += line_total
            rows.append(statement_row(section, line.code, line.name, line_total, currency, "line"))
            for code, name, amount in sorted(amounts[line]):
                if amount:
                    rows.append(statement_row(section, code, name, amount, currency, "detail"))
        rows.append(statement_row(section, "TOTAL", f"Total {section.lower()}", total, currency, "total"))
        totals[section] = total
    return rows, totals

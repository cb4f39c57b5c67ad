"""The shape every report has: a title, typed columns, rows, checks and named gaps.

A report is plain data (no ORM objects, no formatting): cells are ``str``, ``int``
(counts), ``date`` or ``Amount`` (integer minor units with a currency). The same value
is rendered as CSV and PDF (``bankcore.reports.export``), answered by the GraphQL API
and drawn on the staff pages, so the figures cannot differ between them.

Row styles: ``""`` an ordinary row, ``"line"`` a heading line of a statement (a Third
Schedule item), ``"detail"`` a GL account beneath a line (shown on the page and in the
PDF, left out of the CSV so the CSV's amounts add up per section), ``"total"`` a section
total.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from bankcore.money import Money


class ColumnKind(StrEnum):
    TEXT = "text"
    MONEY = "money"
    COUNT = "count"
    DATE = "date"


@dataclass(frozen=True, slots=True)
class Column:
    """A column: ``key`` is the CSV header (a contract), ``label`` what people read."""

    key: str
    label: str
    kind: ColumnKind = ColumnKind.TEXT


@dataclass(frozen=True, slots=True)
class Amount:
    """An amount in a report cell: integer minor units of ``currency``."""

    minor: int
    currency: str

    def plain(self) -> str:
        """``-5446.60``: major units with the currency's places (the CSV form)."""
        return Money(self.minor, self.currency).to_plain()

    # (so that the csv module writes an amount in its CSV form, as it writes a date's ISO form)
    __str__ = plain


Cell = str | int | date | Amount | None


@dataclass(frozen=True, slots=True)
class Row:
    cells: tuple[Cell, ...]
    style: str = ""  # "", "line", "detail", "total"


@dataclass(frozen=True, slots=True)
class Check:
    """A tie-out the report proves about itself, e.g. "assets equal liabilities"."""

    name: str
    ok: bool
    detail: str


@dataclass(frozen=True, slots=True)
class Report:
    """One report as of a date (``from_date`` set for reports over a period).

    ``gaps`` names what the report cannot show yet and why (e.g. a domain whose data is
    not recorded), so a missing figure is never silently a zero.
    """

    name: str
    title: str
    as_of: date
    currency: str
    columns: tuple[Column, ...]
    rows: tuple[Row, ...]
    from_date: date | None = None
    subtitle: str = ""
    checks: tuple[Check, ...] = ()
    gaps: tuple[str, ...] = ()
    summary: tuple[tuple[str, Cell], ...] = field(default=())  # label/value pairs above the table

    @property
    def ok(self) -> bool:
        return all(c.ok for c in self.checks)

    def column_index(self, key: str) -> int:
        return [c.key for c in self.columns].index(key)


STATEMENT_COLUMNS = (
    Column("section", "Section"),
    Column("code", "Code"),
    Column("name", "Name"),
    Column("amount", "Amount", ColumnKind.MONEY),
)


def statement_row(section: str, code: str, name: str, minor: int, currency: str, style: str = "") -> Row:
    """A row of a financial statement: ``section,code,name,amount``."""
    return Row((section, code, name, Amount(minor, currency)), style)


def cell_text(cell: Cell) -> str:
    """A cell as plain text (the CSV form): amounts as decimal strings, dates ISO."""
    if cell is None:
        return ""
    if isinstance(cell, Amount):
        return cell.plain()
    if isinstance(cell, date):
        return cell.isoformat()
    return str(cell)


@contextmanager
def gc_paused() -> Iterator[None]:
    """Python's cyclic garbage collector held off while a report is built or rendered.

    A long list allocates hundreds of thousands of objects (rows, cells, their texts) that
    all live until the report is answered; each time allocations trip the collector's
    threshold it walks them all again, for nothing: a quarter of a 119,000-row list's PDF
    and half of its figures. Reference counting still frees everything as usual; only
    cycles wait until the end. Left as it was when it was already off (nested, or by
    someone else)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()

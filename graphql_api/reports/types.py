"""The ``Report`` type: a report's columns, rows, checks and gaps, and its CSV and PDF."""

from __future__ import annotations

import asyncio
import base64
from datetime import date

import strawberry

from bankcore.reports.base import Amount, Report, cell_text
from bankcore.reports.export import format_amount, report_csv, report_pdf


@strawberry.type(name="ReportColumn", description="A column of a report.")
class ReportColumnType:
    key: str = strawberry.field(description="Machine name, the CSV header (e.g. `amount`).")
    label: str = strawberry.field(description="What people read.")
    kind: str = strawberry.field(description="text, money, count or date: how to align and read the cells.")


@strawberry.type(name="ReportRow", description="A row of a report: one text cell per column.")
class ReportRowType:
    style: str = strawberry.field(
        description="Empty for an ordinary row; `line` a statement's item, `detail` a GL account beneath it "
        "(not in the CSV), `total` a section total.")
    cells: list[str] = strawberry.field(
        description="Cell values as text: money as a plain decimal in major units (`-5446.60`), dates ISO, counts.")


@strawberry.type(name="ReportCheck", description="A tie-out the report proves about itself.")
class ReportCheckType:
    name: str = strawberry.field(description="What is checked, e.g. total assets equal total liabilities.")
    ok: bool = strawberry.field(description="Whether it holds.")
    detail: str = strawberry.field(description="The figures compared.")


@strawberry.type(name="ReportSummaryItem", description="A headline figure shown above the table.")
class ReportSummaryItemType:
    label: str = strawberry.field(description="What the figure is.")
    value: str = strawberry.field(description="The figure as text (money plain decimal, like the cells).")
    display: str = strawberry.field(description="The figure formatted for reading (digit grouping).")


@strawberry.type(name="Report", description="A report as of a date: figures, checks, gaps, and the same as CSV and PDF.")
class ReportType:
    name: str = strawberry.field(description="The report's command-line name, e.g. `balance-sheet`.")
    title: str = strawberry.field(description="Title.")
    subtitle: str = strawberry.field(description="Date or period it covers.")
    as_of: date = strawberry.field(description="The date (inclusive) the figures are as of, or the period's end.")
    from_date: date | None = strawberry.field(description="Start of the period (inclusive), for period reports.")
    currency: str = strawberry.field(description="ISO 4217 currency of every amount.")
    columns: list[ReportColumnType] = strawberry.field(description="Columns, in order.")
    rows: list[ReportRowType] = strawberry.field(description="Rows, in order.")
    checks: list[ReportCheckType] = strawberry.field(description="Tie-outs; `ok` is false if any fails.")
    gaps: list[str] = strawberry.field(description="What this report cannot show yet on this installation, and why.")
    summary: list[ReportSummaryItemType] = strawberry.field(description="Headline figures.")
    ok: bool = strawberry.field(description="Every check holds.")
    _report: strawberry.Private[Report]

    # Both are written in a worker thread: a long list's PDF takes seconds of CPU, and in the
    # event loop it held every other request of this server process meanwhile.
    @strawberry.field(description="The report as CSV (UTF-8 text): `section,code,name,amount` for statements.")
    async def csv(self) -> str:
        return (await asyncio.to_thread(report_csv, self._report)).decode()

    @strawberry.field(description="The report as a PDF file, base64-encoded.")
    async def pdf_base64(self) -> str:
        return base64.b64encode(await asyncio.to_thread(report_pdf, self._report)).decode()

    @classmethod
    def of(cls, report: Report) -> ReportType:
        return cls(
            name=report.name, title=report.title, subtitle=report.subtitle, as_of=report.as_of,
            from_date=report.from_date, currency=report.currency,
            columns=[ReportColumnType(key=c.key, label=c.label, kind=c.kind.value) for c in report.columns],
            rows=[ReportRowType(style=r.style, cells=[cell_text(c) for c in r.cells]) for r in report.rows],
            checks=[ReportCheckType(name=c.name, ok=c.ok, detail=c.detail) for c in report.checks],
            gaps=list(report.gaps),
            summary=[ReportSummaryItemType(label=label, value=cell_text(value),
                                           display=format_amount(value) if isinstance(value, Amount) else cell_text(value))
                     for label, value in report.summary],
            ok=report.ok, _report=report,
        )

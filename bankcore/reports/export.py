"""A report as CSV and as PDF (fpdf2), the same figures in both.

CSV: a header of the column keys (the contract: ``section,code,name,amount`` for the
statements, the natural columns for lists), then one line per row except the GL
``detail`` rows beneath a statement's lines, so that a section's lines add up to its
TOTAL row. Amounts are plain decimals in major units (``-5446.60``), dates ISO.

PDF: A4 (landscape for wide reports), the bank's title, the report's period and summary,
the table with heading lines and totals in bold, its checks and gaps at the end, "page N
of M" in the footer. Embeds DejaVu Sans (fpdf2's core fonts cannot draw ₹): ``pdf_report``.
"""

from __future__ import annotations

import csv
import io
from operator import attrgetter

from bankcore.reports.base import Amount, Report, gc_paused

BANK_TITLE = "coopbank"
_CELLS = attrgetter("cells")
_STYLE = attrgetter("style")


def report_csv(report: Report) -> bytes:
    """The report as UTF-8 CSV bytes (see module docstring for the layout)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([c.key for c in report.columns])
    # (the csv module writes None as "", a date in ISO form, an amount as ``plain()``: rows go
    # to it as they are, in C, where calling cell_text per cell cost a 119,000-row list seconds)
    with gc_paused():
        rows = report.rows
        if "detail" in map(_STYLE, rows):
            rows = tuple(row for row in rows if row.style != "detail")
        writer.writerows(map(_CELLS, rows))
    return out.getvalue().encode()


def format_amount(amount: Amount) -> str:
    """``1,23,456.78`` for INR (Indian grouping), ``1,234.50`` otherwise; no symbol
    (the page header names the currency)."""
    text = amount.plain()
    negative = text.startswith("-")
    whole, _, fraction = text.lstrip("-").partition(".")
    if len(whole) > 3:
        head, tail = whole[:-3], whole[-3:]
        step = 2 if amount.currency == "INR" else 3
        groups = []
        while head:
            groups.insert(0, head[-step:])
            head = head[:-step]
        whole = ",".join([*groups, tail])
    return ("-" if negative else "") + whole + (f".{fraction}" if fraction else "")


def report_pdf(report: Report) -> bytes:
    """The report as PDF bytes (see module docstring; drawn by ``bankcore.reports.pdf_report``)."""
    from bankcore.reports.pdf_report import report_pdf as draw

    return draw(report)

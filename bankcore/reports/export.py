"""A report as CSV and as PDF (fpdf2), the same figures in both.

CSV: a header of the column keys (the contract: ``section,code,name,amount`` for the
statements, the natural columns for lists), then one line per row except the GL
``detail`` rows beneath a statement's lines, so that a section's lines add up to its
TOTAL row. Amounts are plain decimals in major units (``-5446.60``), dates ISO.

PDF: A4 (landscape for wide reports), the bank's title, the report's period and summary,
the table with heading lines and totals in bold, its checks and gaps at the end, "page N
of M" in the footer. Embeds DejaVu Sans (fpdf2's core fonts cannot draw ₹).
"""

from __future__ import annotations

import csv
import io

from fpdf import FPDF

from bankcore.pdf_fonts import add_fonts
from bankcore.pdf_layout import HEAD_FILL, TOTAL_FILL, fit_text, label_value_lines
from bankcore.reports.base import Amount, ColumnKind, Report, cell_text

BANK_TITLE = "coopbank"


def report_csv(report: Report) -> bytes:
    """The report as UTF-8 CSV bytes (see module docstring for the layout)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([c.key for c in report.columns])
    for row in report.rows:
        if row.style == "detail":
            continue
        writer.writerow([cell_text(c) for c in row.cells])
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


class _Pdf(FPDF):
    def __init__(self, report: Report, landscape: bool) -> None:
        super().__init__(orientation="L" if landscape else "P", unit="mm", format="A4")
        self.report = report
        add_fonts(self, devanagari=False)  # unshaped, so text_width may add up glyph widths
        self.set_auto_page_break(auto=True, margin=15)
        self.alias_nb_pages()
        self.set_title(report.title)
        self._glyph_widths: dict[tuple[str, str, float], dict[str, float]] = {}

    def text_width(self, text: str) -> float:
        """``get_string_width(text)`` summed from a per-character cache (fpdf2 measures each
        call from scratch; without text shaping a string's width is its glyphs' widths)."""
        key = (self.font_family, self.font_style, self.font_size_pt)
        widths = self._glyph_widths.setdefault(key, {})
        total = 0.0
        for char in text:
            width = widths.get(char)
            if width is None:
                width = widths[char] = self.get_string_width(char)
            total += width
        return total

    def header(self) -> None:
        self.set_font("DejaVu", "B", 12)
        self.cell(0, 6, f"{BANK_TITLE}: {self.report.title}", new_x="LMARGIN", new_y="NEXT")
        self.set_font("DejaVu", "", 8)
        self.cell(0, 4, f"{self.report.subtitle} · amounts in {self.report.currency}", new_x="LMARGIN", new_y="NEXT")
        self.ln(1)

    def footer(self) -> None:
        self.set_y(-10)
        self.set_font("DejaVu", "", 7)
        self.cell(0, 4, f"Page {self.page_no()} of {{nb}}", align="C")


def _widths(report: Report, usable: float) -> list[float]:
    fixed = {ColumnKind.MONEY: 28.0, ColumnKind.DATE: 20.0, ColumnKind.COUNT: 16.0}
    widths: list[float | None] = [fixed.get(c.kind) for c in report.columns]
    free = [i for i, w in enumerate(widths) if w is None]
    if free:
        # Share what is left among text columns by their longest content (sampled).
        sample = report.rows[:200]
        lengths = [max([len(report.columns[i].label)] + [len(cell_text(r.cells[i])) for r in sample]) for i in free]
        remaining = usable - sum(w for w in widths if w is not None)
        total = sum(min(n, 40) for n in lengths) or 1
        for i, n in zip(free, lengths, strict=True):
            widths[i] = max(12.0, remaining * min(n, 40) / total)
    scale = usable / sum(w for w in widths if w is not None)
    return [w * scale if scale < 1 else w for w in widths]  # type: ignore[operator]


def _fit(pdf: _Pdf, text: str, width: float) -> str:
    return fit_text(pdf, text, width, measure=pdf.text_width)


def report_pdf(report: Report) -> bytes:
    """The report as PDF bytes (see module docstring)."""
    landscape = len(report.columns) > 5
    pdf = _Pdf(report, landscape)
    pdf.add_page()
    usable = pdf.w - pdf.l_margin - pdf.r_margin
    label_value_lines(pdf, [(label, format_amount(value) if isinstance(value, Amount) else cell_text(value))
                            for label, value in report.summary], label_width=45, size=9, height=5)
    if report.summary:
        pdf.ln(2)
    widths = _widths(report, usable)
    aligns = ["R" if c.kind in (ColumnKind.MONEY, ColumnKind.COUNT) else "L" for c in report.columns]

    def head() -> None:
        pdf.set_font("DejaVu", "B", 7.5)
        pdf.set_fill_color(*HEAD_FILL)
        for width, column, align in zip(widths, report.columns, aligns, strict=True):
            pdf.cell(width, 5.5, _fit(pdf, column.label, width - 1), border=1, align=align, fill=True)
        pdf.ln()

    head()
    if not report.rows:
        pdf.set_font("DejaVu", "", 8)
        pdf.cell(usable, 6, "Nothing to report for this date.", border=1, new_x="LMARGIN", new_y="NEXT")
    # The rows are drawn with text() and lines rather than cell(): the same bordered table,
    # several times faster (fpdf2's cell() cost 0.4 ms a cell: 16 s for a 5,000-row day book).
    pdf.set_draw_color(0, 0, 0)
    pdf.set_line_width(0.2)
    style = None
    for row in report.rows:
        if pdf.will_page_break(5):
            pdf.add_page()
            head()
            style = None
        if row.style != style:
            style = row.style
            pdf.set_font("DejaVu", "B" if row.style in ("line", "total") else "", 7.5 if row.style != "detail" else 7)
        x, y = pdf.l_margin, pdf.get_y()
        if row.style == "total":
            pdf.set_fill_color(*TOTAL_FILL)
            pdf.rect(x, y, sum(widths), 5, style="DF")
        else:
            pdf.rect(x, y, sum(widths), 5)
        for i, (width, cell, align) in enumerate(zip(widths, row.cells, aligns, strict=True)):
            text = format_amount(cell) if isinstance(cell, Amount) else cell_text(cell)
            if row.style == "detail" and i == 2:
                text = "   " + text
            text = _fit(pdf, text, width - 1.5)
            if i:
                pdf.line(x, y, x, y + 5)
            if text:
                left = x + width - 0.75 - pdf.text_width(text) if align == "R" else x + 0.75
                pdf.text(left, y + 3.4, text)
            x += width
        pdf.set_y(y + 5)
    pdf.ln(3)
    for check in report.checks:
        pdf.set_font("DejaVu", "B", 8)
        pdf.set_text_color(30, 110, 50) if check.ok else pdf.set_text_color(180, 30, 30)
        pdf.cell(0, 5, f"{'✓' if check.ok else '✗'} {check.name}", new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(0, 0, 0)
    for gap in report.gaps:
        pdf.set_font("DejaVu", "", 8)
        pdf.multi_cell(0, 4, f"Not included: {gap}", new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())

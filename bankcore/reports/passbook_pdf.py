"""A passbook print as PDF (fpdf2): one PDF page per passbook page, each line on its own
row of the page, the first print of a page below the lines printed before (left blank so
the stationery lines up), and a "printed up to" mark after the last line."""

from __future__ import annotations

from fpdf import FPDF

from bankcore.pdf_fonts import add_fonts
from bankcore.pdf_layout import HEAD_FILL, fit_text
from bankcore.reports.base import Amount
from bankcore.reports.export import BANK_TITLE, format_amount
from bankcore.reports.passbook import PassbookPrintout

_COLUMNS = (("Date", 22, "L"), ("Particulars", 82, "L"), ("Withdrawals", 28, "R"), ("Deposits", 28, "R"),
            ("Balance", 30, "R"))
_ROW = 5.2


def _amount(minor: int, currency: str) -> str:
    return format_amount(Amount(minor, currency)) if minor else ""


def passbook_pdf(p: PassbookPrintout, *, bank: str = BANK_TITLE) -> bytes:
    """The printout ``p`` as PDF bytes (A5 landscape, ``p.lines_per_page`` rows a page)."""
    pdf = FPDF(orientation="L", unit="mm", format=(148, 210))  # A5 (named "A5" warns since fpdf2 2.8.5)
    add_fonts(pdf)
    pdf.set_auto_page_break(auto=False)
    pdf.set_margins(10, 8, 10)

    def new_page(number: int) -> None:
        pdf.add_page()
        pdf.set_font("DejaVu", "B", 10)
        pdf.cell(120, 6, f"{bank} · passbook")
        pdf.set_font("DejaVu", "", 8)
        pdf.cell(0, 6, f"Page {number}", align="R", new_x="LMARGIN", new_y="NEXT")
        pdf.cell(0, 5, f"Account {p.account_number} · {p.holder_name} · amounts in {p.currency}",
                 new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("DejaVu", "B", 7.5)
        pdf.set_fill_color(*HEAD_FILL)
        for label, width, align in _COLUMNS:
            pdf.cell(width, 5.5, label, border=1, align=align, fill=True)
        pdf.ln()

    page = p.start_page
    new_page(page)
    pdf.set_font("DejaVu", "", 7.5)
    pdf.set_y(pdf.get_y() + _ROW * p.start_line)  # lines printed before stay blank
    for line in p.lines:
        if line.page != page:
            page = line.page
            new_page(page)
            pdf.set_font("DejaVu", "", 7.5)
        cells = (line.value_date.strftime("%d-%m-%Y"), line.narration, _amount(line.withdrawal_minor, p.currency),
                 _amount(line.deposit_minor, p.currency),
                 format_amount(Amount(line.balance_minor, p.currency)) + (" Dr" if line.balance_minor < 0 else ""))
        for (_, width, align), text in zip(_COLUMNS, cells, strict=True):
            pdf.cell(width, _ROW, fit_text(pdf, text, width - 1.5), border="B", align=align)
        pdf.ln()
    pdf.set_font("DejaVu", "B", 7.5)
    if p.lines:
        last = p.lines[-1]
        mark = (f"── printed up to {p.printed_up_to:%d-%m-%Y} (page {last.page}, line {last.line}) on "
                f"{p.printed_on:%d-%m-%Y} ──")
        if p.more:
            mark += " more lines follow on the next print"
    else:
        mark = ("── nothing new to print" + (f": printed up to {p.printed_up_to:%d-%m-%Y}" if p.printed_up_to else "")
                + " ──")
    pdf.cell(0, _ROW, mark, new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())

"""The TDS certificate and the annual interest certificate as PDFs (fpdf2), in the style of
the deposit advice (``ui/deposit_advice_pdf.py``): the bank's name, a title, label/value
lines, then the table of credits and the totals; fonts as ``bankcore.pdf_fonts``.
"""

from __future__ import annotations

from fpdf import FPDF

from bankcore.deposits.certificates import SECTION, InterestCertificate, TdsCertificate, fy_label
from bankcore.reports.base import Amount
from bankcore.reports.export import format_amount
from bankcore.pdf_fonts import add_fonts
from bankcore.pdf_layout import TOTAL_FILL, bordered_table, label_value_lines

_REASON = {"payout": "Interest paid", "maturity": "At maturity", "closure": "Premature closure",
           "fy-accrual": "Credited at year end (cumulative)"}


def _money(minor: int, currency: str) -> str:
    text = format_amount(Amount(minor, currency))
    return f"₹ {text}" if currency == "INR" else f"{text} {currency}"


def _start(title: str, bank: str) -> FPDF:
    pdf = FPDF(orientation="P", unit="mm", format="A4")
    add_fonts(pdf)
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_page()
    pdf.set_font("DejaVu", "B", 14)
    pdf.cell(0, 8, bank, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", "B", 11)
    pdf.cell(0, 7, title, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    return pdf


def _pairs(pdf: FPDF, rows: list[tuple[str, str]]) -> None:
    label_value_lines(pdf, rows, label_width=55, size=9, wrap=True)
    pdf.ln(2)


def _table(pdf: FPDF, head: list[tuple[str, float, str]], rows: list[list[str]], total: list[str]) -> None:
    bordered_table(pdf, head, rows, empty="No interest was credited in this period.")
    pdf.set_font("DejaVu", "B", 8)
    pdf.set_fill_color(*TOTAL_FILL)
    for (_, width, align), text in zip(head, total, strict=True):
        pdf.cell(width, 6, text, border=1, align=align, fill=True)
    pdf.ln(8)


def _pan(pan: str | None) -> str:
    return pan or "Not on record (tax deducted at 20 %, s.206AA)"


def tds_certificate_pdf(c: TdsCertificate) -> bytes:
    """Form 16A-like certificate of tax deducted at source on deposit interest for one quarter."""
    pdf = _start(f"Certificate of tax deducted at source (Form 16A) · section {SECTION}", c.deductor_name)
    _pairs(pdf, [
        ("Certificate number", c.certificate_number),
        ("Deductor", f"{c.deductor_name} · TAN {c.deductor_tan or 'not set'}"),
        ("Deductee", f"{c.member_name} (member {c.member_number})"),
        ("PAN of the deductee", _pan(c.pan)),
        ("Financial year", f"{fy_label(c.financial_year)} · quarter {c.quarter} "
                           f"({c.period_from:%d-%m-%Y} to {c.period_to:%d-%m-%Y})"),
        ("Nature of payment", f"Interest other than interest on securities (s.{SECTION})"),
        ("Form 15G/15H", f"Form {c.declaration} on record: no tax deducted" if c.declaration else "None on record"),
    ])
    head = [("Date", 24, "L"), ("Deposit", 36, "L"), ("Credited as", 52, "L"), ("Interest", 30, "R"),
            ("Rate", 14, "R"), ("TDS", 30, "R")]
    rows = [[line.credited_on.strftime("%d-%m-%Y"), line.deposit_number, _REASON.get(line.reason, line.reason),
             _money(line.interest_minor, c.currency), f"{line.rate_bps / 100:g} %",
             _money(line.tds_minor, c.currency)] for line in c.lines]
    _table(pdf, head, rows, ["Total", "", "", _money(c.interest_minor, c.currency), "",
                             _money(c.tds_minor, c.currency)])
    pdf.set_font("DejaVu", "", 7)
    pdf.multi_cell(0, 4, f"Certified that {_money(c.tds_minor, c.currency)} has been deducted at source on the "
                         f"interest above and paid to the credit of the Central Government. Issued on "
                         f"{c.issued_on:%d-%m-%Y}; computer-generated, no signature required. Amounts credited "
                         f"before the threshold was crossed are listed with no tax: s.194A taxes the year's whole "
                         f"interest once it exceeds the threshold, so the tax is caught up on later credits.")
    return bytes(pdf.output())


def interest_certificate_pdf(c: InterestCertificate) -> bytes:
    """The annual interest certificate: per deposit, interest paid or credited in the year and the TDS."""
    pdf = _start(f"Interest certificate · financial year {fy_label(c.financial_year)}", c.deductor_name)
    _pairs(pdf, [
        ("Depositor", f"{c.member_name} (member {c.member_number})"),
        ("PAN", _pan(c.pan)),
        ("Period", f"01-04-{c.financial_year} to 31-03-{c.financial_year + 1}"),
        ("Deductor", f"{c.deductor_name} · TAN {c.deductor_tan or 'not set'}"),
        ("Form 15G/15H", f"Form {c.declaration} on record" if c.declaration else "None on record"),
    ])
    head = [("Deposit", 34, "L"), ("Product", 44, "L"), ("Opened", 22, "L"), ("Principal", 30, "R"),
            ("Interest", 28, "R"), ("TDS", 28, "R")]
    rows = [[d.deposit_number, d.product_name[:28], d.opened_on.strftime("%d-%m-%Y"),
             _money(d.principal_minor, c.currency), _money(d.interest_minor, c.currency),
             _money(d.tds_minor, c.currency)] for d in c.deposits]
    _table(pdf, head, rows, ["Total", "", "", "", _money(c.interest_minor, c.currency),
                             _money(c.tds_minor, c.currency)])
    pdf.set_font("DejaVu", "", 7)
    pdf.multi_cell(0, 4, f"Interest on term deposits paid or credited from 1 April {c.financial_year} to 31 March "
                         f"{c.financial_year + 1}, including interest credited to cumulative deposits at the year's "
                         f"end (s.194A). Savings-account interest is not included. Issued on {c.issued_on:%d-%m-%Y}; "
                         f"computer-generated.")
    return bytes(pdf.output())

"""A share certificate as a PDF (fpdf2), from the certificate the API returned.

One A4 landscape page: the bank, the certificate number, the holder, the number of shares,
their nominal and paid-up value, the date of issue, and places for the signatures the
bye-laws ask for. DejaVu Sans (ui/fonts) draws ₹.
"""

from __future__ import annotations

from dataclasses import dataclass

from fpdf import FPDF

from ui import fmt
from ui.pdf_fonts import add_fonts
from ui.i18n import _


@dataclass(frozen=True)
class CertificateData:
    bank: str
    member_name: str
    member_number: str
    number: str
    shares: int
    nominal_value: dict  # Money
    paid_up: dict  # Money
    issued_on: str
    active: bool = True


def certificate_pdf(data: CertificateData) -> bytes:
    """The certificate ``data`` as PDF bytes; a cancelled certificate is marked CANCELLED across it."""
    pdf = FPDF(orientation="L", unit="mm", format="A4")
    add_fonts(pdf)
    pdf.set_auto_page_break(auto=False)
    pdf.add_page()
    pdf.set_draw_color(31, 95, 139)
    pdf.set_line_width(1.2)
    pdf.rect(10, 10, pdf.w - 20, pdf.h - 20)
    pdf.set_line_width(0.3)
    pdf.rect(13, 13, pdf.w - 26, pdf.h - 26)
    pdf.set_y(24)
    pdf.set_font("DejaVu", "B", 22)
    pdf.cell(0, 12, data.bank, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", "", 11)
    pdf.cell(0, 6, _("Registered under the Multi-State Co-operative Societies Act, 2002"), align="C",
             new_x="LMARGIN", new_y="NEXT")
    pdf.ln(6)
    pdf.set_font("DejaVu", "B", 18)
    pdf.cell(0, 10, _("Share certificate"), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", "", 11)
    pdf.cell(0, 7, _("Certificate no. {number}").format(number=data.number), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(8)
    pdf.set_x(30)
    pdf.set_font("DejaVu", "", 13)
    text = _("This is to certify that {name} (member no. {member}) is the registered holder of {shares} fully paid-up "
             "shares of {nominal} each, of a paid-up value of {paid_up}, in the share capital of {bank}, subject to its "
             "bye-laws.").format(name=data.member_name, member=data.member_number, shares=f"{data.shares:,}",
                                  nominal=fmt.money_of(data.nominal_value), paid_up=fmt.money_of(data.paid_up), bank=data.bank)
    pdf.multi_cell(pdf.w - 60, 8, text, align="C")
    pdf.ln(6)
    pdf.set_font("DejaVu", "", 11)
    pdf.cell(0, 6, _("Issued on {day}").format(day=fmt.day(data.issued_on)), align="C", new_x="LMARGIN", new_y="NEXT")
    y = pdf.h - 42
    for x, label in ((30, _("Secretary")), (pdf.w / 2 - 30, _("Director")), (pdf.w - 90, _("Chief Executive Officer"))):
        pdf.line(x, y, x + 60, y)
        pdf.set_xy(x, y + 1)
        pdf.cell(60, 6, label, align="C")
    if not data.active:
        pdf.set_text_color(200, 30, 30)
        pdf.set_font("DejaVu", "B", 48)
        with pdf.rotation(20, pdf.w / 2, pdf.h / 2):
            pdf.set_xy(0, pdf.h / 2 - 12)
            pdf.cell(pdf.w, 24, _("CANCELLED"), align="C")
    return bytes(pdf.output())

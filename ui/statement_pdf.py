"""Account statements as PDF (fpdf2) and CSV, from the statement the API returned.

The PDF embeds DejaVu Sans (shipped in ui/fonts) because fpdf2's core fonts cannot draw ₹.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from fpdf import FPDF

from ui import fmt
from ui.pdf_fonts import add_fonts
from ui.i18n import _

FONTS = Path(__file__).with_name("fonts")


@dataclass(frozen=True)
class StatementData:
    bank: str
    member_name: str
    member_number: str
    account_number: str
    product: str
    currency: str
    from_date: date
    to_date: date
    opening: dict
    closing: dict
    lines: list[dict]
    upi_uri: str | None = None  # the account's UPI QR (upi://pay?...), printed beside the summary
    upi_vpa: str | None = None


class _Pdf(FPDF):
    def __init__(self, data: StatementData) -> None:
        super().__init__(orientation="P", unit="mm", format="A4")
        self.data = data
        add_fonts(self)
        self.set_auto_page_break(auto=True, margin=18)
        self.alias_nb_pages()

    def header(self) -> None:
        self.set_font("DejaVu", "B", 14)
        self.cell(0, 8, self.data.bank, new_x="LMARGIN", new_y="NEXT")
        self.set_font("DejaVu", "", 9)
        self.cell(0, 5, _("Account statement"), new_x="LMARGIN", new_y="NEXT")
        self.ln(2)

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font("DejaVu", "", 8)
        self.cell(0, 5, _("Page {page} of {total}").format(page=self.page_no(), total="{nb}"), align="C")


WIDTHS = (22, 70, 30, 30, 34)


def statement_pdf(data: StatementData) -> bytes:
    pdf = _Pdf(data)
    pdf.add_page()
    pdf.set_font("DejaVu", "", 10)
    top = pdf.get_y()
    for label, value in (
        (_("Member"), f"{data.member_name} ({data.member_number})"),
        (_("Account"), f"{data.account_number} · {data.product} · {data.currency}"),
        (_("Period"), _("{start} to {end}").format(start=fmt.day(data.from_date), end=fmt.day(data.to_date))),
        (_("Opening balance"), fmt.money_of(data.opening)),
        (_("Closing balance"), fmt.money_of(data.closing)),
    ):
        pdf.set_font("DejaVu", "B", 10)
        pdf.cell(40, 6, label)
        pdf.set_font("DejaVu", "", 10)
        pdf.cell(0, 6, value, new_x="LMARGIN", new_y="NEXT")
    if data.upi_uri:
        _upi_qr(pdf, data, top)
    pdf.ln(3)
    _table(pdf, data)
    return bytes(pdf.output())


def _upi_qr(pdf: _Pdf, data: StatementData, top: float) -> None:
    """The account's UPI QR at the right of the summary (segno renders it; the link comes from the API)."""
    import segno

    png = io.BytesIO()
    segno.make(data.upi_uri, error="m").save(png, kind="png", scale=6)
    png.seek(0)
    size = 30
    x = pdf.w - pdf.r_margin - size
    pdf.image(png, x=x, y=top, w=size, h=size)
    pdf.set_xy(x - 10, top + size)
    pdf.set_font("DejaVu", "", 7)
    pdf.cell(size + 10, 4, _("Pay in by UPI: {vpa}").format(vpa=data.upi_vpa or ""), align="C")
    pdf.set_xy(pdf.l_margin, max(pdf.get_y() + 4, top + 31))


def _table(pdf: _Pdf, data: StatementData) -> None:
    def head() -> None:
        pdf.set_font("DejaVu", "B", 8)
        pdf.set_fill_color(230, 236, 242)
        for width, text, align in zip(WIDTHS, (_("Date"), _("Details"), _("Debit"), _("Credit"), _("Balance")), "LLRRR", strict=True):
            pdf.cell(width, 6, text, border=1, align=align, fill=True)
        pdf.ln()
        pdf.set_font("DejaVu", "", 8)

    head()
    if not data.lines:
        pdf.cell(sum(WIDTHS), 6, _("No transactions in this period."), border=1, new_x="LMARGIN", new_y="NEXT")
    for line in data.lines:
        if pdf.will_page_break(6):
            pdf.add_page()
            head()
        cells = (
            fmt.day(line["valueDate"]),
            _fit(pdf, line["narration"], WIDTHS[1] - 2),
            fmt.money_of(line["debit"]) if line["debit"] else "",
            fmt.money_of(line["credit"]) if line["credit"] else "",
            fmt.money_of(line["runningBalance"]),
        )
        for width, text, align in zip(WIDTHS, cells, "LLRRR", strict=True):
            pdf.cell(width, 6, text, border=1, align=align)
        pdf.ln()


def _fit(pdf: FPDF, text: str, width: float) -> str:
    if pdf.get_string_width(text) <= width:
        return text
    while text and pdf.get_string_width(text + "…") > width:
        text = text[:-1]
    return text + "…"


def statement_csv(data: StatementData) -> bytes:
    """CSV with plain decimal amounts (for spreadsheets), one row per line."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["account", data.account_number, "currency", data.currency,
                     "from", data.from_date.isoformat(), "to", data.to_date.isoformat()])
    writer.writerow(["opening_balance", data.opening["amount"], "closing_balance", data.closing["amount"]])
    writer.writerow(["value_date", "entry_id", "narration", "debit", "credit", "balance"])
    for line in data.lines:
        writer.writerow([line["valueDate"], line["entryId"], line["narration"],
                         (line["debit"] or {}).get("amount", ""), (line["credit"] or {}).get("amount", ""),
                         line["runningBalance"]["amount"]])
    return out.getvalue().encode()

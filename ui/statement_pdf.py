"""Account statements as PDF (fpdf2) and CSV, from the statement the API returned.

The PDF embeds DejaVu Sans (shipped in ui/fonts) because fpdf2's core fonts cannot draw ₹.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date

from ui import fmt
from ui.pdf_fonts import DocumentPdf, bordered_table, label_value_lines
from ui.i18n import _


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


WIDTHS = (22, 70, 30, 30, 34)


def statement_pdf(data: StatementData) -> bytes:
    pdf = DocumentPdf(bank=data.bank, title=_("Account statement"), page_label=_("Page {page} of {total}"))
    pdf.add_page()
    pdf.set_font("DejaVu", "", 10)
    top = pdf.get_y()
    label_value_lines(pdf, (
        (_("Member"), f"{data.member_name} ({data.member_number})"),
        (_("Account"), f"{data.account_number} · {data.product} · {data.currency}"),
        (_("Period"), _("{start} to {end}").format(start=fmt.day(data.from_date), end=fmt.day(data.to_date))),
        (_("Opening balance"), fmt.money_of(data.opening)),
        (_("Closing balance"), fmt.money_of(data.closing)),
    ), label_width=40)
    if data.upi_uri:
        _upi_qr(pdf, data, top)
    pdf.ln(3)
    _table(pdf, data)
    return bytes(pdf.output())


def _upi_qr(pdf: DocumentPdf, data: StatementData, top: float) -> None:
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


def _table(pdf: DocumentPdf, data: StatementData) -> None:
    columns = list(zip((_("Date"), _("Details"), _("Debit"), _("Credit"), _("Balance")), WIDTHS, "LLRRR", strict=True))
    bordered_table(pdf, columns, [
        (fmt.day(line["valueDate"]), line["narration"], fmt.money_of(line["debit"]) if line["debit"] else "",
         fmt.money_of(line["credit"]) if line["credit"] else "", fmt.money_of(line["runningBalance"]))
        for line in data.lines], empty=_("No transactions in this period."))


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

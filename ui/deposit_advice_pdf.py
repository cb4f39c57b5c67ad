"""The fixed (or recurring) deposit advice as a PDF (fpdf2), from the deposit the API returned.

DejaVu Sans is embedded (ui/fonts) because fpdf2's core fonts cannot draw ₹.
"""

from __future__ import annotations

from fpdf import FPDF

from ui import fmt
from ui.pdf_fonts import add_fonts, label_value_lines
from ui.i18n import N_, _

PAYOUT_TEXT = {"CUMULATIVE": N_("At maturity (compounded quarterly)"), "MONTHLY": N_("Monthly, into savings"),
               "QUARTERLY": N_("Quarterly, into savings")}
# The same choices, short enough for a select on a 360 px phone (the long ones were clipped).
PAYOUT_CHOICE = {"CUMULATIVE": N_("At maturity, compounded"), "MONTHLY": N_("Monthly, into savings"),
                 "QUARTERLY": N_("Quarterly, into savings")}
INSTRUCTION_TEXT = {"CREDIT_SAVINGS": N_("Pay into savings"), "RENEW_PRINCIPAL": N_("Renew the principal, interest to savings"),
                    "RENEW_ALL": N_("Renew principal and interest")}


def deposit_advice_pdf(deposit: dict, *, bank: str, member_name: str) -> bytes:
    """An advice for ``deposit`` (the API's Deposit object): who, what, rate, dates, maturity value and instruction."""
    pdf = FPDF(orientation="P", unit="mm", format="A5")
    add_fonts(pdf)
    pdf.add_page()
    pdf.set_font("DejaVu", "B", 14)
    pdf.cell(0, 8, bank, new_x="LMARGIN", new_y="NEXT")
    fixed = deposit["kind"] == "FIXED"
    pdf.set_font("DejaVu", "B", 11)
    pdf.cell(0, 7, _("Fixed deposit advice") if fixed else _("Recurring deposit advice"), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    rows = [
        (_("Deposit number"), deposit["number"]),
        (_("Depositor"), f"{member_name} ({deposit['memberNumber']})"),
        (_("Product"), deposit["productName"]),
        (_("Amount") if fixed else _("Monthly instalment"), fmt.money_of(deposit["principal"])),
        (_("Rate of interest"), f"{deposit['ratePercent']} % p.a." + (" " + _("(senior citizen)") if deposit["seniorCitizen"] else "")),
        (_("Term"), _("{n} months").format(n=deposit["tenureMonths"])),
        (_("Date of deposit"), fmt.day(deposit["openedOn"])),
        (_("Maturity date"), fmt.day(deposit["maturityDate"])),
        (_("Maturity value"), fmt.money_of(deposit["maturityValue"]) + " " + _("(before TDS)")),
        (_("Interest payout"), _(PAYOUT_TEXT.get(deposit["payout"], deposit["payout"]))),
        (_("At maturity"), _(INSTRUCTION_TEXT.get(deposit["maturityInstruction"], deposit["maturityInstruction"]))),
        (_("Linked savings account"), deposit["payoutAccountNumber"]),
        (_("Status"), deposit["status"].replace("_", " ").lower()),
    ]
    label_value_lines(pdf, [(label, str(value)) for label, value in rows], label_width=45, size=9, wrap=True)
    pdf.ln(3)
    pdf.set_font("DejaVu", "", 7)
    pdf.multi_cell(0, 4, _("Tax is deducted at source under section 194A of the Income-tax Act when your interest from "
                           "the bank's deposits in a financial year exceeds the threshold, unless Form 15G/15H is on record. "
                           "Premature closure earns the rate for the period run, less the penalty."))
    return bytes(pdf.output())

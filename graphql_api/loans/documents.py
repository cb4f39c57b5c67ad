"""A loan's documents as PDF (fpdf2): the loan statement and, once closed, the no-dues certificate.

Rendered by the API (``Loan.statementPdfBase64``, ``Loan.noDuesCertificatePdfBase64``) so
that the portal, the staff pages and partner apps hand out the same document. The layout
follows the account statement's (``ui/statement_pdf.py``): bank name and title in the
header, a label/value summary, bordered tables, "Page n of m" in the footer; the fonts
and layout are the shared ones (``bankcore.pdf_layout``: DejaVu Sans for ₹, Devanagari fallback).
The text is English: the certificate is a record the bank keeps as issued.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from bankcore.calendar.business_date import business_date
from bankcore.loans.book import loan_book
from bankcore.models import Account, Loan, LoanInstalment, LoanStatus, Member, Product
from bankcore.reports.base import Amount
from bankcore.reports.export import format_amount
from bankcore.services.statements import MAX_PAGE_SIZE, account_statement
from graphql_api.pdf_fonts import DocumentPdf, bordered_table, label_value_lines

BANK_NAME = "coopbank"
MAX_STATEMENT_LINES = 2000
SCHEDULE_COLUMNS = (("#", 10, "L"), ("Due", 24, "L"), ("Instalment", 30, "R"), ("Principal", 28, "R"),
                    ("Interest", 28, "R"), ("Paid", 30, "R"), ("State", 24, "L"))
TRANSACTION_COLUMNS = (("Date", 22, "L"), ("Details", 70, "L"), ("Debit", 30, "R"), ("Credit", 30, "R"),
                       ("Balance", 34, "R"))


def _money(minor: int, currency: str) -> str:
    amount = format_amount(Amount(minor, currency))
    return f"₹{amount}" if currency == "INR" else f"{amount} {currency}"


def _day(value: date | None) -> str:
    return value.strftime("%d-%m-%Y") if value else ""


@dataclass(frozen=True)
class LoanFacts:
    """What both documents print about a loan."""

    loan: Loan
    member_name: str
    member_number: str
    loan_number: str
    product_name: str
    as_of: date


async def _facts(loan: Loan) -> LoanFacts:
    account = await Account.get(id=loan.account_id)
    member = await Member.get_or_none(id=loan.member_id) if loan.member_id else None
    product = await Product.get(id=account.product_id)
    return LoanFacts(loan=loan, member_name=member.full_name if member else "", member_number=member.member_number if member else "",
                     loan_number=account.number, product_name=product.name, as_of=await business_date())


def _pdf(title: str) -> DocumentPdf:
    return DocumentPdf(bank=BANK_NAME, title=title)


def _state(row: LoanInstalment, today: date) -> str:
    if row.paid_on:
        return "Paid"
    return "Overdue" if row.due_date < today else "Due" if row.due_date == today else "Upcoming"


async def loan_statement_pdf(loan: Loan) -> bytes:
    """The loan statement as of the business date: terms, position, the schedule with what was paid of each
    instalment, and the loan account's transactions since disbursal (principal movements)."""
    facts = await _facts(loan)
    c = loan.currency
    [row] = await loan_book(loan_ids=[loan.id], as_of=facts.as_of)
    pdf = _pdf("Loan statement")
    pdf.add_page()
    label_value_lines(pdf, [
        ("Member", f"{facts.member_name} ({facts.member_number})"),
        ("Loan", f"{facts.loan_number} · {facts.product_name} · {c}"),
        ("As of", _day(facts.as_of)),
        ("Amount lent", _money(loan.amount_minor, c)),
        ("Rate", f"{loan.annual_rate_bps / 100:.2f} % a year · {loan.duration_months} months"
                 + (" · restructured" if loan.restructured else "")),
        ("EMI", _money(loan.instalment_minor, c)),
        ("Disbursed", _day(loan.disbursed_on) or "not yet"),
        ("Status", str(loan.status)),
        ("Outstanding principal", _money(row.outstanding_principal_minor, c)),
        ("Interest due", _money(row.interest_due_minor, c)),
        ("Charges due", _money(row.charges_due_minor, c)),
        ("Days past due", f"{row.days_past_due} · {row.asset_class}"),
    ], label_width=48)
    pdf.ln(3)
    pdf.set_font("DejaVu", "B", 10)
    pdf.cell(0, 6, "Repayment schedule", new_x="LMARGIN", new_y="NEXT")
    instalments = await LoanInstalment.filter(loan_id=loan.id).order_by("number")
    bordered_table(pdf, SCHEDULE_COLUMNS,
                   [(str(r.number), _day(r.due_date), _money(r.principal_minor + r.interest_minor, c),
                     _money(r.principal_minor, c), _money(r.interest_minor, c), _money(r.paid_principal_minor + r.paid_interest_minor + r.paid_penal_minor, c),
                     _state(r, facts.as_of)) for r in instalments], empty="No schedule yet (fixed at disbursal).")
    pdf.ln(3)
    pdf.set_font("DejaVu", "B", 10)
    pdf.cell(0, 6, "Transactions on the loan account", new_x="LMARGIN", new_y="NEXT")
    lines: list[tuple[str, ...]] = []
    if loan.disbursed_on:
        after = None
        while len(lines) < MAX_STATEMENT_LINES:
            page = await account_statement(account_number=facts.loan_number, from_date=loan.disbursed_on,
                                           to_date=max(facts.as_of, loan.disbursed_on), after=after, limit=MAX_PAGE_SIZE)
            lines += [(_day(x.value_date), x.narration, _money(x.debit.amount_minor, c) if x.debit else "",
                       _money(x.credit.amount_minor, c) if x.credit else "", _money(x.running_balance.amount_minor, c))
                      for x in page.lines]
            after = page.next_cursor
            if after is None:
                break
    bordered_table(pdf, TRANSACTION_COLUMNS, lines, empty="No transactions yet.")
    return bytes(pdf.output())


async def no_dues_certificate_pdf(loan: Loan) -> bytes | None:
    """The no-dues certificate of a CLOSED loan (None otherwise): the loan was repaid in full, nothing is due,
    and any lien or charge the bank held for it is released."""
    if loan.status != LoanStatus.CLOSED:
        return None
    facts = await _facts(loan)
    c = loan.currency
    pdf = _pdf("No-dues certificate")
    pdf.add_page()
    pdf.ln(4)
    pdf.set_font("DejaVu", "B", 16)
    pdf.cell(0, 10, "No-dues certificate", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    pdf.set_font("DejaVu", "", 11)
    pdf.multi_cell(0, 7, (
        f"This is to certify that {facts.member_name} (member {facts.member_number}) has repaid in full the "
        f"{facts.product_name.lower()} {facts.loan_number} of {_money(loan.amount_minor, c)}, disbursed on "
        f"{_day(loan.disbursed_on)} and closed on {_day(loan.closed_on)}. Nothing is due from the borrower "
        "on this loan, and any lien, hypothecation or security the bank held for it stands released."
    ), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(6)
    label_value_lines(pdf, [("Loan", facts.loan_number), ("Amount lent", _money(loan.amount_minor, c)),
                            ("Disbursed", _day(loan.disbursed_on)), ("Closed", _day(loan.closed_on)),
                            ("Outstanding", _money(0, c)), ("Issued on", _day(facts.as_of))], label_width=48)
    pdf.ln(14)
    pdf.set_font("DejaVu", "", 10)
    pdf.cell(0, 6, f"For {BANK_NAME}", new_x="LMARGIN", new_y="NEXT")
    pdf.cell(0, 6, "Branch manager (computer-generated; no signature required)", new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


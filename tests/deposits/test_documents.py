"""A member's deposit documents: the quarterly TDS certificate (Form 16A-like) and the annual
interest certificate through the API (own only for members, PDFs), the TDS register and the
deposits report reading term deposits, and the passbook printed page by page from its mark."""

from __future__ import annotations

import base64
import csv
import io
from datetime import date

from bankcore.chart import CLEARING
from bankcore.deposits.interest import credit_interest, record_tds_declaration
from bankcore.deposits.service import open_deposit
from bankcore.ledger.entry import EntryDraft, credit, debit
from bankcore.ledger.posting import post_entry
from bankcore.models import Account, DepositKind, EntryType, PassbookPrint
from bankcore.reports.export import report_csv, report_pdf
from bankcore.reports.registry import ReportRequest, run_report
from bankcore.services._lookup import gl_account_id
from bankcore.settings import set_setting
from tests.api.helpers import gql, member, staff
from tests.deposits.factory import deposit_bank, saver
from tests.ledger.factory import inr

DAY = date(2026, 4, 1)
TDS_CERT = """query($m: String!, $q: Int!) { tdsCertificate(memberNumber: $m, financialYear: 2026, quarter: $q) {
  certificateNumber quarter periodFrom periodTo credits interest { amount currency } tds { amount } pdfBase64 } }"""
INTEREST_CERT = """query($m: String!) { interestCertificate(memberNumber: $m, financialYear: 2026) {
  deposits interest { amount } tds { amount } pdfBase64 } }"""
PRINT = """mutation($a: String!, $s: Boolean!) { printPassbook(input: {accountNumber: $a, fromStart: $s}) {
  print { startPage startLine lines printedUpTo more pdfBase64 } userErrors { field code } } }"""


async def _taxed_member():
    """A member with PAN and two FDs: 40,000.00 interest (untaxed) then 20,000.55 (crosses ₹50,000)."""
    m, savings = await saver(balance="3000000.00", pan="ABCDE1234F")
    fds = [(await open_deposit(kind=DepositKind.FIXED, product_code="FD1", amount=inr("1000000.00"), tenure_months=12,
                               from_account_number=savings, initiator="test")).deposit for _ in range(2)]
    await credit_interest(fds[0], interest_minor=40_000_00, to_ledger_account_id=fds[0].ledger_account_id,
                          value_date=DAY, reason="payout", initiator="test", idempotency_key="a")
    await credit_interest(fds[1], interest_minor=20_000_55, to_ledger_account_id=fds[1].ledger_account_id,
                          value_date=DAY, reason="payout", initiator="test", idempotency_key="b")
    return m, savings, fds


async def test_tds_and_interest_certificates_for_the_member_and_staff(db: str) -> None:
    await deposit_bank()
    await set_setting("deposits.tds_deductor_tan", "PNEC12345D", effective_from=date(2020, 1, 1), set_by="test")
    m, _, fds = await _taxed_member()
    other, _ = await saver("Gita Shah", balance="")
    mine = (await gql(member(m.id), TDS_CERT, m=m.member_number, q=1)).data["tdsCertificate"]
    # 10 % of the year's 60,000.55 = 6,000.055, rounded to the rupee: 6,000.00
    assert {k: v for k, v in mine.items() if k != "pdfBase64"} == {
        "certificateNumber": f"16A/2026-27/Q1/{m.member_number}", "quarter": 1, "periodFrom": "2026-04-01",
        "periodTo": "2026-06-30", "credits": 2, "interest": {"amount": "60000.55", "currency": "INR"},
        "tds": {"amount": "6000.00"}}
    pdf = base64.b64decode(mine["pdfBase64"])
    assert pdf.startswith(b"%PDF") and len(pdf) > 2000
    assert (await gql(member(other.id), TDS_CERT, m=m.member_number, q=1)).data["tdsCertificate"] is None  # no oracle
    q4 = (await gql(staff("accountant"), TDS_CERT, m=m.member_number, q=4)).data["tdsCertificate"]
    assert q4["periodFrom"] == "2027-01-01" and q4["periodTo"] == "2027-03-31" and q4["credits"] == 0
    bad = await gql(staff("clerk"), TDS_CERT, m=m.member_number, q=5)
    assert bad.data["tdsCertificate"] is None and bad.errors[0].extensions["code"] == "INVALID_INPUT"
    yearly = (await gql(member(m.id), INTEREST_CERT, m=m.member_number)).data["interestCertificate"]
    assert (yearly["deposits"], yearly["interest"], yearly["tds"]) == (2, {"amount": "60000.55"}, {"amount": "6000.00"})
    assert base64.b64decode(yearly["pdfBase64"]).startswith(b"%PDF")
    assert (await gql(member(other.id), INTEREST_CERT, m=m.member_number)).data["interestCertificate"] is None
    del fds


async def test_tds_register_and_deposits_report_read_the_term_deposits(db: str) -> None:
    await deposit_bank()
    m, savings, fds = await _taxed_member()
    g, g_savings = await saver("Gita Shah", balance="3000000.00")
    await record_tds_declaration(member_number=g.member_number, financial_year_start=2026, form="15G",
                                 received_on=DAY, recorded_by="clerk")
    g_fd = (await open_deposit(kind=DepositKind.FIXED, product_code="FD1", amount=inr("1000000.00"), tenure_months=24,
                               from_account_number=g_savings, initiator="test")).deposit
    await credit_interest(g_fd, interest_minor=60_000_00, to_ledger_account_id=g_fd.ledger_account_id,
                          value_date=DAY, reason="payout", initiator="test", idempotency_key="g")
    await (open_deposit(kind=DepositKind.RECURRING, product_code="RD1", amount=inr("5000.00"), tenure_months=36,
                             from_account_number=savings, initiator="test"))
    register = await run_report("tds-register", ReportRequest(as_of=date(2026, 6, 30)))
    assert register.ok, register.checks  # equals the credits to TDS payable
    rows = list(csv.DictReader(io.StringIO(report_csv(register).decode())))
    assert rows[0] == {"member_number": m.member_number, "name": "Asha Rao", "pan": "XXXXX1234X", "quarter": "Q1",
                       "interest": "60000.55", "tds": "6000.00", "tds_refunded": "0.00", "declaration": ""}
    assert rows[1] == {"member_number": g.member_number, "name": "Gita Shah", "pan": "", "quarter": "Q1",
                       "interest": "60000.00", "tds": "0.00", "tds_refunded": "0.00", "declaration": "15G"}
    assert rows[-1]["member_number"] == "TOTAL" and rows[-1]["tds"] == "6000.00" and rows[-1]["interest"] == "120000.55"
    assert report_pdf(register).startswith(b"%PDF")

    deposits = await run_report("deposits", ReportRequest(as_of=DAY))
    assert deposits.ok and not deposits.gaps
    lines = {(r["section"], r["code"]): r for r in csv.DictReader(io.StringIO(report_csv(deposits).decode()))}
    # Asha's two FDs of 10,00,000 plus interest net of TDS (20,54,000.55), Gita's 10,60,000; one RD instalment 5,000
    assert lines[("PRODUCT", "FD1")]["amount"] == "3114000.55" and lines[("PRODUCT", "FD1")]["accounts"] == "3"
    assert lines[("PRODUCT", "RD1")]["amount"] == "5000.00"
    assert lines[("MATURITY", "M6")]["amount"] == "2054000.55"  # Asha's 12-month FDs: the 6-12 months bucket
    assert lines[("MATURITY", "M7")]["amount"] == "1065000.00"  # 36-month RD, 24-month FD: 1-3 years
    assert lines[("PRODUCT", "TOTAL")]["amount"] == lines[("MATURITY", "TOTAL")]["amount"]
    del fds


async def _inward(number: str, amount: str) -> None:
    ledger_id = (await Account.get(number=number)).ledger_account_id
    minor = inr(amount).amount_minor
    await post_entry(EntryDraft(entry_type=EntryType.INWARD_TRANSFER, value_date=None, narration=f"In {amount}",
                                initiator="test", postings=(debit(await gl_account_id(CLEARING, "INR"), minor, "INR"),
                                                            credit(ledger_id, minor, "INR"))))


async def test_the_passbook_prints_page_by_page_and_continues_from_its_mark(db: str) -> None:
    await deposit_bank()
    await set_setting("reports.passbook_lines_per_page", 4, effective_from=date(2020, 1, 1), set_by="test")
    m, savings = await saver(balance="100.00")  # line 1
    for amount in ("1.00", "2.00", "3.00", "4.00", "5.00"):  # lines 2-6
        await _inward(savings, amount)
    first = (await gql(member(m.id), PRINT, a=savings, s=False)).data["printPassbook"]
    assert first["userErrors"] == []
    p = first["print"]
    assert (p["startPage"], p["startLine"], p["lines"], p["printedUpTo"], p["more"]) == (1, 0, 6, "2026-04-01", False)
    assert base64.b64decode(p["pdfBase64"]).startswith(b"%PDF")
    mark = await PassbookPrint.get(account__number=savings)
    assert (mark.page, mark.line, mark.balance_minor) == (2, 2, 115_00)  # 4 lines on page 1, 2 on page 2
    nothing = (await gql(staff("cashier"), PRINT, a=savings, s=False)).data["printPassbook"]["print"]
    assert nothing["lines"] == 0 and nothing["printedUpTo"] == "2026-04-01"
    await _inward(savings, "6.00")
    await _inward(savings, "7.00")
    await _inward(savings, "8.00")
    nxt = (await gql(staff("clerk"), PRINT, a=savings, s=False)).data["printPassbook"]["print"]
    assert (nxt["startPage"], nxt["startLine"], nxt["lines"]) == (2, 2, 3)  # continues below line 2 of page 2
    mark = await PassbookPrint.get(account__number=savings)
    assert (mark.page, mark.line, mark.balance_minor) == (3, 1, 136_00)
    other, _ = await saver("Gita Shah", balance="")
    refused = (await gql(member(other.id), PRINT, a=savings, s=False)).data["printPassbook"]
    assert refused["print"] is None and [e["code"] for e in refused["userErrors"]] == ["NOT_FOUND"]
    again = (await gql(staff("clerk"), PRINT, a=savings, s=True)).data["printPassbook"]["print"]
    assert (again["startPage"], again["startLine"], again["lines"]) == (1, 0, 9)  # a new passbook: all of it

"""The loans API's documents and lists for the screens: the loan statement and no-dues certificate
(PDF, base64) and the demand list of dues for the next N days."""

from __future__ import annotations

import base64
from datetime import date

from bankcore.loans.foreclosure import close_loan
from bankcore.models import Member
from tests.api.helpers import gql, member, staff
from tests.loans.factory import MANAGER, active_loan, borrower, loan_bank, move_to

DOCS = """query($n: String!) { loan(number: $n) { loan { status } statementPdfBase64 noDuesCertificatePdfBase64 } }"""
DEMAND = """query($d: Int!) { loanDemandList(days: $d) { loanNumber memberNumber instalmentNumber dueDate
  amountDue { amount currency } overdue } }"""


def pdf_text(b64: str) -> bytes:
    raw = base64.b64decode(b64)
    assert raw.startswith(b"%PDF")
    return raw


async def test_statement_and_no_dues_certificate_and_the_demand_list(db: str) -> None:
    # given: an active loan (first instalment 5 Feb 2025) with the business date on 1 Mar 2025
    await loan_bank()
    b = await borrower()
    number = await active_loan(b)
    await move_to(date(2025, 3, 1))
    me = member((await Member.get(member_number=b.member)).id)
    # when / then: the member downloads the statement; no certificate while the loan is active
    docs = (await gql(me, DOCS, n=number)).data["loan"]
    pdf_text(docs["statementPdfBase64"])
    assert docs["noDuesCertificatePdfBase64"] is None
    # the demand list for the next 3 days holds the overdue February instalment only; for 7 days March's too
    week = (await gql(staff("clerk"), DEMAND, d=3)).data["loanDemandList"]
    assert [(r["loanNumber"], r["instalmentNumber"], r["overdue"]) for r in week] == [(number, 1, True)]
    assert [r["instalmentNumber"] for r in (await gql(staff("clerk"), DEMAND, d=7)).data["loanDemandList"]] == [1, 2]
    assert (await gql(me, DEMAND, d=7)).errors  # members may not list other borrowers' dues
    bad = await gql(staff("clerk"), DEMAND, d=400)
    assert bad.errors and "days" in bad.errors[0].message
    # once foreclosed, the certificate is there
    await close_loan(loan_number=number, initiator=MANAGER, idempotency_key="close", from_account_number=b.savings)
    closed = (await gql(me, DOCS, n=number)).data["loan"]
    assert closed["loan"]["status"] == "CLOSED"
    pdf_text(closed["noDuesCertificatePdfBase64"])

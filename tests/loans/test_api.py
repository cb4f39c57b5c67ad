"""The loans API through the real schema: a member applies, a clerk recommends, a manager sanctions and
disburses, the member pays an EMI from the portal and a cashier takes cash; roles and ownership are enforced."""

from __future__ import annotations

from bankcore.models import Member
from tests.api.helpers import gql, member, staff
from tests.loans.factory import borrower, loan_bank, move_to

APPLY = """mutation($a: Decimal!) { applyForLoan(input: {productCode: "PL", amount: {amount: $a, currency: "INR"},
  tenureMonths: 12, purpose: "dairy cattle"}) { loan { loan { loanNumber status } emi { amount } schedule { number state }
  eligibility { code ok } } userErrors { code field } } }"""
CONFIRM = """mutation($n: String!) { confirmGuarantee(loanNumber: $n) { loan { eligibility { code ok } } userErrors { code } } }"""
RECOMMEND = """mutation($n: String!) { recommendLoan(loanNumber: $n) { loan { loan { status } } userErrors { code } } }"""
SANCTION = """mutation($n: String!) { sanctionLoan(loanNumber: $n) { loan { loan { status } } userErrors { code } } }"""
DISBURSE = """mutation($n: String!) { disburseLoan(loanNumber: $n) { loan { loan { status outstandingPrincipal { amount } }
  schedule { dueDate instalment { amount } } } userErrors { code } } }"""
REPAY = """mutation($n: String!, $a: Decimal!, $k: String!, $from: String) { repayLoan(input: {loanNumber: $n,
  amount: {amount: $a, currency: "INR"}, idempotencyKey: $k, fromAccountNumber: $from}) { interest { amount }
  principal { amount } replayed loan { schedule { number state } } userErrors { code field } } }"""
LOAN = """query($n: String!) { loan(number: $n) { loan { loanNumber status daysPastDue assetClass nextDueDate }
  foreclosureQuote { total { amount } } schedule { number state } } }"""
LOANS = """{ loans(first: 10) { edges { node { loanNumber memberNumber status } } } }"""


async def test_a_loan_from_portal_application_to_emis_paid_in_the_portal_and_at_the_counter(db: str) -> None:
    await loan_bank()
    b = await borrower(deposit="30000.00")
    me = member((await Member.get(member_number=b.member)).id)
    guarantor = member((await Member.get(member_number=b.guarantor)).id)
    # the member applies in the portal, naming a guarantor is a staff job here: product needs one
    r = await gql(me, APPLY, a="100000.00")
    assert r.data["applyForLoan"]["userErrors"] == [{"code": "INVALID_INPUT", "field": "guarantors"}]
    from bankcore.loans.products import get_loan_product

    product = await get_loan_product("PL")
    product.guarantors_required = 0
    await product.save()
    r = await gql(me, APPLY, a="100000.00")
    applied = r.data["applyForLoan"]["loan"]
    number = applied["loan"]["loanNumber"]
    assert applied["loan"]["status"] == "APPLIED" and len(applied["schedule"]) == 12
    assert {c["code"] for c in applied["eligibility"] if c["ok"]} == {"KYC_VERIFIED", "NO_NPA_LOAN", "GUARANTORS"}
    # another member cannot see or act on it; a member cannot recommend
    assert (await gql(guarantor, LOAN, n=number)).data["loan"] is None
    assert (await gql(me, RECOMMEND, n=number)).errors
    # clerk recommends, the same clerk cannot sanction (role) and a manager does; the manager disburses
    assert (await gql(staff("clerk", 11), RECOMMEND, n=number)).data["recommendLoan"]["loan"]["loan"]["status"] == "RECOMMENDED"
    assert (await gql(staff("clerk", 11), SANCTION, n=number)).errors
    assert (await gql(staff("manager", 12), SANCTION, n=number)).data["sanctionLoan"]["loan"]["loan"]["status"] == "SANCTIONED"
    d = (await gql(staff("manager", 12), DISBURSE, n=number)).data["disburseLoan"]["loan"]
    assert d["loan"] == {"status": "ACTIVE", "outstandingPrincipal": {"amount": "100000.00"}}
    first_due, emi = d["schedule"][0]["dueDate"], d["schedule"][0]["instalment"]["amount"]
    # the member pays the first EMI from savings on its due date (twice with one key: once)
    from datetime import date

    await move_to(date.fromisoformat(first_due))
    paid = (await gql(me, REPAY, n=number, a=emi, k="emi-1", **{"from": b.savings})).data["repayLoan"]
    again = (await gql(me, REPAY, n=number, a=emi, k="emi-1", **{"from": b.savings})).data["repayLoan"]
    assert paid["userErrors"] == [] and again["replayed"] and paid["loan"]["schedule"][0]["state"] == "PAID"
    # a member may not pay from someone else's account; a cashier takes cash (no account) for the next
    other = await borrower(name="Ravi")
    r = await gql(me, REPAY, n=number, a="10.00", k="x", **{"from": other.savings})
    assert r.data["repayLoan"]["userErrors"][0]["code"] == "NOT_FOUND"
    await move_to(date.fromisoformat(d["schedule"][1]["dueDate"]))
    cash = (await gql(staff("cashier", 13), REPAY, n=number, a=d["schedule"][1]["instalment"]["amount"], k="cash-2")).data["repayLoan"]
    assert cash["userErrors"] == [] and cash["loan"]["schedule"][1]["state"] == "PAID"
    view = (await gql(me, LOAN, n=number)).data["loan"]
    assert view["loan"]["status"] == "ACTIVE" and view["loan"]["daysPastDue"] == 0 and view["foreclosureQuote"]["total"]
    assert [e["node"]["loanNumber"] for e in (await gql(me, LOANS)).data["loans"]["edges"]] == [number]
    assert (await gql(guarantor, LOANS)).data["loans"]["edges"] == []


CLOSE = """mutation($n: String!, $k: String!, $from: String, $t: MoneyInput) { closeLoan(loanNumber: $n,
  idempotencyKey: $k, fromAccountNumber: $from, expectedTotal: $t) { closed userErrors { code field } } }"""


async def test_close_loan_asks_a_member_for_a_one_time_code_and_pays_only_the_quote_reviewed(db: str) -> None:
    from datetime import date

    from bankcore.loans.foreclosure import foreclosure_quote
    from bankcore.models import JournalEntry, Loan
    from tests.loans.factory import active_loan

    await loan_bank()
    b = await borrower(deposit="150000.00")
    number = await active_loan(b)
    await move_to(date(2025, 1, 20))
    me = member((await Member.get(member_number=b.member)).id)
    total = (await foreclosure_quote(loan_number=number)).total_minor
    # a member without a one-time code: refused, nothing paid
    r = await gql(me, CLOSE, n=number, k="c1", **{"from": b.savings})
    assert r.data["closeLoan"]["userErrors"] == [{"code": "STEP_UP_REQUIRED", "field": "stepUpCode"}]
    # a quote that is not today's (one paisa off): refused before any code is asked for, nothing paid
    stale = {"amount": f"{(total - 1) / 100:.2f}", "currency": "INR"}
    r = await gql(me, CLOSE, n=number, k="c2", t=stale, **{"from": b.savings})
    assert r.data["closeLoan"]["userErrors"] == [{"code": "QUOTE_CHANGED", "field": "expectedTotal"}]
    assert not await JournalEntry.filter(entry_type="loan_repayment").exists()
    # a cashier closing with today's quote pays exactly it
    r = await gql(staff("cashier"), CLOSE, n=number, k="c3", t={"amount": f"{total / 100:.2f}", "currency": "INR"},
                  **{"from": b.savings})
    assert r.data["closeLoan"] == {"closed": True, "userErrors": []}
    assert (await Loan.get(account__number=number)).status == "CLOSED"

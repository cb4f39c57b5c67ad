"""The Loans pages through NiceGUI's User fixture: the member's schedule with paid / overdue / upcoming
rows and Pay EMI (exactly the reviewed amount reaches the ledger), applying with an EMI preview, and
the staff queue where the recommender cannot also sanction."""

from __future__ import annotations

import asyncio
from datetime import date
from decimal import Decimal

from nicegui.testing import User

from bankcore.loans.lifecycle import preview_schedule
from bankcore.models import Account, LoanProduct, JournalEntry, LedgerAccount, Loan, LoanStatus, Member, PrincipalKind, Posting
from tests.loans.factory import active_loan, borrower, loan_bank, move_to
from tests.ui.conftest import sign_in_as
from tests.ui.test_payments_ui import _wait_text
from ui import fmt


async def _wait_marker(user: User, marker: str, tries: int = 200) -> None:
    for _ in range(tries):
        try:
            await user.should_see(marker=marker, retries=1)
            return
        except AssertionError:
            await asyncio.sleep(0.05)
    await user.should_see(marker=marker)


async def balance(number: str) -> int:
    return (await LedgerAccount.get(id=(await Account.get(number=number)).ledger_account_id)).balance_minor


async def test_member_sees_the_schedule_and_pay_emi_posts_exactly_the_reviewed_amount(user: User, sent: list) -> None:
    # given: an active loan of 1 lakh over 12 months, two instalments overdue on the business date
    await loan_bank()
    b = await borrower()
    number = await active_loan(b)
    await move_to(date(2025, 3, 10))
    before = await balance(b.savings)
    member = await Member.get(member_number=b.member)
    await sign_in_as(user, PrincipalKind.MEMBER, member.id)
    await user.open("/member/loans")
    await _wait_marker(user, "schedule")
    [table] = user.find(marker="schedule-table").elements
    assert [r["code"] for r in table.rows][:3] == ["OVERDUE", "OVERDUE", "UPCOMING"]
    await user.should_see(marker="overdue")
    # when: she reviews 1,500, changes the amount, reviews 2,000 and confirms
    user.find(marker="pay-amount").clear().type("1500")
    user.find(marker="pay-review").click()
    await _wait_text(user, f"Pay ₹1,500.00 to loan {number} from {b.savings}?")
    user.find(marker="pay-amount").clear().type("2000")
    await _wait_marker(user, "pay-changed")
    await user.should_not_see(marker="pay-confirm")
    user.find(marker="pay-review").click()
    await _wait_text(user, f"Pay ₹2,000.00 to loan {number} from {b.savings}?")
    user.find(marker="pay-confirm").click()
    await _wait_marker(user, "pay-done")
    # then: one repayment of exactly ₹2,000.00 left her savings for the loan
    loan = await Loan.get(account__number=number)
    entries = await JournalEntry.filter(entry_type="loan_repayment")
    assert len(entries) == 1
    legs = await Posting.filter(entry_id=entries[0].id)
    assert sum(p.amount_minor for p in legs if p.side == "D") == 2000_00
    assert await balance(b.savings) == before - 2000_00
    assert loan.status == LoanStatus.ACTIVE
    # and the page posted the second review's variables, once
    [(_, repay)] = [call for call in sent if call[0] == "RepayLoan"]
    key = repay["input"].pop("idempotencyKey")
    assert key.startswith("emi-") and repay == {"input": {
        "loanNumber": number, "fromAccountNumber": b.savings, "amount": {"amount": "2000.00", "currency": "INR"}}}
    # and the schedule now shows the first instalment's charges and interest paid first (oldest first)
    user.find(marker="pay-done")


async def test_member_previews_the_emi_and_applies(user: User) -> None:
    await loan_bank(guarantors=0)
    b = await borrower()
    member = await Member.get(member_number=b.member)
    await sign_in_as(user, PrincipalKind.MEMBER, member.id)
    await user.open("/member/loans")
    await _wait_text(user, "You have no loans with us")
    user.find(marker="apply").click()
    await _wait_marker(user, "apply-form")
    user.find(marker="apply-amount").type("60000")
    user.find(marker="apply-preview").click()
    await _wait_marker(user, "apply-emi")
    # the first instalment of the schedule disbursal would fix today (a broken first period from 1 Jan to 5 Feb)
    product = await LoanProduct.get(code="PL")
    first = preview_schedule(product, amount_minor=60_000_00, tenure_months=12, disbursal_date=date(2025, 1, 1)).rows[0]
    await user.should_see(f"EMI {fmt.money(Decimal(first.instalment_minor) / 100, 'INR')} for 12 months")
    user.find(marker="apply-submit").click()
    await _wait_text(user, "the bank is reviewing it", tries=300)
    loan = await Loan.get(member_id=member.id)
    assert loan.status == LoanStatus.APPLIED and loan.amount_minor == 60_000_00 and loan.duration_months == 12


async def test_staff_queue_refuses_the_recommender_as_sanctioner_and_another_manager_sanctions(user: User, create_user) -> None:  # noqa: ANN001
    from tests.ui.test_staff import as_staff

    await loan_bank(guarantors=0)
    b = await borrower()
    from bankcore.loans.lifecycle import apply_for_loan
    from tests.ledger.factory import inr

    loan = await apply_for_loan(member_number=b.member, product_code="PL", amount=inr("50000.00"), tenure_months=6,
                                applied_by="staff:99")
    number = (await loan.account).number
    await as_staff(user, "manager")
    await user.open("/staff/loans")
    await _wait_marker(user, f"application {number}")
    user.find(marker=f"recommend {number}").click()
    await _wait_marker(user, f"sanction {number}")
    user.find(marker=f"sanction {number}").click()
    await _wait_marker(user, "queue-message")
    await user.should_see("someone other than who recommended")
    assert (await Loan.get(id=loan.id)).status == LoanStatus.RECOMMENDED
    # a second manager sanctions, then disburses
    other = create_user()
    await as_staff(other, "manager")
    await other.open("/staff/loans")
    await _wait_marker(other, f"sanction {number}")
    other.find(marker=f"sanction {number}").click()
    await _wait_marker(other, f"disburse {number}")
    other.find(marker=f"disburse {number}").click()
    await _wait_text(other, "Disbursed")
    assert (await Loan.get(id=loan.id)).status == LoanStatus.ACTIVE


async def test_member_closes_a_loan_with_the_quote_confirmed_by_a_one_time_code(user: User, sent: list) -> None:
    from bankcore.identity.clock import utcnow
    from bankcore.identity.members_portal import enrol_member_totp, set_member_password
    from bankcore.identity.totp import code_at, time_step
    from bankcore.loans.foreclosure import foreclosure_quote

    # given: an active loan of 1 lakh, a month on, savings enough to repay it
    await loan_bank()
    b = await borrower(deposit="150000.00")
    number = await active_loan(b)
    await move_to(date(2025, 1, 20))
    member = await Member.get(member_number=b.member)
    await set_member_password(member_id=member.id, password="a fine portal password", actor="test")
    secret = (await enrol_member_totp(member_id=member.id, actor="test")).secret
    quote = await foreclosure_quote(loan_number=number)
    before = await balance(b.savings)
    await sign_in_as(user, PrincipalKind.MEMBER, member.id)
    await user.open("/member/loans")
    await _wait_marker(user, "close-loan")
    # when: she reviews closing from savings, confirms, and gives her authenticator's code
    user.find(marker="close-loan").click()
    await _wait_marker(user, "close-review")
    user.find(marker="close-review").click()
    total = fmt.money(Decimal(quote.total_minor) / 100, "INR")
    await _wait_text(user, f"Pay {total} from {b.savings} and close loan {number}?")
    user.find(marker="close-confirm").click()
    await _wait_marker(user, "step-up-code")
    code = code_at(secret, time_step(utcnow()))
    user.find(marker="step-up-code").type(code)
    user.find(marker="step-up-confirm").click()
    await _wait_marker(user, "close-done")
    # and the card now shows the closed loan: its no-dues certificate, nothing left to close
    await _wait_marker(user, "no-dues")
    await user.should_not_see(marker="close-loan")
    await user.should_not_see(marker="quote")
    await user.should_see("Schedule (1 instalment)")  # the final row that replaced the rest, in the singular
    await user.should_not_see("(1 instalments)")
    # then: the loan is CLOSED, one foreclosure entry took exactly the quote from her savings
    loan = await Loan.get(account__number=number)
    assert loan.status == LoanStatus.CLOSED and loan.closed_on == date(2025, 1, 20)
    [entry] = await JournalEntry.filter(entry_type="loan_repayment")
    legs = await Posting.filter(entry_id=entry.id)
    savings_ledger = (await Account.get(number=b.savings)).ledger_account_id
    assert [(p.side, p.amount_minor) for p in legs if p.ledger_account_id == savings_ledger] == [("D", quote.total_minor)]
    assert await balance(b.savings) == before - quote.total_minor
    assert await balance(number) == 0  # nothing outstanding on the loan account
    # and the page posted the reviewed quote twice under one key: asked for a code, then with it
    first, second = [variables for name, variables in sent if name == "CloseLoan"]
    assert first == {"loanNumber": number, "fromAccountNumber": b.savings, "idempotencyKey": first["idempotencyKey"],
                     "expectedTotal": {"amount": first["expectedTotal"]["amount"], "currency": "INR"}}
    assert Decimal(first["expectedTotal"]["amount"]) * 100 == quote.total_minor
    assert second.pop("stepUp")["code"] == code and second == first

"""Staff pages per role, and what each role may not reach."""

from __future__ import annotations

import time

from nicegui.testing import User

from bankcore.approvals import request_reversal
from bankcore.models import JournalEntry, Member, PrincipalKind, StaffRole, StaffUser
from bankcore.services.money_movement import deposit_cash
from tests.ledger.factory import inr, make_account, make_member, small_bank
from tests.ui.conftest import sign_in_as


async def as_staff(user: User, role: str) -> StaffUser:
    staff = await StaffUser.create(username=f"{role}-{time.monotonic_ns()}", full_name=f"Test {role}", role=StaffRole(role),
                                   password_hash="not-used", active=True)
    await sign_in_as(user, PrincipalKind.STAFF, staff.id)
    return staff


async def test_cashier_takes_a_deposit_prints_a_receipt_and_sees_the_drawer_total(user: User) -> None:
    await small_bank()
    account = await make_account("SB0", deposit="100.00")
    await as_staff(user, "cashier")
    await user.open("/staff/cashier")
    await user.should_see("No cash taken in or paid out today.")
    user.find(marker="search").type(account)
    user.find(marker="find").click()
    await user.should_see(marker="counter-account")
    user.find(marker="cash-amount").type("2500")
    user.find(marker="cash-review").click()
    await user.should_see("Take in ₹2,500.00")
    user.find(marker="cash-confirm-button").click()
    await user.should_see(marker="receipt", retries=10)
    await user.should_see("₹2,600.00")
    await user.should_see("In: 1 · ₹2,500.00")


async def test_cashier_cannot_reach_the_approval_queue(user: User) -> None:
    await small_bank()
    await as_staff(user, "cashier")
    await user.open("/staff/approvals")
    await user.should_see("This page is not available for your role.")
    await user.should_not_see(marker="queue")
    await user.should_not_see(marker="nav /staff/approvals")
    await user.should_see(marker="nav /staff/cashier")


async def test_clerk_registration_checks_kyc_fields_and_registers(user: User) -> None:
    await small_bank()
    await as_staff(user, "clerk")
    await user.open("/staff/clerk")
    await user.should_see(marker="reg-name")
    user.find(marker="reg-name").type("Meena Pillai")
    user.find(marker="reg-pan").type("ABC")
    user.find(marker="reg-submit").click()
    await user.should_see("Correct the fields marked in red.")
    pan = user.find(marker="reg-pan").elements.pop()
    pan.value = "ABCPE1234F"
    user.find(marker="reg-mobile").type("9876543210")
    user.find(marker="reg-submit").click()
    await user.should_see("Registered Meena Pillai", retries=10)
    member = await Member.get(full_name="Meena Pillai")
    # and opens an account for her (pending until her KYC is approved)
    user.find(marker="open-owner").type(member.member_number)
    user.find(marker="open-submit").click()
    await user.should_see("(pending)", retries=10)


async def test_manager_approves_a_reversal_and_a_kyc(user: User) -> None:
    await small_bank()
    account = await make_account("SB0", deposit="100.00")
    entry = await JournalEntry.filter(entry_type="cash_deposit").first()
    await request_reversal(entry_id=entry.id, reason="keyed twice", maker="staff:999")
    pending = await make_member("Kiran Das", verified=False)
    await as_staff(user, "manager")
    await user.open("/staff/approvals")
    await user.should_see("keyed twice")
    user.find(marker="approve 1").click()
    await user.should_see("Nothing waits for approval.", retries=10)
    # The KYC queue lists members waiting for approval without a search.
    await user.should_see(marker=f"kyc {pending}")
    user.find(marker=f"kyc {pending}").click()
    await user.should_see("Verified; re-KYC due", retries=10)
    assert (await Member.get(member_number=pending)).kyc_status == "verified"
    assert account


async def test_manager_sees_the_branch_overview_with_charts(user: User) -> None:
    await small_bank()
    await make_account("SB0", deposit="1000.00")
    await as_staff(user, "manager")
    await user.open("/staff/branch")
    await user.should_see(marker="volume-chart")
    await user.should_see(marker="tile Members")
    await user.should_see("₹1,000.00")


async def test_accountant_sees_chart_trial_balance_journal_and_runs_verify(user: User) -> None:
    await small_bank()
    account = await make_account("SB0", deposit="1000.00")
    await deposit_cash(account_number=account, amount=inr("1.50"), initiator="test")
    await as_staff(user, "accountant")
    await user.open("/staff/books")
    await user.should_see(marker="chart")
    await user.should_see(marker="tb-status")
    await user.should_see("Balanced")
    await user.should_see(marker="journal")
    user.find(marker="verify").click()
    await user.should_see("Books verified", retries=20)


async def test_admin_creates_a_staff_user_and_sees_the_qr_code(user: User) -> None:
    await small_bank()
    await as_staff(user, "admin")
    await user.open("/staff/admin")
    await user.should_see(marker="new-username")
    user.find(marker="new-username").type("priya")
    user.find(marker="new-fullname").type("Priya N")
    user.find(marker="new-password").type("a long enough password 7")
    user.find(marker="new-create").click()
    await user.should_see(marker="qr", retries=20)
    assert await StaffUser.get_or_none(username="priya") is not None


async def test_admin_creates_a_product(user: User) -> None:
    from bankcore.models import Product

    await small_bank()
    await as_staff(user, "admin")
    await user.open("/staff/admin")
    await user.should_see(marker="product-code")
    user.find(marker="product-code").type("RD1")
    user.find(marker="product-name").type("Recurring savings")
    user.find(marker="product-rate").clear()
    user.find(marker="product-rate").type("6.75")
    user.find(marker="product-create").click()
    await user.should_see("Created RD1.", retries=20)
    assert (await Product.get(code="RD1")).interest_rate_bps == 675


async def test_auditor_sees_the_audit_trail_and_chain_but_no_counter(user: User) -> None:
    await small_bank()
    await make_account("SB0", deposit="10.00")
    await as_staff(user, "auditor")
    await user.open("/staff/audit")
    await user.should_see("Hash chain intact")
    await user.should_see(marker="graphiql-link")
    await user.should_not_see(marker="nav /staff/cashier")
    await user.open("/staff/cashier")
    await user.should_see("This page is not available for your role.")


async def test_a_member_cannot_use_staff_pages_and_staff_start_on_their_page(user: User) -> None:
    await small_bank()
    number = await make_member()
    member = await Member.get(member_number=number)
    await sign_in_as(user, PrincipalKind.MEMBER, member.id)
    await user.open("/staff/books")
    await user.should_see("This page is not available for your role.")
    await user.should_not_see(marker="chart")

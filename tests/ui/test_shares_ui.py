"""Shares pages through NiceGUI's User fixture: a member buys shares; staff run the register,
close the year and the dividend (maker-checker)."""

from __future__ import annotations

from datetime import date

from nicegui.testing import User

from bankcore.calendar.business_date import set_business_date_at_least
from bankcore.models import DividendDeclaration, Member, PrincipalKind
from bankcore.shares.register import purchase_shares
from tests.shares.factory import bank_with_members
from tests.shares.test_year_end_dividend import _book
from tests.ui.conftest import sign_in_as
from tests.ui.test_staff import as_staff


async def test_member_joins_by_buying_shares_from_savings(user: User) -> None:
    member_number, savings = (await bank_with_members("Asha"))["Asha"]
    member = await Member.get(member_number=member_number)
    await sign_in_as(user, PrincipalKind.MEMBER, member.id)
    await user.open("/member/shares")
    await user.should_see("Not yet a shareholder: joining takes 10 shares and an admission fee of ₹100.00.")
    await user.should_see("No certificates yet.")
    user.find(marker="count").elements.pop().value = 12
    user.find(marker="continue").click()
    await user.should_see("Admission fee ₹100.00 (once, on joining)")
    await user.should_see(f"Total ₹1,300.00 from {savings}")
    user.find(marker="buy-confirm").click()
    await user.should_see("12 shares", retries=10)
    await user.should_see("Paid up ₹1,200.00", retries=20)  # the holding is drawn again after the notice
    await user.should_see(marker="pdf SC-0000001-1")
    await user.should_see("12 × ₹100.00 · issued 02-06-2025")


async def test_clerk_transfers_shares_from_the_register(user: User) -> None:
    people = await bank_with_members("Asha", "Ravi")
    (asha, asha_sb), (ravi, ravi_sb) = people["Asha"], people["Ravi"]
    await purchase_shares(member_number=asha, shares=20, from_account_number=asha_sb, initiator="t", idempotency_key="a")
    await purchase_shares(member_number=ravi, shares=10, from_account_number=ravi_sb, initiator="t", idempotency_key="r")
    await as_staff(user, "clerk")
    await user.open("/staff/shares")
    await user.should_see("2 shareholders · 30 shares · paid up ₹3,000.00 · as of 02-06-2025")
    user.find(marker="member-number").type(asha)
    user.find(marker="find").click()
    await user.should_see("20 shares, paid up ₹2,000.00", retries=10)
    user.find(marker="transfer-to").type(ravi)
    user.find(marker="transfer-count").elements.pop().value = 5
    user.find(marker="transfer").click()
    await user.should_see("Transferred: 15 shares left.", retries=10)


async def test_accountant_closes_the_year_and_proposes_a_manager_approves(user: User, create_user) -> None:  # noqa: ANN001
    member_number, savings = (await bank_with_members("Asha"))["Asha"]
    await purchase_shares(member_number=member_number, shares=50, from_account_number=savings, initiator="t", idempotency_key="a")
    await _book(100_000_00, 40_000_00, date(2025, 6, 2))
    await set_business_date_at_least(date(2026, 4, 1))
    await as_staff(user, "accountant")
    await user.open("/staff/dividends")
    await user.should_see("No financial year closed yet.")
    user.find(marker="close-year").type("2025-26")
    user.find(marker="close").click()
    await user.should_see("2025-26 closed: net profit ₹60,100.00.", retries=10)
    await user.should_see(marker="closes", retries=10)
    (closes,) = user.find(marker="closes").elements
    assert closes.rows[0]["reserve"] == "₹15,025.00" and closes.rows[0]["surplus"] == "₹38,464.00"
    user.find(marker="dividend-year").type("2025-26")
    user.find(marker="rate").type("20")
    user.find(marker="propose").click()
    await user.should_see("RATE_ABOVE_CAP", retries=10)
    rate = user.find(marker="rate").elements.pop()
    rate.value = "10"
    user.find(marker="propose").click()
    await user.should_see("Proposed: ₹500.00 to 1 members; a manager approves it.", retries=10)
    await user.should_not_see(marker="approve 1")  # the accountant cannot approve
    manager = create_user()
    await as_staff(manager, "manager")
    await manager.open("/staff/dividends")
    await manager.should_not_see(marker="close-card")
    declaration = await DividendDeclaration.get()
    manager.find(marker=f"approve {declaration.id}").click()
    await manager.should_see("Credited ₹500.00; unpaid register ₹0.00.", retries=10)
    await manager.should_see(marker=f"report {declaration.id}", retries=20)
    manager.find(marker=f"report {declaration.id}").click()
    await manager.should_see(marker="dividend-report", retries=10)
    (report,) = manager.find(marker="dividend-report").elements
    assert [(r["member"], r["amount"], r["to"]) for r in report.rows] == [(member_number, "₹500.00", savings)]

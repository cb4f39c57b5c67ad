"""The member portal, page by page, through NiceGUI's User fixture."""

from __future__ import annotations

import asyncio

from nicegui.testing import User

from bankcore.models import Member, PrincipalKind
from bankcore.services.members import update_contact_details
from bankcore.services.money_movement import deposit_cash
from tests.ledger.factory import inr, make_account, make_member, small_bank
from tests.ui.conftest import sign_in_as


async def _member_with_account(name: str = "Asha Rao", deposit: str = "123456.78") -> tuple[int, str, str]:
    number = await make_member(name)
    account = await make_account("SB0", owner=number, deposit=deposit)
    member = await Member.get(member_number=number)
    return member.id, number, account


async def test_dashboard_shows_each_account_with_indian_grouping(user: User) -> None:
    await small_bank()
    member_id, _, account = await _member_with_account()
    await sign_in_as(user, PrincipalKind.MEMBER, member_id)
    await user.open("/member")
    await user.should_see("₹1,23,456.78")
    await user.should_see(marker=f"balance {account}")


async def test_balance_updates_live_after_a_deposit_elsewhere(user: User) -> None:
    await small_bank()
    member_id, _, account = await _member_with_account(deposit="100.00")
    await sign_in_as(user, PrincipalKind.MEMBER, member_id)
    await user.open("/member")
    await user.should_see("₹100.00")
    # when: a cashier's deposit, posted by the service (another session, no reload here)
    await deposit_cash(account_number=account, amount=inr("50.00"), initiator="staff:1")
    # then
    for _ in range(20):
        await asyncio.sleep(0.05)
        if user.find(marker=f"balance {account}").elements.pop().text == "₹150.00":
            break
    await user.should_see("₹150.00")


async def test_account_page_lists_transactions_with_running_balance(user: User) -> None:
    await small_bank()
    member_id, _, account = await _member_with_account(deposit="1000.00")
    await deposit_cash(account_number=account, amount=inr("250.00"), initiator="test")
    await sign_in_as(user, PrincipalKind.MEMBER, member_id)
    await user.open(f"/member/accounts/{account}")
    await user.should_see("₹1,250.00")
    await user.should_see(marker="lines")
    table = user.find(marker="lines").elements.pop()
    assert [r["balance"] for r in table.rows] == ["₹1,000.00", "₹1,250.00"]


async def test_a_member_cannot_open_another_members_account_by_url(user: User) -> None:
    await small_bank()
    member_id, _, _ = await _member_with_account("Asha Rao")
    _, _, other_account = await _member_with_account("Ravi Iyer")
    await sign_in_as(user, PrincipalKind.MEMBER, member_id)
    await user.open(f"/member/accounts/{other_account}")
    await user.should_see("No such account among yours.")
    await user.should_not_see(marker="lines")


async def test_transfer_to_another_member_with_confirmation(user: User) -> None:
    await small_bank()
    member_id, _, account = await _member_with_account(deposit="1000.00")
    _, _, other = await _member_with_account("Ravi Iyer", deposit="10.00")
    await sign_in_as(user, PrincipalKind.MEMBER, member_id)
    await user.open("/member/transfer")
    await user.should_see(marker="to")
    user.find(marker="to").type(other)
    user.find(marker="amount").type("250.50")
    user.find(marker="review").click()
    await user.should_see(marker="confirm-card")
    await user.should_see("₹250.50")
    user.find(marker="confirm").click()
    await user.should_see("New balance ₹749.50", retries=30)


async def test_transfer_above_the_available_balance_says_what_to_do(user: User) -> None:
    await small_bank()
    member_id, _, _ = await _member_with_account(deposit="100.00")
    _, _, other = await _member_with_account("Ravi Iyer")
    await sign_in_as(user, PrincipalKind.MEMBER, member_id)
    await user.open("/member/transfer")
    await user.should_see(marker="to")
    user.find(marker="to").type(other)
    user.find(marker="amount").type("5000")
    user.find(marker="review").click()
    await user.should_see("You can transfer at most ₹100.00")


async def test_statement_downloads_as_pdf_and_csv(user: User) -> None:
    await small_bank()
    member_id, _, account = await _member_with_account(deposit="500.00")
    await sign_in_as(user, PrincipalKind.MEMBER, member_id)
    await user.open(f"/member/statements?account={account}")
    await user.should_see(marker="pdf")
    user.find(marker="pdf").click()
    pdf = await user.download.next(timeout=5)
    assert pdf.content.startswith(b"%PDF")
    user.find(marker="csv").click()
    csv = (await user.download.next(timeout=5)).content.decode()
    assert "closing_balance,500.00" in csv


async def test_profile_changes_contact_details(user: User) -> None:
    await small_bank()
    member_id, number, _ = await _member_with_account()
    await sign_in_as(user, PrincipalKind.MEMBER, member_id)
    await user.open("/member/profile")
    await user.should_see(number)
    user.find(marker="address").type("12 MG Road, Pune")
    user.find(marker="save").click()
    await user.should_see("Saved.")
    assert (await Member.get(id=member_id)).address == "12 MG Road, Pune"


async def test_profile_confirms_a_new_mobile_with_a_code_sent_to_it(user: User, codes) -> None:  # noqa: ANN001
    await small_bank()
    member_id, number, _ = await _member_with_account()
    await update_contact_details(member_number=number, mobile="9812345678")
    await sign_in_as(user, PrincipalKind.MEMBER, member_id)
    await user.open("/member/profile")
    await user.should_see(number)
    user.find(marker="mobile").clear()
    user.find(marker="mobile").type("9876543210")
    user.find(marker="save").click()
    await user.should_see("Enter it to confirm your new mobile number", retries=10)
    assert codes.sent[-1][0] == "+919876543210"
    assert (await Member.get(id=member_id)).mobile == "+919812345678"  # not before the code
    user.find(marker="contact-code").type("12345")
    user.find(marker="contact-confirm").click()
    await user.should_see("The code has 6 digits.")
    user.find(marker="contact-code").clear()
    user.find(marker="contact-code").type(codes.last_code())
    user.find(marker="contact-confirm").click()
    await user.should_see("We told your old contact about the change.", retries=10)
    assert (await Member.get(id=member_id)).mobile == "+919876543210"
    assert codes.sent[-1][0] == "+919812345678" and "changed" in codes.sent[-1][1]


async def test_profile_names_a_nominee(user: User) -> None:
    await small_bank()
    member_id, _, account = await _member_with_account()
    nominee = await make_member("Ravi Rao")
    await sign_in_as(user, PrincipalKind.MEMBER, member_id)
    await user.open("/member/profile")
    await user.should_see("No nominee yet.")
    user.find(marker=f"nominee-input {account}").type(nominee)
    user.find(marker=f"nominee-save {account}").click()
    # The member typed a number: the name behind it is not revealed (issue 8 item 4).
    await user.should_see(f"Nominee: R**** R**** ({nominee})", retries=10)
    user.find(marker=f"nominee-input {account}").type("00000000")
    user.find(marker=f"nominee-save {account}").click()
    await user.should_see("no member 00000000", retries=10)


async def test_loans_and_deposits_have_empty_states(user: User) -> None:
    await small_bank()
    member_id, _, _ = await _member_with_account()
    await sign_in_as(user, PrincipalKind.MEMBER, member_id)
    await user.open("/member/loans")
    await user.should_see("You have no loans with us", retries=50)  # the page loads loans, products and accounts
    await user.open("/member/deposits")
    await user.should_see("You have no deposits yet.", retries=50)


async def test_sign_out_lands_on_sign_in_and_the_session_is_gone(user: User) -> None:
    await small_bank()
    member_id, _, _ = await _member_with_account()
    await sign_in_as(user, PrincipalKind.MEMBER, member_id)
    await user.open("/member")
    await user.should_see(marker="sign-out")
    user.find(marker="sign-out").click()
    # The click runs the signOut mutation before navigating: allow it time on a busy machine.
    await user.should_see("You have signed out.", retries=50)
    await user.open("/member")
    await user.should_see("Member number or mobile")


async def test_account_page_filters_by_dd_mm_yyyy_dates_and_refuses_a_reversed_period(user: User) -> None:
    await small_bank()
    member_id, _, account = await _member_with_account(deposit="1000.00")
    await sign_in_as(user, PrincipalKind.MEMBER, member_id)
    await user.open(f"/member/accounts/{account}")
    await user.should_see(marker="lines")
    user.find(marker="from").elements.pop().value = "01-01-2001"
    user.find(marker="to").elements.pop().value = "31-12-2000"
    user.find(marker="show").click()
    await user.should_see("Choose a From date on or before the To date.")
    user.find(marker="to").elements.pop().value = "31-12-2001"
    user.find(marker="show").click()
    await user.should_see("No transactions in this period.")
    user.find(marker="since-opening").click()
    await user.should_see(marker="lines")


async def test_an_idle_session_lands_on_sign_in(user: User, monkeypatch) -> None:  # noqa: ANN001

    from ui import frame

    await small_bank()
    member_id, _, _ = await _member_with_account()
    await sign_in_as(user, PrincipalKind.MEMBER, member_id)
    monkeypatch.setattr(frame, "DEFAULT_IDLE_S", -1)  # every moment counts as idle
    await user.open("/member")
    await user.should_see("My accounts")
    timer = user.find(marker="idle-watch").elements.pop()
    with user:
        await timer.callback()
    # Lands on sign-in. The reason shown is usually "inactivity"; on a slow run the ended
    # live-balance subscription can get there first and the page says "session has ended".
    await user.should_see(marker="login", retries=10)
    reason = user.find(marker="reason").elements.pop().text
    assert reason in ("You were signed out after a period of inactivity.", "Your session has ended. Please sign in again.")

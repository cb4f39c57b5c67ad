"""The member's transfer page: payee check before confirming, masked name, remark in the
narration, a fresh form after Done (no second payment), saved payees, limits explained."""

from __future__ import annotations

from nicegui.testing import User

from bankcore.calendar.business_date import business_date, ensure_calendar
from bankcore.models import JournalEntry, Member, Payee, PrincipalKind
from bankcore.settings import set_setting
from tests.ledger.factory import make_account, make_member, small_bank
from tests.ui.conftest import sign_in_as


async def setup() -> tuple[int, str, str]:
    await small_bank()
    await ensure_calendar()
    payer = await make_member("Asha Rao")
    source = await make_account("SB0", owner=payer, deposit="5000.00")
    other = await make_account("SB0", owner=await make_member("Rahul Kumar"))
    return (await Member.get(member_number=payer)).id, source, other


async def review(user: User, to: str, amount: str, remark: str = "") -> None:
    await user.should_see(marker="to", retries=50)
    user.find(marker="to").type(to)
    user.find(marker="amount").type(amount)
    if remark:
        user.find(marker="remark").type(remark)
    user.find(marker="review").click()


async def test_done_starts_fresh_and_change_cannot_pay_again(user: User) -> None:
    member_id, source, other = await setup()
    await sign_in_as(user, PrincipalKind.MEMBER, member_id)
    await user.open("/member/transfer")
    await review(user, other, "100", remark="Books")
    await user.should_see(marker="confirm-card", retries=20)
    await user.should_see("R**** K****")
    await user.should_see(f"Transfer {source} to {other}: Books")
    user.find(marker="confirm").click()
    await user.should_see("New balance ₹4,900.00", retries=20)
    # after Done there is no Change and no Confirm: only a new, empty transfer
    await user.should_not_see(marker="change")
    await user.should_not_see(marker="confirm")
    user.find(marker="again").click()
    await user.should_not_see(marker="confirm-card")
    await user.should_see(marker="review")
    assert user.find(marker="to").elements.pop().value == ""
    assert user.find(marker="amount").elements.pop().value == ""
    user.find(marker="review").click()
    await user.should_see("Enter the receiving account's 12-digit number.")
    entries = await JournalEntry.filter(entry_type="transfer").all()
    assert [e.narration for e in entries] == [f"Transfer {source} to {other}: Books"]


async def test_a_mistyped_account_is_caught_before_the_confirmation(user: User) -> None:
    member_id, _, other = await setup()
    await sign_in_as(user, PrincipalKind.MEMBER, member_id)
    await user.open("/member/transfer")
    typo = other[:-1] + str((int(other[-1]) + 1) % 10)
    await review(user, typo, "100")
    await user.should_see("check digit is wrong", retries=20)
    await user.should_not_see(marker="confirm-card")


async def test_save_a_payee_then_pay_them_from_the_list_and_the_new_payee_limit_is_explained(user: User) -> None:
    member_id, _, other = await setup()
    await sign_in_as(user, PrincipalKind.MEMBER, member_id)
    await user.open("/member/transfer")
    await review(user, other, "100")
    await user.should_see(marker="confirm-card", retries=20)
    user.find(marker="save-payee").click()
    user.find(marker="save-payee-name").type("Rahul landlord")
    user.find(marker="confirm").click()
    await user.should_see("Payee saved", retries=20)
    assert await Payee.filter(member_id=member_id, kind="internal", account_number=other, name="Rahul landlord").exists()
    await user.open("/member/transfer")
    await user.should_see(marker="target-kind", retries=50)
    user.find(marker="target-kind").elements.pop().value = "payee"
    user.find(marker="to-payee").elements.pop().value = other
    user.find(marker="amount").type("30000")
    user.find(marker="review").click()
    await user.should_see("You can transfer at most", retries=20)
    await set_setting("transfers.new_payee_limit_minor", 1_000_00, effective_from=await business_date(), set_by="test")
    user.find(marker="amount").clear().type("4800")
    user.find(marker="review").click()
    await user.should_see(marker="confirm-card", retries=20)
    user.find(marker="confirm").click()
    await user.should_see("Send a smaller amount now", retries=20)
    user.find(marker="change").click()
    user.find(marker="amount").clear().type("900")
    user.find(marker="review").click()
    await user.should_see("₹900.00", retries=20)
    user.find(marker="confirm").click()
    await user.should_see("New balance ₹4,000.00", retries=20)

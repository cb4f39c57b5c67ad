"""Standing instructions in the portal (User fixture): set one up, see day-end's failed
attempt and why, cancel it; staff set one up for any account at the branch."""

from __future__ import annotations

from datetime import date

from nicegui.testing import User

from bankcore.calendar.business_date import ensure_calendar
from bankcore.calendar.runner import run_day_end
from bankcore.models import InstructionStatus, Member, PrincipalKind, StandingInstruction
from tests.ledger.factory import make_account, make_member, small_bank
from tests.ui.conftest import sign_in_as
from tests.ui.test_staff import as_staff


async def test_a_member_sets_up_an_instruction_sees_its_failure_and_cancels_it(user: User) -> None:
    await ensure_calendar(start=date(2024, 3, 4))
    await small_bank()
    asha = await make_member("Asha Rao")
    mine = await make_account("SB0", owner=asha, deposit="10.00")
    other = await make_account("SB0")
    await sign_in_as(user, PrincipalKind.MEMBER, (await Member.get(member_number=asha)).id)
    await user.open("/member/instructions")
    await user.should_see("No standing instructions yet.")
    user.find(marker="si-to").type(other)
    user.find(marker="si-amount").type("500")
    user.find(marker="si-start").type("04-03-2024")
    user.find(marker="si-day").elements.pop().value = 5
    user.find(marker="si-create").click()
    await user.should_see("Set up. First payment on 05-03-2024.", retries=20)
    si = await StandingInstruction.get(from_account__number=mine)
    assert si.amount_minor == 50_000
    await run_day_end(initiator="test", through=date(2024, 3, 5))  # ₹10 cannot pay ₹500
    await user.open("/member/instructions")
    await user.should_see(marker="si-failure", retries=20)
    await user.should_see("insufficient funds")
    user.find(marker=f"si-cancel {si.id}").click()
    await user.should_see("Cancelled.", retries=20)
    assert (await StandingInstruction.get(id=si.id)).status == InstructionStatus.CANCELLED


async def test_a_clerk_sets_one_up_for_any_account(user: User) -> None:
    await ensure_calendar(start=date(2024, 3, 4))
    await small_bank()
    payer = await make_account("SB0", deposit="100.00")
    payee = await make_account("SB0")
    await as_staff(user, "clerk")
    await user.open("/staff/instructions")
    await user.should_see("Enter an account number to see its instructions.")
    user.find(marker="si-from").type(payer)
    user.find(marker="si-to").type(payee)
    user.find(marker="si-amount").type("25.50")
    user.find(marker="si-start").type("10-03-2024")
    user.find(marker="si-day").elements.pop().value = 31
    user.find(marker="si-create").click()
    await user.should_see("Set up. First payment on 31-03-2024.", retries=20)
    await user.should_see(marker="si-list")

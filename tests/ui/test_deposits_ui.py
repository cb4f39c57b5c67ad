"""The member's Deposits page through NiceGUI's User fixture: open a fixed deposit from savings
(confirmed with the authenticator's code), see it with its maturity value, change the
maturity instruction and close it early after a quote."""

from __future__ import annotations

from nicegui.testing import User

from tests.ui.test_payments_ui import _wait_text

from bankcore.identity.clock import utcnow
from bankcore.identity.members_portal import enrol_member_totp, set_member_password
from bankcore.identity.totp import code_at, time_step
from bankcore.models import DepositStatus, MaturityInstruction, PrincipalKind, TermDeposit
from tests.deposits.factory import deposit_bank, saver
from tests.ui.conftest import sign_in_as


async def test_a_member_opens_a_fixed_deposit_changes_its_instruction_and_closes_it(user: User) -> None:
    await deposit_bank()
    member, savings = await saver(balance="150000.00")
    await set_member_password(member_id=member.id, password="a fine portal password", actor="test")
    secret = (await enrol_member_totp(member_id=member.id, actor="test")).secret
    await sign_in_as(user, PrincipalKind.MEMBER, member.id)
    await user.open("/member/deposits")
    await user.should_see("You have no deposits yet.")
    user.find(marker="open-fd").click()
    await user.should_see(marker="fd-form")
    await user.should_see("365–730 days: 7.00 %")
    user.find(marker="fd-amount").type("100000")
    user.find(marker="fd-submit").click()
    await user.should_see(marker="step-up-code")
    user.find(marker="step-up-code").type(code_at(secret, time_step(utcnow())))
    user.find(marker="step-up-confirm").click()
    await _wait_text(user, "₹1,07,185.90")  # the maturity value of 1 lakh at 7 % for a year
    fd = await TermDeposit.get(member_id=member.id)
    assert fd.principal_minor == 100_000_00 and fd.status == DepositStatus.ACTIVE
    user.find(marker="instruction").elements.pop().set_value("RENEW_ALL")
    for _ in range(50):
        if (await TermDeposit.get(id=fd.id)).maturity_instruction == MaturityInstruction.RENEW_ALL:
            break
        await user.should_see(marker="instruction")
    assert (await TermDeposit.get(id=fd.id)).maturity_instruction == MaturityInstruction.RENEW_ALL
    user.find(marker="close").click()
    await user.should_see(marker="quote")
    user.find(marker="close-confirm").click()
    await _wait_text(user, "Closed early")
    assert (await TermDeposit.get(id=fd.id)).status == DepositStatus.CLOSED_PREMATURELY

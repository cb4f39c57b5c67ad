"""The bell, the inbox and the alert settings through NiceGUI's User fixture."""

from __future__ import annotations

import asyncio

from nicegui.testing import User

from bankcore.background import run_once
from bankcore.models import Member, NotificationPreference, PrincipalKind
from bankcore.identity import passwords
from bankcore.notifications import notify_staff
from bankcore.services.money_movement import withdraw_cash
from tests.ledger.factory import inr, make_account, make_member, small_bank
from tests.ui.conftest import sign_in_as
from tests.webhooks.conftest import make_admin


async def _member(deposit: str = "1000.00") -> tuple[int, str]:
    await small_bank()
    number = await make_member("Asha Rao")
    account = await make_account("SB0", owner=number, deposit=deposit)
    member = await Member.get(member_number=number)
    await run_once()  # the opening deposit's credit alert
    return member.id, account


async def _badge(user: User) -> str:
    badge = user.find(marker="unread").elements.pop()
    return badge.text if badge.visible else ""


async def test_a_debit_lights_the_bell_live_and_shows_in_the_inbox(user: User) -> None:
    member_id, account = await _member()
    await sign_in_as(user, PrincipalKind.MEMBER, member_id)
    await user.open("/member")
    await user.should_see(marker="bell")
    for _ in range(40):
        await asyncio.sleep(0.05)
        if await _badge(user) == "1":
            break
    assert await _badge(user) == "1"
    # when: money leaves the account and the worker makes the alert
    await withdraw_cash(account_number=account, amount=inr("250.00"), initiator="staff:1")
    await run_once()
    for _ in range(40):
        await asyncio.sleep(0.05)
        if await _badge(user) == "2":
            break
    assert await _badge(user) == "2"
    await user.open("/member/inbox")
    await user.should_see("₹250.00 debited")
    await user.should_see("2 unread")
    user.find(marker="mark-all").click()
    await user.should_see("0 unread")


async def test_alert_settings_are_saved(user: User) -> None:
    member_id, _ = await _member()
    await sign_in_as(user, PrincipalKind.MEMBER, member_id)
    await user.open("/member/inbox")
    await user.should_see("Alert settings")
    await user.should_see("a sign-in from a new device", marker="alert-kinds")
    user.find(marker="whatsapp").click()
    user.find(marker="threshold").type("5000")
    user.find(marker="save-settings").click()
    await user.should_see("Saved.")
    pref = await NotificationPreference.get(member_id=member_id)
    assert (pref.whatsapp, pref.credit_threshold_minor) == (True, 5000_00)
    user.find(marker="threshold").clear().type("12abc")
    user.find(marker="save-settings").click()
    await user.should_see("Enter an amount like 5000 or 5000.00.")


async def test_staff_have_an_inbox_too(user: User) -> None:
    passwords.use_parameters(passwords.TEST_PARAMETERS)
    try:
        admin = await make_admin()
    finally:
        passwords.use_parameters(passwords.PRODUCTION_PARAMETERS)
    await notify_staff(staff_id=admin.id, kind="webhook_disabled", params={"name": "books", "client": "Tally"})
    await sign_in_as(user, PrincipalKind.STAFF, admin.id)
    await user.open("/staff/inbox")
    await user.should_see("Webhook books of Tally was disabled")
    await user.should_not_see(marker="alert-settings")

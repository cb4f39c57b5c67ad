"""The Settings page: back office reads every setting; an admin changes one with a reason."""

from __future__ import annotations

from nicegui.testing import User

from bankcore.calendar.business_date import ensure_calendar
from bankcore.counter.settings import PAN_REQUIRED_ABOVE
from tests.ui.test_staff import as_staff


async def test_an_admin_changes_the_pan_threshold(user: User) -> None:
    await ensure_calendar()
    await as_staff(user, "admin")
    await user.open("/staff/settings")
    await user.should_see(marker="setting cash.pan_required_above_minor", retries=50)
    await user.should_see("₹50,000.00")
    user.find(marker="edit cash.pan_required_above_minor").click()
    await user.should_see(marker="setting-dialog")
    user.find(marker="setting-value").clear().type("4000000")
    user.find(marker="setting-save").click()
    await user.should_see("say why the setting changes", retries=20)
    user.find(marker="setting-reason").type("Board resolution 12")
    user.find(marker="setting-save").click()
    await user.should_see("Setting changed", retries=20)
    await user.should_see("₹40,000.00", retries=20)
    assert await PAN_REQUIRED_ABOVE.get() == 40_000_00


async def test_a_manager_reads_but_cannot_change(user: User) -> None:
    await ensure_calendar()
    await as_staff(user, "manager")
    await user.open("/staff/settings")
    await user.should_see(marker="setting transfers.new_payee_limit_minor", retries=50)
    await user.should_not_see(marker="edit transfers.new_payee_limit_minor")

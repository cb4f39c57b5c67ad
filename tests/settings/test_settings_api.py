"""The settings over GraphQL: every setting listed with its value; an admin changes one,
from today or later, with a reason; the change applies to the rule at once."""

from __future__ import annotations

from datetime import timedelta

from bankcore.calendar.business_date import business_date, ensure_calendar
from bankcore.counter.settings import PAN_REQUIRED_ABOVE
from tests.api.helpers import gql, staff

SETTINGS = """
query { settings { key kind description source default value history { effectiveFrom value setBy reason } } }
"""

SET = """
mutation S($input: SetSettingInput!) {
  setSetting(input: $input) { setting { key value history { value reason } } userErrors { field code message } }
}"""


async def test_every_domains_settings_are_listed(db: str) -> None:
    await ensure_calendar()
    result = await gql(staff("auditor"), SETTINGS)
    assert result.errors is None, result.errors
    keys = {s["key"]: s for s in result.data["settings"]}
    for key in ("cash.pan_required_above_minor", "cash.per_person_per_day_limit_minor", "transfers.member_daily_limit_minor",
                "transfers.new_payee_limit_minor", "payments.payout_daily_limit_minor", "bank.time_zone"):
        assert key in keys, key
    pan = keys["cash.pan_required_above_minor"]
    assert (pan["kind"], pan["value"], pan["default"]) == ("money", "5000000", "5000000")
    assert "114B" in pan["source"]


async def test_an_admin_changes_a_setting_with_a_reason_never_back_dated(db: str) -> None:
    await ensure_calendar()
    today = await business_date()
    change = {"key": "cash.pan_required_above_minor", "value": "4000000", "reason": "Board resolution 12"}
    done = await gql(staff("admin"), SET, input=change)
    assert done.data["setSetting"]["userErrors"] == []
    assert done.data["setSetting"]["setting"]["value"] == "4000000"
    assert done.data["setSetting"]["setting"]["history"] == [{"value": "4000000", "reason": "Board resolution 12"}]
    assert await PAN_REQUIRED_ABOVE.get() == 40_000_00
    refusals = [
        ({**change, "effectiveFrom": (today - timedelta(days=1)).isoformat()}, "effectiveFrom"),
        ({**change, "effectiveFrom": (today + timedelta(days=1)).isoformat(), "value": "lots"}, "value"),
        ({**change, "effectiveFrom": (today + timedelta(days=1)).isoformat(), "reason": " "}, "reason"),
        ({**change}, "effectiveFrom"),  # today already has a value
        ({**change, "key": "no.such_key"}, "key"),
    ]
    for bad, field in refusals:
        result = await gql(staff("admin"), SET, input=bad)
        errors = result.data["setSetting"]["userErrors"]
        assert [e["field"] for e in errors] == [field], (bad, errors)
    assert await PAN_REQUIRED_ABOVE.get() == 40_000_00


async def test_only_an_admin_may_change_settings(db: str) -> None:
    await ensure_calendar()
    for role in ("manager", "accountant", "auditor", "cashier"):
        result = await gql(staff(role), SET, input={"key": "cash.pan_required_above_minor", "value": "1", "reason": "x"})
        assert result.errors and result.errors[0].extensions["code"] == "FORBIDDEN", role


async def test_the_banks_time_zone_is_a_checked_setting_anyone_may_read(db: str) -> None:
    from tests.api.helpers import anonymous

    # given a new bank, when anyone asks (the sign-in page does, to say until when a login is locked)
    await ensure_calendar()
    zone = await gql(anonymous(), "query BankTimeZone { bankTimeZone }")
    # then it is India's, unless configured
    assert zone.errors is None and zone.data["bankTimeZone"] == "Asia/Kolkata"
    # an admin may set another IANA zone from a later date, never a made-up one
    later = (await business_date() + timedelta(days=1)).isoformat()
    bad = await gql(staff("admin"), SET, input={"key": "bank.time_zone", "value": "Mars/Olympus", "reason": "x",
                                                "effectiveFrom": later})
    assert [e["field"] for e in bad.data["setSetting"]["userErrors"]] == ["value"]
    good = await gql(staff("admin"), SET, input={"key": "bank.time_zone", "value": "Asia/Dubai", "reason": "branch abroad"})
    assert good.data["setSetting"]["userErrors"] == []
    assert (await gql(staff("cashier"), "query BankTimeZone { bankTimeZone }")).data["bankTimeZone"] == "Asia/Dubai"

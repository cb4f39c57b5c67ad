"""Limits on members' own transfers to other accounts of the bank (effective-dated settings)."""

from __future__ import annotations

from bankcore.settings import integer_setting, money_setting

MEMBER_DAILY_LIMIT = money_setting(
    "transfers.member_daily_limit_minor", 2_00_000_00,
    "Most a member may transfer to other people's accounts of the bank in one business date "
    "(their own accounts do not count), minor units of the bank's currency.",
    source="Board policy",
)
NEW_PAYEE_LIMIT = money_setting(
    "transfers.new_payee_limit_minor", 25_000_00,
    "Most a member may transfer in one business date to a payee saved less than "
    "transfers.new_payee_cooling_hours ago, or never saved, minor units.",
    source="Board policy (a cooling period for new beneficiaries, as banks apply against account takeover)",
)
NEW_PAYEE_COOLING_HOURS = integer_setting(
    "transfers.new_payee_cooling_hours", 24,
    "Hours after a payee is saved during which the lower new-payee limit applies.",
    source="Board policy",
)

"""The counter's thresholds (effective-dated settings: the law changes, the code does not)."""

from __future__ import annotations

from bankcore.settings import boolean_setting, money_setting

PAN_REQUIRED_ABOVE = money_setting(
    "cash.pan_required_above_minor", 50_000_00,
    "Cash deposits above this need the depositor's PAN on record or a Form 60 declaration "
    "(minor units of the bank's currency).",
    source="Income-tax Rules 1962, rule 114B",
)
CASH_PER_PERSON_PER_DAY = money_setting(
    "cash.per_person_per_day_limit_minor", 2_00_000_00,
    "Cash the bank may take from one person in one business date must stay below this: a deposit "
    "that would bring the day's total to this amount or more is refused (minor units).",
    source="Income-tax Act 1961, s.269ST",
)
DRAWER_REQUIRED = boolean_setting(
    "cash.drawer_required", False,
    "When true, a teller can take in or pay out cash only with their cash drawer open for the business date.",
)

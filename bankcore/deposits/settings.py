"""Term-deposit settings: the s.194A TDS rules by financial year, lien and senior-citizen limits.

The TDS thresholds are data with effective dates: ``deposits.tds_194a_rules`` is a list
of rule sets, each with the first day it applies from; the rule for a credit is the
latest one starting on or before the first day of the credit's financial year. A Finance
Act that changes them is a new list (``set_setting`` from its date), not a code change.
"""

from __future__ import annotations

from datetime import date

from bankcore.deposits.tds import TdsRule
from bankcore.settings import integer_setting, json_setting, text_setting

TDS_194A_RULES = json_setting(
    "deposits.tds_194a_rules",
    [
        # Finance Act 2019 (FY 2019-20 to 2024-25): Rs 40,000; senior citizens Rs 50,000.
        {"from": "2019-04-01", "threshold_minor": 4_000_000, "senior_threshold_minor": 5_000_000,
         "rate_bps": 1000, "rate_without_pan_bps": 2000},
        # Finance Act 2025 (from 1 Apr 2025): Rs 50,000; senior citizens Rs 1,00,000.
        {"from": "2025-04-01", "threshold_minor": 5_000_000, "senior_threshold_minor": 10_000_000,
         "rate_bps": 1000, "rate_without_pan_bps": 2000},
    ],
    "TDS on term-deposit interest (s.194A): per member per financial year, the threshold above which tax is "
    "deducted (paisa; a higher one for senior citizens) and the rates (bps; 20 % without PAN, s.206AA), by the "
    "date each set applies from.",
    source="Income-tax Act 1961 s.194A(3)(i); Finance Act 2019; Finance Act 2025",
)
LIEN_MAX_BPS = integer_setting(
    "deposits.lien_max_bps", 9000,
    "Largest lien on a deposit (a loan against it), in bps of its current value (9000 = 90 %).",
    source="Board policy (common UCB practice: loans against deposits up to 90 %)",
)
SENIOR_CITIZEN_AGE = integer_setting(
    "deposits.senior_citizen_age", 60,
    "Age (completed years) from which a member earns the senior-citizen extra rate and the higher TDS threshold.",
    source="Income-tax Act s.194A third proviso (senior citizen: 60 or more at any time in the year)",
)


async def tds_rule_for(financial_year: int) -> TdsRule:
    """The s.194A rule in force for financial year ``financial_year`` (April ``financial_year`` to March)."""
    start = date(financial_year, 4, 1)
    chosen = None
    for row in sorted(await TDS_194A_RULES.get(on=start), key=lambda r: r["from"]):
        if date.fromisoformat(row["from"]) <= start:
            chosen = row
    if chosen is None:  # before the first rule set: the earliest known
        chosen = min(await TDS_194A_RULES.get(on=start), key=lambda r: r["from"])
    return TdsRule(threshold_minor=int(chosen["threshold_minor"]),
                   senior_citizen_threshold_minor=int(chosen["senior_threshold_minor"]),
                   rate_bps=int(chosen.get("rate_bps", 1000)),
                   rate_without_pan_bps=int(chosen.get("rate_without_pan_bps", 2000)))
DEDUCTOR_NAME = text_setting(
    "deposits.tds_deductor_name", "coopbank",
    "The bank's name as the deductor on TDS and interest certificates (Form 16A).",
    source="Income-tax Rules 1962 rule 31 and Form 16A",
)
DEDUCTOR_TAN = text_setting(
    "deposits.tds_deductor_tan", "",
    "The bank's TAN (tax deduction account number, e.g. MUMC12345D) printed on TDS certificates; empty until set.",
    source="Income-tax Act s.203A; Form 16A",
)

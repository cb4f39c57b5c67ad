"""Settings of the reports: regulatory percentages, cover limits and periods.

Effective-dated (``bankcore.settings``): a return as of a past date uses the value in
force on that date once the history is recorded with ``set_setting``.
"""

from __future__ import annotations

from decimal import Decimal

from bankcore.settings import decimal_setting, integer_setting, money_setting

CRR_PERCENT = decimal_setting(
    "reports.crr_percent", Decimal("3.00"),
    "Cash reserve ratio, percent of net demand and time liabilities (NDTL).",
    source="RBI/2025-26/46: 3% of NDTL from the fortnight beginning 29 Nov 2025",
)
SLR_PERCENT = decimal_setting(
    "reports.slr_percent", Decimal("18.00"),
    "Statutory liquidity ratio, percent of NDTL (set the rate RBI prescribes for the bank's category).",
    source="Banking Regulation Act s.24 (as applicable to co-operative societies); rate unverified, see DOMAIN_NOTES",
)
DICGC_PREMIUM_PAISE_PER_100 = decimal_setting(
    "reports.dicgc_premium_paise_per_100", Decimal("12"),
    "DICGC deposit insurance premium, paise per ₹100 of assessable deposits a year (paid half-yearly in advance).",
    source="DICGC FAQs",
)
DICGC_COVER = money_setting(
    "reports.dicgc_cover_minor", 5_00_000_00,
    "DICGC cover per depositor in the same capacity and right (minor units of the bank's currency).",
    source="DICGC Act s.16(1); ₹5 lakh since 4 Feb 2020",
)
UNCLAIMED_AFTER_YEARS = integer_setting(
    "reports.unclaimed_after_years", 10,
    "A deposit unclaimed (no operation) for this many years goes to the DEA Fund.",
    source="Banking Regulation Act s.26A; RBI/2023-24/105",
)
DEMAND_HORIZON_DAYS = integer_setting(
    "reports.demand_horizon_days", 30,
    "The demand and overdue list shows instalments falling due up to this many days after its date, besides all "
    "overdue ones (days).",
    source="issue 14: demand and overdue list",
)
PASSBOOK_LINES_PER_PAGE = integer_setting(
    "reports.passbook_lines_per_page", 20,
    "Lines on one page of a printed passbook (the printer continues on the next line of the page).",
    source="Bank practice: the passbook stationery in use",
)

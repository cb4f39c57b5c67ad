"""Settings of share capital, dividends and the year-end appropriation (effective-dated).

Defaults are common figures for an urban co-operative bank; each bank's bye-laws set its
own. The s.63 shares are the Act's minimums: the bank may appropriate more, never less
(``bankcore.books.year_end`` refuses a setting below the minimum).
"""

from __future__ import annotations

from bankcore.settings import integer_setting, money_setting

NOMINAL_VALUE = money_setting(
    "shares.nominal_value_minor", 100_00,
    "Nominal (face) value of one share, paid up in full on purchase (minor units).",
    source="the bank's bye-laws",
)
ADMISSION_FEE = money_setting(
    "shares.admission_fee_minor", 100_00,
    "Admission (entrance) fee a member pays once, with their first shares (minor units).",
    source="the bank's bye-laws",
)
MINIMUM_SHARES = integer_setting(
    "shares.minimum_holding", 10,
    "Shares a member must buy on joining and keep while they are a member with a loan.",
    source="the bank's bye-laws",
)
DIVIDEND_CAP_BPS = integer_setting(
    "dividend.max_rate_bps", 15_00,
    "Highest dividend rate on paid-up share capital the bank allows itself, in basis points a year (1500 = 15 %).",
    source="the bank's bye-laws within the limit of its registrar (MSCS Rules); unverified default",
)
DIVIDEND_MAX_NET_NPA_BPS = integer_setting(
    "dividend.max_net_npa_bps", 5_00,
    "A dividend is refused when the bank's net NPA ratio is at or above this, in basis points (500 = 5 %).",
    source="RBI: UCBs may declare dividend only with net NPA below 5 % (and CRAR met, no CRR/SLR default)",
)
STATUTORY_RESERVE_BPS = integer_setting(
    "year_end.statutory_reserve_bps", 25_00,
    "Share of net profit carried to the statutory reserve fund at the year-end close (bps; at least 2500).",
    source="Multi-State Co-operative Societies Act 2002 s.63(1)(a)",
)
EDUCATION_FUND_BPS = integer_setting(
    "year_end.education_fund_bps", 1_00,
    "Share of net profit credited to the co-operative education fund (bps; 100 = 1 %).",
    source="Multi-State Co-operative Societies Act 2002 s.63(1)(b)",
)
UNFORESEEN_LOSSES_BPS = integer_setting(
    "year_end.unforeseen_losses_reserve_bps", 10_00,
    "Share of net profit carried to the reserve for unforeseen losses (bps; at least 1000).",
    source="Multi-State Co-operative Societies Act 2002 s.63(1)(c)",
)

# The Act's minimums (the settings above may be higher, never lower).
STATUTORY_MINIMUM_BPS = {
    STATUTORY_RESERVE_BPS.key: 25_00,
    EDUCATION_FUND_BPS.key: 1_00,
    UNFORESEEN_LOSSES_BPS.key: 10_00,
}

"""Fixed and recurring deposits, premature closure, and s.194A TDS."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bankcore.deposits.tds import (
    TDS_194A_BANKS_FY2019_20,
    TDS_194A_BANKS_FY2025_26,
    TdsRule,
    tds_on_interest,
    tds_refund_on_reduction,
)
from bankcore.deposits.term import (
    Compounding,
    RateSlab,
    fd_maturity,
    premature_closure,
    rd_maturity,
)
from bankcore.errors import DomainError, ErrorCode

START = date(2026, 1, 1)


@pytest.mark.parametrize(
    ("principal", "rate", "tenure", "compounding", "maturity", "note"),
    [
        # (1 + 0.07/4)^4 = 1.0718590313: the bank FD-calculator example, 1 lakh at 7 % for 1 year
        (10_000_000, 700, {"tenure_months": 12}, "quarterly", 10_718_590, "1,07,185.90"),
        # (1.02)^20 = 1.4859473960: 1 lakh at 8 % for 5 years, quarterly
        (10_000_000, 800, {"tenure_months": 60}, "quarterly", 14_859_474, "1,48,594.74"),
        # under two quarters: simple interest, 1,00,000 * 7 % * 90/365 = 1,726.03
        (10_000_000, 700, {"tenure_days": 90}, "quarterly", 10_172_603, "1,01,726.03"),
        # 5 months (1 Jan - 1 Jun, 151 days): still simple, 1,00,000 * 7 % * 151/365 = 2,895.89
        (10_000_000, 700, {"tenure_months": 5}, "quarterly", 10_289_589, "1,02,895.89"),
        # 400 days: 4 full quarters then 35 days simple: 1,07,185.9031 * (1 + 0.07 * 35/365)
        (10_000_000, 700, {"tenure_days": 400}, "quarterly", 10_790_537, "1,07,905.37"),
        # simple interest by choice: 1,00,000 * 7 % * 365/365
        (10_000_000, 700, {"tenure_months": 12}, "simple", 10_700_000, "1,07,000.00"),
        # monthly compounding: (1 + 0.06/12)^12 = 1.0616778118
        (10_000_000, 600, {"tenure_months": 12}, "monthly", 10_616_778, "1,06,167.78"),
    ],
)
def test_fd_maturity(principal, rate, tenure, compounding, maturity, note):
    result = fd_maturity(principal, rate, START, compounding=compounding, **tenure)
    assert result.maturity_minor == maturity, note
    assert result.interest_minor == maturity - principal


@pytest.mark.parametrize(
    ("instalment", "rate", "months", "compounding", "maturity", "note"),
    [
        # IBA formula worked example: Rs 5,000 a month for 1.5 years at 7.5 %, quarterly -> 95,502.35
        (500_000, 750, 18, "quarterly", 9_550_235, "95,502.35"),
        # R = 500, 60 months at 6 %: 500 * ((1.015)^20 - 1) / (1 - (1.015)^(-1/3)) = 35,031.78
        (50_000, 600, 60, "quarterly", 3_503_178, "35,031.78"),
        # simple: 1,000 * 12 + 1,000 * 7 %/12 * (12 * 13 / 2) = 12,455.00
        (100_000, 700, 12, "simple", 1_245_500, "12,455.00"),
        (100_000, 0, 12, "quarterly", 1_200_000, "no interest at 0 %"),
    ],
)
def test_rd_maturity(instalment, rate, months, compounding, maturity, note):
    result = rd_maturity(instalment, rate, months, compounding=compounding, start_date=START)
    assert result.maturity_minor == maturity, note
    assert result.deposited_minor == instalment * months
    assert result.maturity_date == date(2026 + (months // 12), 1 + months % 12, 1)


CARD = (RateSlab(7, 45, 300), RateSlab(46, 179, 500), RateSlab(180, 364, 600), RateSlab(365, None, 700))


@pytest.mark.parametrize(
    ("contracted", "closed_on", "penalty", "applied", "payout"),
    [
        # ran 181 days: card 6 %, less 1 % penalty = 5 %; two full quarters: (1.0125)^2
        (700, date(2026, 7, 1), 100, 500, 10_251_563),
        # ran 100 days: card 5 % - 1 % = 4 %, simple: 1,00,000 * 4 % * 100/365 = 1,095.89
        (700, date(2026, 4, 11), 100, 400, 10_109_589),
        # the contracted rate is lower than the card: the lower applies, 4.5 % - 1 %
        (450, date(2026, 7, 1), 100, 350, 10_175_766),
        # within 7 days: no interest
        (700, date(2026, 1, 7), 100, 0, 10_000_000),
        # penalty larger than the rate: floored at 0
        (700, date(2026, 1, 20), 500, 0, 10_000_000),
    ],
)
def test_premature_closure(contracted, closed_on, penalty, applied, payout):
    result = premature_closure(10_000_000, contracted, START, closed_on, CARD, penalty_bps=penalty)
    assert result.applied_rate_bps == applied
    assert result.payout_minor == payout
    assert result.interest_minor == payout - 10_000_000


@pytest.mark.parametrize(
    ("call", "code"),
    [
        (lambda: fd_maturity(0, 700, START, tenure_months=12), ErrorCode.INVALID_AMOUNT),
        (lambda: fd_maturity(100, 700, START), ErrorCode.INVALID_TENURE),
        (lambda: fd_maturity(100, 700, START, tenure_months=12, tenure_days=10), ErrorCode.INVALID_TENURE),
        (lambda: fd_maturity(100, 700, START, tenure_days=6), ErrorCode.INVALID_TENURE),
        (lambda: fd_maturity(100, 700, START, tenure_months=12, compounding="daily"), ErrorCode.INVALID_INPUT),
        (lambda: rd_maturity(100, 20_000, 12), ErrorCode.INVALID_RATE),
        (lambda: rd_maturity(100, 700, 0), ErrorCode.INVALID_TENURE),
        (lambda: premature_closure(100, 700, START, date(2025, 12, 1), CARD), ErrorCode.INVALID_DATE),
    ],
)
def test_deposit_refusals(call, code):
    with pytest.raises(DomainError) as raised:
        call()
    assert raised.value.code is code


@settings(max_examples=200, deadline=None)
@given(
    st.integers(1, 10**11),
    st.integers(0, 1500),
    # Whole years: a whole number of periods for every frequency. A broken last period earns
    # simple interest on actual days, a different day-count basis from the nominal one below.
    st.integers(1, 10).map(lambda years: 12 * years),
    st.sampled_from([c for c in Compounding if c is not Compounding.SIMPLE]),
)
def test_compounding_never_pays_less_than_simple(principal, rate, months, compounding):
    # Compounding counts whole months (r/12 a month) while SIMPLE counts actual days / 365,
    # so over a window with a leap day SIMPLE can pay a paisa more. The invariant holds on
    # one time basis: compound interest >= simple interest for the same nominal months.
    compound = fd_maturity(principal, rate, START, tenure_months=months, compounding=compounding)
    simple_same_basis_minor = principal * rate * months // (10_000 * 12)
    assert 0 <= simple_same_basis_minor <= compound.interest_minor


# --- TDS, Income-tax Act s.194A -------------------------------------------------------------

RULE_2025 = TDS_194A_BANKS_FY2025_26


@pytest.mark.parametrize(
    ("interest", "kwargs", "tds"),
    [
        (6_000_000, {}, 600_000),  # 60,000 > 50,000: 10 % of 60,000
        (5_000_000, {}, 0),  # exactly the threshold: "does not exceed", no deduction
        (5_000_100, {}, 500_000),  # 50,001: 5,000.10 rounded to the rupee
        (6_000_000, {"senior_citizen": True}, 0),  # senior citizen: Rs 1,00,000 from FY 2025-26
        (12_000_000, {"senior_citizen": True}, 1_200_000),
        (6_000_000, {"has_pan": False}, 1_200_000),  # s.206AA: 20 % without PAN
        (6_000_000, {"declaration_15g_15h": True}, 0),
        # earlier credits this year: 30,000 untaxed + 30,000 now -> 6,000 on the whole 60,000
        (3_000_000, {"earlier_interest_in_year_minor": 3_000_000}, 600_000),
        # already deducted 6,000 on 60,000; 10,000 more -> 1,000
        (1_000_000, {"earlier_interest_in_year_minor": 6_000_000, "earlier_tds_in_year_minor": 600_000}, 100_000),
    ],
)
def test_tds_194a_fy_2025_26(interest, kwargs, tds):
    assert tds_on_interest(interest, rule=RULE_2025, **kwargs).tds_minor == tds


def test_tds_thresholds_are_parameters_not_years():
    # FY 2019-20 to 2024-25: Rs 40,000 / senior Rs 50,000
    assert tds_on_interest(4_500_000, rule=TDS_194A_BANKS_FY2019_20).tds_minor == 450_000
    assert tds_on_interest(4_500_000, rule=TDS_194A_BANKS_FY2019_20, senior_citizen=True).tds_minor == 0
    custom = TdsRule(threshold_minor=1_000_000, senior_citizen_threshold_minor=1_000_000, rate_bps=750)
    assert tds_on_interest(2_000_000, rule=custom).tds_minor == 150_000


def test_tds_refuses_negative_amounts():
    with pytest.raises(DomainError) as raised:
        tds_on_interest(-1, rule=RULE_2025)
    assert raised.value.code is ErrorCode.INVALID_AMOUNT


# a year of 60,000 taxed 6,000 (10 %), reduced by an early closure; Rs 50,000 threshold (FY 2025-26 on)
@pytest.mark.parametrize(("reduction", "kwargs", "deducted", "refund"), [
    (1_000_001, {}, 600_000, 600_000),                 # to 49,999.99: nothing was due, all back
    (1_000_000, {}, 600_000, 600_000),                 # to 50,000.00 exactly: does not exceed, all back
    (999_999, {}, 600_000, 100_000),                   # to 50,000.01: 5,000 due, 1,000 back
    (500_000, {}, 600_000, 50_000),                    # to 55,000: 10 % of the reduction
    (0, {}, 600_000, 0),
    (500_000, {"has_pan": False}, 1_200_000, 100_000),  # 20 % both sides
    (1_000_001, {"declaration_15g_15h": True}, 0, 0),   # 15G: nothing due either side
    (1_000_001, {}, 250_000, 250_000),                 # never more than was deducted this year
    (1_000_001, {"senior_citizen": True}, 0, 0),       # 60,000 under the Rs 1 lakh senior threshold
])
def test_tds_refund_on_a_reduction_of_the_years_interest(reduction, kwargs, deducted, refund):
    assert tds_refund_on_reduction(reduction, rule=RULE_2025, interest_in_year_minor=6_000_000,
                                   tds_in_year_minor=deducted, **kwargs) == refund


def test_tds_refund_refuses_a_reduction_above_the_years_interest():
    with pytest.raises(DomainError) as raised:
        tds_refund_on_reduction(6_000_001, rule=RULE_2025, interest_in_year_minor=6_000_000, tds_in_year_minor=0)
    assert raised.value.code is ErrorCode.INVALID_AMOUNT

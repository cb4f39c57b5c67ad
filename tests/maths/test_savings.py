"""Savings interest on the daily product (RBI, co-operative banks, from 1 Apr 2010)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bankcore.errors import DomainError, ErrorCode
from bankcore.interest.daycount import DayCount
from bankcore.interest.savings import (
    CreditFrequency,
    EndOfDayBalance,
    RateChange,
    credit_periods,
    period_end,
    savings_interest,
    savings_interest_by_period,
)

Q1_START, Q1_END = date(2026, 4, 1), date(2026, 6, 30)  # first quarter of FY 2026-27, 91 days


@pytest.mark.parametrize(
    ("balances", "rate", "options", "product", "interest"),
    [
        # 10,000 all quarter at 3.5 %: 10,000 * 91 * 0.035 / 365 = 87.2603 -> 87.26
        ([EndOfDayBalance(Q1_START, 1_000_000)], 350, {}, 91 * 1_000_000, 8_726),
        # 10,000 for 15 days, overdrawn -500 for 15 days (earns nothing), 20,000 for 61 days:
        # product 1,50,000 + 12,20,000 = 13,70,000 rupee-days; * 3.5 % / 365 = 131.3699 -> 131.37
        (
            [
                EndOfDayBalance(Q1_START, 1_000_000),
                EndOfDayBalance(date(2026, 4, 16), -50_000),
                EndOfDayBalance(date(2026, 5, 1), 2_000_000),
            ],
            350,
            {},
            137_000_000,
            13_137,
        ),
        # a minimum balance of 1,000 for interest: the 15 days at 500 earn nothing
        (
            [EndOfDayBalance(Q1_START, 50_000), EndOfDayBalance(date(2026, 4, 16), 1_000_000)],
            400,
            {"min_balance_minor": 100_000},
            76 * 1_000_000,
            # 10,000 * 76 * 0.04 / 365 = 83.2877 -> 83.29
            8_329,
        ),
        # opening balance carried in from before the period, changed on 1 June
        ([EndOfDayBalance(date(2026, 6, 1), 0)], 300, {"opening_balance_minor": 3_650_000}, 61 * 3_650_000, 18_300),
    ],
)
def test_daily_product_worked_examples(balances, rate, options, product, interest):
    result = savings_interest(balances, Q1_START, Q1_END, rate, **options)
    assert result.product_minor == product
    assert result.interest_minor == interest
    assert sum(a.posted_minor for a in result.accruals) == interest
    assert len(result.accruals) == 91


def test_rate_change_in_the_period():
    # 1,00,000 all quarter; 3 % to 30 Apr (30 days), 2.75 % from 1 May (61 days):
    # 1,00,000 * (0.03 * 30 + 0.0275 * 61) / 365 = 246.5753... + 459.5890... = 706.16
    rates = [RateChange(date(2025, 4, 1), 300), RateChange(date(2026, 5, 1), 275)]
    result = savings_interest([EndOfDayBalance(Q1_START, 10_000_000)], Q1_START, Q1_END, rates)
    assert result.interest_minor == 70_616
    assert {a.annual_rate_bps for a in result.accruals[:30]} == {300}
    assert {a.annual_rate_bps for a in result.accruals[30:]} == {275}


@pytest.mark.parametrize(("day_count", "interest"), [(DayCount.ACT_365, 99_726), (DayCount.ACT_ACT, 99_454)])
def test_day_count_in_a_leap_year(day_count, interest):
    # 1,00,000 for Jan-Mar 2024 (91 days) at 4 %: /365 -> 997.26, /366 -> 994.54
    result = savings_interest(
        [EndOfDayBalance(date(2024, 1, 1), 10_000_000)], date(2024, 1, 1), date(2024, 3, 31), 400, day_count=day_count
    )
    assert result.interest_minor == interest


def test_rounding_to_whole_rupees_is_a_parameter():
    result = savings_interest([EndOfDayBalance(Q1_START, 1_000_000)], Q1_START, Q1_END, 350, step_minor=100)
    assert result.interest_minor == 8_700


@pytest.mark.parametrize(
    ("frequency", "expected"),
    [
        (
            CreditFrequency.QUARTERLY,
            [(date(2026, 2, 10), date(2026, 3, 31)), (date(2026, 4, 1), date(2026, 6, 30)), (date(2026, 7, 1), date(2026, 8, 15))],
        ),
        (CreditFrequency.HALF_YEARLY, [(date(2026, 2, 10), date(2026, 3, 31)), (date(2026, 4, 1), date(2026, 8, 15))]),
        (CreditFrequency.YEARLY, [(date(2026, 2, 10), date(2026, 3, 31)), (date(2026, 4, 1), date(2026, 8, 15))]),
    ],
)
def test_credit_periods(frequency, expected):
    assert list(credit_periods(date(2026, 2, 10), date(2026, 8, 15), frequency)) == expected


@pytest.mark.parametrize(
    ("day", "frequency", "end"),
    [
        (date(2026, 5, 5), "quarterly", date(2026, 6, 30)),
        (date(2026, 12, 31), "quarterly", date(2026, 12, 31)),
        (date(2026, 10, 1), "half-yearly", date(2027, 3, 31)),
        (date(2026, 4, 1), "half-yearly", date(2026, 9, 30)),
        (date(2024, 2, 3), "monthly", date(2024, 2, 29)),
    ],
)
def test_period_end(day, frequency, end):
    assert period_end(day, frequency) == end


def test_by_period_splits_the_year():
    results = savings_interest_by_period(
        [EndOfDayBalance(date(2026, 4, 1), 10_000_000)], date(2026, 4, 1), date(2027, 3, 31), 300, "half-yearly"
    )
    assert [(r.start, r.end) for r in results] == [(date(2026, 4, 1), date(2026, 9, 30)), (date(2026, 10, 1), date(2027, 3, 31))]
    # 1,00,000 * 3 % * 183/365 = 1,504.11; * 182/365 = 1,495.89
    assert [r.interest_minor for r in results] == [150_411, 149_589]


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"start": Q1_END, "end": Q1_START, "rates": 300}, ErrorCode.INVALID_DATE),
        ({"start": Q1_START, "end": Q1_END, "rates": -1}, ErrorCode.INVALID_RATE),
        ({"start": Q1_START, "end": Q1_END, "rates": [RateChange(date(2026, 5, 1), 300)]}, ErrorCode.INVALID_RATE),
    ],
)
def test_refusals(kwargs, code):
    with pytest.raises(DomainError) as raised:
        savings_interest([EndOfDayBalance(Q1_START, 100)], **kwargs)
    assert raised.value.code is code


def test_two_balances_for_one_day_are_refused():
    with pytest.raises(DomainError) as raised:
        savings_interest([EndOfDayBalance(Q1_START, 1), EndOfDayBalance(Q1_START, 2)], Q1_START, Q1_END, 300)
    assert raised.value.code is ErrorCode.INVALID_INPUT


@settings(max_examples=100, deadline=None)
@given(
    st.lists(st.tuples(st.integers(0, 90), st.integers(-10**8, 10**10)), max_size=20, unique_by=lambda t: t[0]),
    st.integers(0, 1000),
    st.integers(0, 10**6),
)
def test_accruals_are_never_negative_and_sum_to_the_credit(points, rate, min_balance):
    balances = [EndOfDayBalance(Q1_START + timedelta(days=offset), amount) for offset, amount in points]
    result = savings_interest(balances, Q1_START, Q1_END, rate, min_balance_minor=min_balance)
    assert result.interest_minor >= 0
    assert all(a.posted_minor >= 0 and a.product_minor >= 0 for a in result.accruals)
    assert sum(a.posted_minor for a in result.accruals) == result.interest_minor

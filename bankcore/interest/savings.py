"""Savings-account interest on the daily product, accrued daily, credited by period.

Sources:

* RBI, UCBs - "Payment of Interest on Savings Bank Account on Daily Product Basis"
  (UBD (PCB) BPD Cir. No. 7/13.01.000/2009-10, 1 Sep 2009, and RBI/2009-10/339, 4 Mar
  2010; for StCBs/DCCBs RPCD circular of 12 Oct 2009): from 1 Apr 2010 interest on savings
  deposits is calculated on a daily product basis (the end-of-day balance of every day),
  replacing the minimum balance between the 10th and the last day of the month.
* RBI Master Direction - Co-operative Banks - Interest Rate on Deposits (2016): savings
  interest is credited at quarterly or longer rests, per the bank's policy.
* Formula: interest = sum over days of (end-of-day balance * rate / days in year), with
  ACT/365 the default (IBA practice: 365 days in a leap year too); the day count is a
  parameter. The exact sum is rounded once per credit period (half up).

Days with a negative end-of-day balance (an overdraft) earn nothing; so do days below
``min_balance_minor`` when the product sets one (a product rule, off by default).
Daily accrual postings use cumulative rounding: each day posts the rounded accrued-to-date
minus what was posted before, so the postings are never negative and add up exactly to
the period's credit.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from fractions import Fraction
from itertools import pairwise

from bankcore.errors import DomainError, ErrorCode
from bankcore.interest.daycount import DayCount, days_in_year, each_day
from bankcore.interest.rates import BPS_PER_UNIT, check_rate_bps
from bankcore.interest.rounding import DEPOSIT_ROUNDING, round_minor


class CreditFrequency(StrEnum):
    MONTHLY = "monthly"
    QUARTERLY = "quarterly"  # periods ending 30 Jun, 30 Sep, 31 Dec, 31 Mar
    HALF_YEARLY = "half-yearly"  # periods ending 30 Sep, 31 Mar (Indian financial year)
    YEARLY = "yearly"  # period ending 31 Mar


_PERIOD_END_MONTHS = {
    CreditFrequency.MONTHLY: tuple(range(1, 13)),
    CreditFrequency.QUARTERLY: (3, 6, 9, 12),
    CreditFrequency.HALF_YEARLY: (3, 9),
    CreditFrequency.YEARLY: (3,),
}


@dataclass(frozen=True, slots=True)
class EndOfDayBalance:
    """The end-of-day balance (paisa) from ``on`` until the day before the next entry."""

    on: date
    balance_minor: int


@dataclass(frozen=True, slots=True)
class RateChange:
    """The savings rate from ``effective_from`` on (basis points a year)."""

    effective_from: date
    annual_rate_bps: int


@dataclass(frozen=True, slots=True)
class DailyAccrual:
    """One day: the balance, the part that earns (the day's product), the rate, and the accrual posted that day."""

    day: date
    balance_minor: int
    product_minor: int
    annual_rate_bps: int
    posted_minor: int


@dataclass(frozen=True, slots=True)
class SavingsInterest:
    """Interest for ``start..end`` (inclusive): the sum of daily products and the amount to credit."""

    start: date
    end: date
    product_minor: int
    interest_minor: int
    accruals: tuple[DailyAccrual, ...]


def period_end(day: date, frequency: CreditFrequency | str) -> date:
    """The last day of the credit period containing ``day`` (e.g. quarterly: 30 Jun for 5 May)."""
    months = _PERIOD_END_MONTHS[CreditFrequency(frequency)]
    year, month = day.year, day.month
    while month not in months:
        month += 1
        if month == 13:
            year, month = year + 1, 1
    next_month_first = date(year + (month == 12), month % 12 + 1, 1)
    return next_month_first - timedelta(days=1)


def credit_periods(start: date, end: date, frequency: CreditFrequency | str) -> tuple[tuple[date, date], ...]:
    """Split ``start..end`` (inclusive) at the credit-period ends of ``frequency``.

    Raises ``DomainError(INVALID_DATE)`` if ``end < start``, INVALID_INPUT for an unknown frequency.
    """
    try:
        frequency = CreditFrequency(frequency)
    except ValueError:
        raise DomainError(ErrorCode.INVALID_INPUT, f"unknown credit frequency {frequency!r}", field="frequency") from None
    if end < start:
        raise DomainError(ErrorCode.INVALID_DATE, "period end is before its start", field="end")
    periods = []
    cursor = start
    while cursor <= end:
        stop = min(period_end(cursor, frequency), end)
        periods.append((cursor, stop))
        cursor = stop + timedelta(days=1)
    return tuple(periods)


def _balance_on(points: Sequence[EndOfDayBalance], opening_balance_minor: int):
    ordered = sorted(points, key=lambda p: p.on)
    for a, b in pairwise(ordered):
        if a.on == b.on:
            raise DomainError(ErrorCode.INVALID_INPUT, f"two end-of-day balances for {a.on}", field="balances")
    index = 0
    current = opening_balance_minor

    def balance(day: date) -> int:
        nonlocal index, current
        while index < len(ordered) and ordered[index].on <= day:
            current = ordered[index].balance_minor
            index += 1
        return current

    return balance


def _rate_on(rates: Sequence[RateChange] | int, start: date):
    if isinstance(rates, int):
        check_rate_bps(rates)
        return lambda day: rates
    ordered = sorted(rates, key=lambda r: r.effective_from)
    if not ordered or ordered[0].effective_from > start:
        raise DomainError(ErrorCode.INVALID_RATE, "no savings rate in force at the period start", field="rates")
    for change in ordered:
        check_rate_bps(change.annual_rate_bps)
    index = 0

    def rate(day: date) -> int:
        nonlocal index
        while index + 1 < len(ordered) and ordered[index + 1].effective_from <= day:
            index += 1
        return ordered[index].annual_rate_bps

    return rate


def savings_interest(
    balances: Sequence[EndOfDayBalance],
    start: date,
    end: date,
    rates: Sequence[RateChange] | int,
    *,
    opening_balance_minor: int = 0,
    min_balance_minor: int = 0,
    day_count: DayCount = DayCount.ACT_365,
    rounding: str = DEPOSIT_ROUNDING,
    step_minor: int = 1,
) -> SavingsInterest:
    """Interest on the daily product for ``start..end`` (both inclusive), with its daily accruals.

    ``balances``: end-of-day balances in paisa, each holding until the next (before the
    first one, ``opening_balance_minor``). ``rates``: one rate in basis points, or a list of
    rate changes. A day earns ``balance * rate / (10000 * days_in_year)`` if its balance is
    positive and at least ``min_balance_minor``, else nothing. The period total is rounded
    once (``rounding``, to ``step_minor`` paisa); ``accruals[i].posted_minor`` sum to it.
    Raises ``DomainError``: INVALID_DATE (``end < start``), INVALID_RATE (bad rate, or none
    in force at ``start``), INVALID_INPUT (two balances for one day).
    Source: RBI daily-product circulars for co-operative banks (2009/2010); see module docstring.
    """
    if end < start:
        raise DomainError(ErrorCode.INVALID_DATE, "period end is before its start", field="end")
    balance_on = _balance_on(balances, opening_balance_minor)
    rate_on = _rate_on(rates, start)
    exact = Fraction(0)
    posted_so_far = 0
    product_total = 0
    accruals = []
    for day in each_day(start, end):
        balance = balance_on(day)
        rate = rate_on(day)
        product = balance if balance > 0 and balance >= min_balance_minor else 0
        product_total += product
        exact += Fraction(product * rate, BPS_PER_UNIT * days_in_year(day, day_count))
        accrued = round_minor(exact, rounding, step_minor=step_minor)
        accruals.append(DailyAccrual(day, balance, product, rate, accrued - posted_so_far))
        posted_so_far = accrued
    return SavingsInterest(start, end, product_total, posted_so_far, tuple(accruals))


def savings_interest_by_period(
    balances: Sequence[EndOfDayBalance],
    start: date,
    end: date,
    rates: Sequence[RateChange] | int,
    frequency: CreditFrequency | str = CreditFrequency.QUARTERLY,
    **options,
) -> tuple[SavingsInterest, ...]:
    """``savings_interest`` for each credit period of ``frequency`` within ``start..end``.

    Credited interest is *not* added to later balances here: the credit is a ledger entry,
    and the caller's end-of-day balances after it already include it. Options and errors
    as ``savings_interest``.
    """
    return tuple(savings_interest(balances, a, b, rates, **options) for a, b in credit_periods(start, end, frequency))

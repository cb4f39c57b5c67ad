"""Interest periods of a fixed deposit that pays out (monthly or quarterly), and the interest
accrued on any deposit to a date: pure maths, no database.

Sources (Indian bank practice, e.g. SBI's and Bank of Baroda's published methods):

* Quarterly payout: ``P * r / 4`` for each complete quarter from the deposit date.
* Monthly payout at the *discounted* monthly rate: the quarter's interest ``P * r/4`` paid
  in three monthly parts, each discounted for the months it is paid early, so
  ``m = P * (r/4) / (1 + (1 + r/12) + (1 + r/12)**2)`` (1,00,000 at 7 % -> 579.94 a month).
* A last period shorter than a whole month or quarter earns simple interest for its
  actual days, ``P * r * d / 365``.

Amounts in paisa, rates in basis points; each period's interest is rounded once, half up.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from bankcore.deposits.term import growth_factor, rd_maturity
from bankcore.interest.rates import BPS_PER_UNIT
from bankcore.interest.rounding import DEPOSIT_ROUNDING, round_minor, working_context
from bankcore.loans.dates import add_months, months_between

MONTHLY = "MONTHLY"
QUARTERLY = "QUARTERLY"
_STEP = {MONTHLY: 1, QUARTERLY: 3}


@dataclass(frozen=True, slots=True)
class PayoutPeriod:
    """One interest payout: the period ``start``..``end`` (paid on ``end``) and its interest."""

    start: date
    end: date
    interest_minor: int
    whole: bool


def _simple(principal_minor: int, rate_bps: int, start: date, end: date) -> int:
    with working_context():
        rate = Decimal(rate_bps) / BPS_PER_UNIT
        return round_minor(principal_minor * rate * (end - start).days / 365, DEPOSIT_ROUNDING)


def whole_period_interest(principal_minor: int, rate_bps: int, payout: str) -> int:
    """Interest of one whole month (discounted) or quarter for ``principal_minor`` at ``rate_bps``."""
    with working_context():
        rate = Decimal(rate_bps) / BPS_PER_UNIT
        quarter = principal_minor * rate / 4
        if payout == QUARTERLY:
            return round_minor(quarter, DEPOSIT_ROUNDING)
        month = 1 + rate / 12
        return round_minor(quarter / (1 + month + month * month), DEPOSIT_ROUNDING)


def payout_schedule(principal_minor: int, rate_bps: int, opened_on: date, maturity_date: date,
                    payout: str) -> list[PayoutPeriod]:
    """Every payout of a deposit from ``opened_on`` to ``maturity_date``, in order.

    Periods end on the monthly or quarterly anniversaries of the deposit date; a shorter
    last period ends on the maturity date and earns simple interest for its days.
    """
    step = _STEP[payout]
    periods: list[PayoutPeriod] = []
    k = 1
    start = opened_on
    while start < maturity_date:
        end = add_months(opened_on, k * step)
        if end <= maturity_date:
            periods.append(PayoutPeriod(start, end, whole_period_interest(principal_minor, rate_bps, payout), True))
        else:
            periods.append(PayoutPeriod(start, maturity_date, _simple(principal_minor, rate_bps, start, maturity_date),
                                        False))
            end = maturity_date
        start = end
        k += 1
    return periods


def cumulative_value(principal_minor: int, rate_bps: int, opened_on: date, as_of: date) -> int:
    """What a cumulative FD is worth on ``as_of`` (quarterly compounding, ``term.growth_factor``), rounded half up."""
    if as_of <= opened_on:
        return principal_minor
    factor = growth_factor(rate_bps, opened_on, as_of)
    with working_context():
        return round_minor(principal_minor * factor, DEPOSIT_ROUNDING)


def accrued_interest(*, kind: str, payout: str, principal_minor: int, rate_bps: int, opened_on: date,
                     as_of: date, interest_credited_minor: int, last_payout_on: date | None,
                     instalments_paid: int = 0) -> int:
    """Interest earned by ``as_of`` and not yet credited (for the month-end accrual entry).

    Cumulative FD: value on ``as_of`` less principal less interest credited. Payout FD:
    simple interest since the last payout. RD: the IBA maturity interest of the
    instalments paid over the whole months run (an estimate; exact at maturity).
    Never negative.
    """
    if as_of <= opened_on:
        return 0
    if kind == "RECURRING":
        months = min(months_between(opened_on, as_of), max(instalments_paid, 0))
        if months < 1 or instalments_paid < 1:
            return 0
        earned = rd_maturity(principal_minor, rate_bps, months).interest_minor
        return max(0, earned - interest_credited_minor)
    if payout in _STEP:
        return _simple(principal_minor, rate_bps, last_payout_on or opened_on, as_of)
    return max(0, cumulative_value(principal_minor, rate_bps, opened_on, as_of) - principal_minor
               - interest_credited_minor)


def financial_year(day: date) -> int:
    """India's financial year (April to March) containing ``day``, named by its starting year."""
    return day.year if day.month >= 4 else day.year - 1


def age_on(date_of_birth: date | None, day: date) -> int | None:
    """Completed years of age on ``day``; None without a date of birth."""
    if date_of_birth is None:
        return None
    years = day.year - date_of_birth.year
    if (day.month, day.day) < (date_of_birth.month, date_of_birth.day):
        years -= 1
    return years

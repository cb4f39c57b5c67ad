"""The start of a schedule: the first repayment date (the anchor) and the broken-period
interest from disbursal to it.

Instalment ``k`` is due ``k`` months after the anchor, on the repayment day clamped to the
month's end; interest for the days before the anchor is the "broken period interest" /
"pre-EMI interest" of Indian bank loan agreements. Pure functions over integer paisa.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from bankcore.errors import DomainError, ErrorCode
from bankcore.interest.daycount import DayCount, year_fraction
from bankcore.interest.rates import BPS_PER_UNIT, check_rate_bps
from bankcore.interest.rounding import SCHEDULE_ROUNDING, round_minor, working_context
from bankcore.loans.dates import add_months, clamp_day


def first_repayment_anchor(disbursal_date: date, repayment_day: int | None) -> date:
    """The first date on ``repayment_day`` (clamped to month end) on or after disbursal.

    With no repayment day, the disbursal date itself. Instalment ``k`` is due ``k`` months
    after this anchor. Raises ``DomainError(INVALID_DATE)`` for a day outside 1..31.
    """
    if repayment_day is None:
        return disbursal_date
    if type(repayment_day) is not int or not 1 <= repayment_day <= 31:
        raise DomainError(ErrorCode.INVALID_DATE, "repayment day must be 1-31", field="repayment_day")
    anchor = clamp_day(disbursal_date.year, disbursal_date.month, repayment_day)
    if anchor < disbursal_date:
        anchor = add_months(anchor, 1, day=repayment_day)
    return anchor


def broken_period_interest_minor(
    principal_minor: int, annual_rate_bps: int, start: date, end: date, day_count: DayCount = DayCount.ACT_365
) -> int:
    """Simple interest for the broken period: ``P * rate * days / year days``, rounded half up.

    Source: the broken-period (pre-EMI) interest clause of Indian bank loan agreements;
    day count per the product (ACT/365 by default). Zero when ``end <= start``.
    """
    fraction = year_fraction(start, end, day_count)
    with working_context():
        exact = (
            Decimal(principal_minor)
            * Decimal(check_rate_bps(annual_rate_bps))
            / BPS_PER_UNIT
            * Decimal(fraction.numerator)
            / Decimal(fraction.denominator)
        )
    return round_minor(exact, SCHEDULE_ROUNDING)

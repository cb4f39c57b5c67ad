"""Day-count conventions: how many days make the year that divides a day's interest.

Indian banks compute deposit and savings interest on actual days over a 365-day year
(``ACT_365``, the default, also used in leap years by most banks); some count 366 days in
a leap year (``ACT_ACT``); money-market products use ``ACT_360``.
"""

from __future__ import annotations

import calendar
from datetime import date, timedelta
from enum import StrEnum
from fractions import Fraction


class DayCount(StrEnum):
    ACT_365 = "ACT/365"  # actual days / 365, leap year or not
    ACT_ACT = "ACT/ACT"  # actual days / 365 or 366 (the year the day falls in)
    ACT_360 = "ACT/360"  # actual days / 360


def days_in_year(day: date, convention: DayCount) -> int:
    """The denominator for one day's interest on ``day`` under ``convention``."""
    if convention is DayCount.ACT_360:
        return 360
    if convention is DayCount.ACT_ACT and calendar.isleap(day.year):
        return 366
    return 365


def year_fraction(start: date, end: date, convention: DayCount) -> Fraction:
    """Exact fraction of a year from ``start`` (inclusive) to ``end`` (exclusive).

    Sum of 1/``days_in_year(d)`` over each day; for ACT/365 simply ``days / 365``.
    """
    if end <= start:
        return Fraction(0)
    if convention is not DayCount.ACT_ACT:
        return Fraction((end - start).days, days_in_year(start, convention))
    total = Fraction(0)
    cursor = start
    while cursor < end:
        year_end = date(cursor.year + 1, 1, 1)
        stop = min(end, year_end)
        total += Fraction((stop - cursor).days, days_in_year(cursor, convention))
        cursor = stop
    return total


def each_day(start: date, end: date):
    """Yield every date from ``start`` to ``end``, both inclusive."""
    day = start
    while day <= end:
        yield day
        day += timedelta(days=1)

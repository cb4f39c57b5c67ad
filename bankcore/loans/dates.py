"""Month arithmetic for due dates, with month ends handled (stdlib only).

A monthly due date is always computed from a fixed anchor and a repayment day, never
by chaining: 31 Jan -> 28/29 Feb -> 31 Mar, not 28 Mar.
"""

from __future__ import annotations

import calendar
from datetime import date

from bankcore.errors import DomainError, ErrorCode


def clamp_day(year: int, month: int, day: int) -> date:
    """The date ``day`` of ``month``, or the month's last day if it is shorter (31 -> 30/28/29)."""
    return date(year, month, min(day, calendar.monthrange(year, month)[1]))


def add_months(start: date, months: int, *, day: int | None = None) -> date:
    """``start`` moved by ``months`` calendar months, on ``day`` (default ``start.day``), clamped to month end.

    Raises ``DomainError(INVALID_DATE)`` if the day is not 1..31 or the result leaves the calendar.
    """
    target_day = start.day if day is None else day
    if not 1 <= target_day <= 31:
        raise DomainError(ErrorCode.INVALID_DATE, "day of month must be 1-31", field="repayment_day")
    index = start.year * 12 + (start.month - 1) + months
    year, month_index = divmod(index, 12)
    if not 1 <= year <= 9999:
        raise DomainError(ErrorCode.INVALID_DATE, "date out of range", field="date")
    return clamp_day(year, month_index + 1, target_day)


def months_between(start: date, end: date) -> int:
    """Whole months ``m`` with ``add_months(start, m) <= end`` (0 if ``end < start``)."""
    if end < start:
        return 0
    months = (end.year - start.year) * 12 + (end.month - start.month)
    while months > 0 and add_months(start, months) > end:
        months -= 1
    return months

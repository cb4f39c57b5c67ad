"""Due dates of a standing instruction: pure, no database."""

from __future__ import annotations

import calendar
from datetime import date

from bankcore.models.instructions import InstructionFrequency

_STEP_MONTHS = {InstructionFrequency.MONTHLY: 1, InstructionFrequency.QUARTERLY: 3}


def clamped(year: int, month: int, day_of_month: int) -> date:
    """``day_of_month`` of that month, or the month's last day when it has fewer (31 -> 30 Apr, 29 Feb / 28 Feb)."""
    return date(year, month, min(day_of_month, calendar.monthrange(year, month)[1]))


def _add_months(year: int, month: int, months: int) -> tuple[int, int]:
    index = year * 12 + month - 1 + months
    return index // 12, index % 12 + 1


def first_due(start: date, day_of_month: int) -> date:
    """The first due date on or after ``start``: this month's day if not past, else next month's."""
    due = clamped(start.year, start.month, day_of_month)
    if due >= start:
        return due
    year, month = _add_months(start.year, start.month, 1)
    return clamped(year, month, day_of_month)


def next_due(due: date, day_of_month: int, frequency: InstructionFrequency | str) -> date:
    """The due date after ``due``: one (monthly) or three (quarterly) months on, clamped again."""
    year, month = _add_months(due.year, due.month, _STEP_MONTHS[InstructionFrequency(frequency)])
    return clamped(year, month, day_of_month)

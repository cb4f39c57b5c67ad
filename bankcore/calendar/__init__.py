"""The bank's calendar: business date, day-end (close of business) runner and step registry.

Domains plug their steps in with ``@day_end_step`` (``registry.py``); the runner
(``runner.py``) never imports them. See ARCHITECTURE.md 3a.
"""

from bankcore.calendar.business_date import business_date, ensure_calendar, set_business_date_at_least
from bankcore.calendar.registry import (
    DayEndStep,
    StepContext,
    day_end_step,
    every_day,
    is_financial_year_end,
    is_half_year_end,
    is_month_end,
    is_quarter_end,
    registered_steps,
)

__all__ = [
    "DayEndStep",
    "StepContext",
    "business_date",
    "day_end_step",
    "ensure_calendar",
    "every_day",
    "is_financial_year_end",
    "is_half_year_end",
    "is_month_end",
    "is_quarter_end",
    "registered_steps",
    "set_business_date_at_least",
]

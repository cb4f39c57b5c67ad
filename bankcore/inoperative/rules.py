"""The dates of the inoperative rule: pure, no database.

Sources: RBI Master Direction on KYC (s.38) and RBI circular on inoperative accounts
(RBI/2023-24/105, 2024): an account with no customer-induced transaction for over two
years is inoperative; the bank tells the customer in advance (three months before, a
common UCB practice) and reactivates it only after a KYC check.
"""

from __future__ import annotations

import calendar
from datetime import date


def months_before(day: date, months: int) -> date:
    """The same day ``months`` calendar months earlier, clamped to the month's end (31 May - 3 = 28/29 Feb)."""
    index = day.year * 12 + day.month - 1 - months
    year, month = index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def inoperative_cutoff(day: date, after_months: int) -> date:
    """An active account whose last customer-induced transaction is on or before this date becomes inoperative on ``day``."""
    return months_before(day, after_months)


def notice_cutoff(day: date, after_months: int, notice_months: int) -> date:
    """An account whose last customer-induced transaction is on or before this date is told on ``day``
    that it will become inoperative in ``notice_months`` months."""
    return months_before(day, after_months - notice_months)

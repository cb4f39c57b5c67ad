"""When a member's KYC is due again: the verification date plus whole years by risk category.

Pure date arithmetic (no ORM). RBI's KYC Master Direction (s.38) asks for periodic
updation at least every 2 / 8 / 10 years for high / medium / low risk, counted from the
last KYC; the years are settings (``bankcore.members.settings.RE_KYC_YEARS``).
"""

from __future__ import annotations

from datetime import date


def add_years(day: date, years: int) -> date:
    """The same calendar day ``years`` later; 29 February falls back to 28 February (the
    earlier date, so a renewal is never late by a day)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def re_kyc_due_on(verified_on: date, years: int) -> date:
    """The date KYC verified on ``verified_on`` must be renewed by, ``years`` (>= 1) later."""
    if years < 1:
        raise ValueError("re-KYC period must be at least one year")
    return add_years(verified_on, years)

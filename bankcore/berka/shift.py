"""Moving the Berka data by whole years, so a demo tells a story of today (pure, no database).

``coopbank import-berka --shift-years N`` adds N years to every date of the data: account
openings, transactions, loans' grant dates, cards' issue dates and members' dates of birth (so
ages stay what the data says). Weekdays move; intervals do not, except across 29 February.

The rule for 29 February: with N a multiple of 4 a leap day lands on a leap day (except across a
century year that is not a leap year, e.g. 2100), so the demo's 32 keeps every date. A shift
that would put a date on 29 February of a common year is refused (``INVALID_DATE``), never
silently moved to 28 February or 1 March: that would reorder a day's transactions or merge two
days of the history the reconciliation checks against.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from bankcore.berka.parse import BerkaData
from bankcore.errors import DomainError, ErrorCode

MAX_SHIFT_YEARS = 200


def shift_date(day: date, years: int) -> date:
    """``day`` moved by ``years`` whole years; raises ``DomainError(INVALID_DATE)`` for 29 February into a common year."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        raise DomainError(
            ErrorCode.INVALID_DATE,
            f"shifting by {years} years moves {day.isoformat()} to 29 February of {day.year + years}, "
            "which is not a leap year: shift by a multiple of 4 years",
        ) from None


def shift_years(data: BerkaData, years: int) -> BerkaData:
    """The same data set with every date moved by ``years`` (see the module docstring).

    Raises ``DomainError(INVALID_INPUT)`` for a shift beyond ``MAX_SHIFT_YEARS`` and
    ``DomainError(INVALID_DATE)`` when a 29 February would land in a common year.
    """
    if not -MAX_SHIFT_YEARS <= years <= MAX_SHIFT_YEARS:
        raise DomainError(ErrorCode.INVALID_INPUT, f"shift by at most {MAX_SHIFT_YEARS} years either way")
    if years == 0:
        return data
    # Each distinct date is shifted once: a million transactions share a few thousand days.
    moved: dict[date, date] = {}

    def s(day: date) -> date:
        found = moved.get(day)
        if found is None:
            found = moved[day] = shift_date(day, years)
        return found

    return BerkaData(
        districts=data.districts,
        clients=tuple(replace(c, date_of_birth=s(c.date_of_birth)) for c in data.clients),
        accounts=tuple(replace(a, opened_on=s(a.opened_on)) for a in data.accounts),
        dispositions=data.dispositions,
        loans=tuple(replace(loan, granted_on=s(loan.granted_on)) for loan in data.loans),
        orders=data.orders,
        cards=tuple(replace(c, issued_on=s(c.issued_on)) for c in data.cards),
        transactions=tuple(replace(t, on=s(t.on)) for t in data.transactions),
    )

"""What a loan repayment schedule is made of: its terms, its rows and the schedule itself.

Value types only (integer paisa, rates in basis points); the rules that fill them are in
``bankcore.loans.schedule`` (building) and ``bankcore.loans.schedule_changes`` (changing).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from bankcore.errors import DomainError, ErrorCode
from bankcore.interest.daycount import DayCount
from bankcore.loans.dates import add_months


class ScheduleMethod(StrEnum):
    REDUCING = "reducing"
    FLAT = "flat"
    EQUAL_PRINCIPAL = "equal-principal"


class PrepaymentMode(StrEnum):
    REDUCE_TENURE = "reduce-tenure"  # keep the instalment, finish earlier
    REDUCE_EMI = "reduce-emi"  # keep the remaining number of instalments, pay less each


@dataclass(frozen=True, slots=True)
class Instalment:
    """One row of a schedule; all amounts in paisa. ``closing = opening - principal``."""

    number: int
    due_date: date
    opening_minor: int
    instalment_minor: int
    interest_minor: int
    principal_minor: int
    closing_minor: int


@dataclass(frozen=True, slots=True)
class LoanTerms:
    """What a schedule is built from.

    ``principal_minor`` paisa disbursed on ``disbursal_date`` at ``annual_rate_bps`` for
    ``tenure_months`` instalments (moratorium months included) falling on
    ``repayment_day`` (default: the disbursal day). ``emi_step_minor`` rounds the EMI to a
    multiple of that many paisa (100 = whole rupees).
    """

    principal_minor: int
    annual_rate_bps: int
    tenure_months: int
    disbursal_date: date
    repayment_day: int | None = None
    method: ScheduleMethod = ScheduleMethod.REDUCING
    moratorium_months: int = 0
    charge_broken_period: bool = True
    day_count: DayCount = DayCount.ACT_365
    emi_step_minor: int = 1


@dataclass(frozen=True, slots=True)
class Schedule:
    """A repayment schedule and the facts needed to recompute its tail.

    ``emi_minor`` and ``annual_rate_bps`` are those of the latest segment (after a
    reschedule or prepayment). ``prepaid_minor`` is principal repaid outside the rows, so
    ``sum(row.principal_minor) + prepaid_minor == principal_minor`` always holds.
    """

    rows: tuple[Instalment, ...]
    method: ScheduleMethod
    annual_rate_bps: int
    emi_minor: int
    principal_minor: int
    anchor_date: date
    repayment_day: int
    broken_period_days: int
    broken_period_interest_minor: int
    broken_period_in_first_instalment: bool
    moratorium_until_number: int = 0
    prepaid_minor: int = 0
    emi_step_minor: int = 1

    @property
    def total_interest_minor(self) -> int:
        return sum(row.interest_minor for row in self.rows)

    @property
    def total_instalments_minor(self) -> int:
        return sum(row.instalment_minor for row in self.rows)

    def due_date(self, number: int) -> date:
        """Due date of instalment ``number`` (1-based) on this schedule's calendar."""
        return add_months(self.anchor_date, number, day=self.repayment_day)


def check_method(method: ScheduleMethod | str) -> ScheduleMethod:
    """``method`` as a ``ScheduleMethod``; ``DomainError(INVALID_INPUT)`` if it names none."""
    try:
        return ScheduleMethod(method)
    except ValueError:
        raise DomainError(ErrorCode.INVALID_INPUT, f"unknown schedule method {method!r}", field="method") from None


def check_count(value: int, field: str, *, minimum: int = 0) -> int:
    """``value`` if it is an integer >= ``minimum`` (a count of months or paisa), else
    ``DomainError(INVALID_INPUT)`` on ``field``."""
    if type(value) is not int or value < minimum:
        raise DomainError(ErrorCode.INVALID_INPUT, f"{field} must be an integer >= {minimum}", field=field)
    return value

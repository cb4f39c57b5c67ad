"""The day-end step registry: domains register their close-of-business steps here.

The runner knows no domain. A domain (savings, loans, deposits, payments, ...) declares
each of its steps with ``@day_end_step`` in its own ``day_end.py``; the modules taking
part are listed in ``bankcore.day_end_plan``. A step is an ``async`` function taking a
``StepContext`` and returning how many rows it wrote or changed. It must be idempotent
for its business date: a crash can make it run twice (use ``ctx.idempotency_key`` on
every entry it posts, or a set-based guard such as ``NOT EXISTS``), and it should be
set-based SQL over all accounts, not a Python loop over them (ARCHITECTURE.md 3a).

Positions order the day; leave gaps so a domain can slot steps in between. Bands:

====  ===============================================================
100   money that must settle first: expired holds voided (payments)
200   loans: disbursals falling due, repayment collections
300   standing instructions (member instructions, RD instalments)
400   loans: accrual, penal charges, days past due and asset class
500   savings interest: accrual, period-end credit
600   term deposits: payouts, maturity, TDS
700   account status: inoperative marking, notices
800   month-end books: accrual entries, provisioning
900   notifications and housekeeping
====  ===============================================================
"""

from __future__ import annotations

import calendar as _calendar
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import date

StepFunction = Callable[["StepContext"], Awaitable[int]]


@dataclass(frozen=True, slots=True)
class StepContext:
    """What a step is told about the day it closes.

    ``business_date`` is the date being closed (the bank's business date has already
    moved to the day after, so steps post with ``value_date=ctx.business_date`` as a
    permitted back-value). ``report(done, total)`` feeds the progress bar and the Day-end
    page; call it as often as is useful (``total`` may be None when unknown).
    """

    business_date: date
    run_id: int
    step: str
    initiator: str
    report: Callable[[int, int | None], None] = field(default=lambda done, total: None)

    def idempotency_key(self, ref: object) -> str:
        """A key unique to this date, step and ``ref`` (e.g. an account id): ``eod:1994-03-31:savings.credit_interest:42``."""
        return f"eod:{self.business_date.isoformat()}:{self.step}:{ref}"[:100]


def every_day(day: date) -> bool:
    return True


def is_month_end(day: date) -> bool:
    return day.day == _calendar.monthrange(day.year, day.month)[1]


def is_quarter_end(day: date) -> bool:
    """31 Mar, 30 Jun, 30 Sep, 31 Dec: the calendar quarters on which Indian banks credit savings interest."""
    return day.month in (3, 6, 9, 12) and is_month_end(day)


def is_half_year_end(day: date) -> bool:
    return day.month in (3, 9) and is_month_end(day)


def is_financial_year_end(day: date) -> bool:
    """31 March: the end of India's financial year (April to March)."""
    return day.month == 3 and day.day == 31


@dataclass(frozen=True, slots=True)
class DayEndStep:
    """A named step of the close of business."""

    name: str
    position: int
    run: StepFunction
    description: str
    runs_on: Callable[[date], bool] = every_day


_STEPS: dict[str, DayEndStep] = {}


def day_end_step(
    name: str, *, position: int, description: str, runs_on: Callable[[date], bool] = every_day
) -> Callable[[StepFunction], StepFunction]:
    """Register the decorated function as day-end step ``name`` (dotted, e.g. ``savings.credit_interest``).

    ``position`` orders it within the day (see the bands above); ``runs_on(day)`` says on
    which dates it runs (default every day). Registering the same name twice with another
    function raises ``ValueError`` (two steps cannot share a name: the name is their record).
    """

    def register(fn: StepFunction) -> StepFunction:
        existing = _STEPS.get(name)
        if existing is not None and existing.run is not fn and existing.run.__qualname__ != fn.__qualname__:
            raise ValueError(f"day-end step {name!r} is already registered")
        _STEPS[name] = DayEndStep(name=name, position=position, run=fn, description=description, runs_on=runs_on)
        return fn

    return register


def registered_steps() -> list[DayEndStep]:
    """Every registered step, in the order of the day (position, then name)."""
    return sorted(_STEPS.values(), key=lambda s: (s.position, s.name))


def unregister_step(name: str) -> None:
    """Remove a step (tests that register steps of their own)."""
    _STEPS.pop(name, None)

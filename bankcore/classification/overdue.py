"""Days past due from a loan's history of demands and repayments.

Source: RBI "Prudential norms on Income Recognition, Asset Classification and
Provisioning pertaining to Advances - Clarifications" (DOR.STR.REC.68/21.04.048/2021-22,
12 Nov 2021, addressed also to primary (urban), state and central co-operative banks):
an amount is overdue if not paid on its due date, flagged by the day-end process of that
date; the account is SMA-1 "upon completion of 30 days of being continuously overdue".
Its worked example: due 31 Mar 2021, unpaid -> overdue from 31 Mar; SMA-1 at the day-end
of 30 Apr; SMA-2 on 30 May; NPA on 29 Jun 2021. So at the day-end of ``as_of`` the days
past due are ``(as_of - overdue date) + 1``: 1 on the due date itself, 31 on 30 Apr.

Repayments settle demands oldest first (Indian Contract Act s.61), so the overdue date is
the due date of the oldest demand not yet fully paid.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from bankcore.errors import DomainError, ErrorCode


@dataclass(frozen=True, slots=True)
class Demand:
    """An amount (paisa) falling due on ``due_date`` (an instalment, or interest charged to the account)."""

    due_date: date
    amount_minor: int


@dataclass(frozen=True, slots=True)
class Repayment:
    """An amount (paisa) received on ``paid_on``, before that day's day-end."""

    paid_on: date
    amount_minor: int


@dataclass(frozen=True, slots=True)
class OverdueState:
    """At the day-end of ``as_of``: arrears, the oldest unpaid due date, and days past due (0 if none)."""

    as_of: date
    arrears_minor: int
    overdue_since: date | None
    days_past_due: int


def _check(demands: Sequence[Demand], repayments: Sequence[Repayment]) -> None:
    for item in (*demands, *repayments):
        if type(item.amount_minor) is not int or item.amount_minor < 0:
            raise DomainError(ErrorCode.INVALID_AMOUNT, "demand and repayment amounts must be >= 0", field="amount")


def overdue_state(demands: Sequence[Demand], repayments: Sequence[Repayment], as_of: date) -> OverdueState:
    """The overdue position at the day-end of ``as_of`` (see module docstring for the rule).

    Arrears = demands due on or before ``as_of`` - repayments on or before ``as_of``
    (never below 0; an advance is not negative arrears). Raises ``DomainError(INVALID_AMOUNT)``
    for a negative amount. Source: RBI IRACP clarifications, 12 Nov 2021.
    """
    _check(demands, repayments)
    paid = sum(r.amount_minor for r in repayments if r.paid_on <= as_of)
    cumulative = 0
    due_total = 0
    overdue_since = None
    for demand in sorted(demands, key=lambda d: d.due_date):
        if demand.due_date > as_of:
            break
        due_total += demand.amount_minor
        cumulative += demand.amount_minor
        if overdue_since is None and cumulative > paid:
            overdue_since = demand.due_date
    arrears = max(0, due_total - paid)
    if arrears == 0:
        return OverdueState(as_of, 0, None, 0)
    return OverdueState(as_of, arrears, overdue_since, (as_of - overdue_since).days + 1)


def days_past_due(demands: Sequence[Demand], repayments: Sequence[Repayment], as_of: date) -> int:
    """Days past due at the day-end of ``as_of`` (0 when nothing is overdue). See ``overdue_state``."""
    return overdue_state(demands, repayments, as_of).days_past_due


def first_day_reaching(
    demands: Sequence[Demand], repayments: Sequence[Repayment], as_of: date, threshold_days: int
) -> date | None:
    """The first day of the current unbroken spell of arrears on which days past due reached ``threshold_days``.

    A spell ends only when all arrears are cleared (RBI: an NPA is upgraded only when the
    entire arrears of interest and principal are paid), so a part-payment that lowers the
    days past due does not end it. None if the spell (or no spell) never reached it by
    ``as_of``. Source: RBI IRACP clarifications, 12 Nov 2021.
    """
    events = sorted(
        {d.due_date for d in demands if d.due_date <= as_of} | {r.paid_on for r in repayments if r.paid_on <= as_of}
    )
    reached: date | None = None
    for index, day in enumerate(events):
        state = overdue_state(demands, repayments, day)
        if state.arrears_minor == 0:
            reached = None
            continue
        if reached is not None:
            continue
        interval_end = events[index + 1] - timedelta(days=1) if index + 1 < len(events) else as_of
        trigger = max(day, state.overdue_since + timedelta(days=threshold_days - 1))
        if trigger <= interval_end:
            reached = trigger
    return reached

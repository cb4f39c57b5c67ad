"""Loan repayment schedules: reducing-balance EMI, flat rate and equal principal.

Pure functions over integer paisa. Each row of a ``Schedule`` is an ``Instalment``:
number, due date, opening principal, instalment, interest, principal, closing principal.

Rules, and where they come from:

* Reducing balance: EMI = P*r*(1+r)**n / ((1+r)**n - 1), ``r`` = annual rate / 12 (the
  standard annuity formula, ``bankcore.loans.emi``); each month's interest is the opening
  principal * r; the rest of the EMI repays principal.
* Flat rate (add-on): total interest = P * annual rate * months / 12 on the *original*
  principal, spread evenly; the instalment is (P + total interest) / n. RBI's Key Facts
  Statement circular (RBI/2024-25/18, 15 Apr 2024) requires lenders to show the APR for
  such loans because the flat rate understates the cost.
* Equal principal (equal instalments of principal): principal P / n each month plus
  interest on the opening principal * r; the instalment falls each month.
* Rounding: the EMI is rounded once (``SCHEDULE_ROUNDING`` = ROUND_HALF_UP, optionally to a
  whole-rupee ``emi_step_minor``), each month's interest is rounded half up to the paisa,
  shares of a fixed total (flat interest, equal principal) are rounded down
  (``SHARE_ROUNDING``), and the last instalment absorbs every difference so the closing
  principal is exactly 0. The principal column therefore sums to P exactly.
* Due dates: instalment ``k`` falls on the repayment day of the ``k``-th month after the
  *anchor* (the first repayment day on or after disbursal), clamped to the month's end
  (31 Jan -> 28/29 Feb -> 31 Mar). Never chained from the previous due date.
* Broken period: interest from disbursal to the anchor, P * rate * days / 365 (day count a
  parameter), added to the first instalment (or reported for separate collection).
  This is the "broken period interest" / "pre-EMI interest" of Indian bank loan agreements.
* Moratorium: the first ``moratorium_months`` instalments are interest only (principal
  moratorium); the principal then amortises over the remaining months.
* Rescheduling (``reschedule``) and part-prepayment (``prepay``, reduce tenure or reduce EMI)
  keep the rows already due and recompute the rest from the outstanding principal.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from enum import StrEnum

from bankcore.errors import DomainError, ErrorCode
from bankcore.interest.daycount import DayCount, year_fraction
from bankcore.interest.rates import BPS_PER_UNIT, check_rate_bps
from bankcore.interest.rounding import (
    SCHEDULE_ROUNDING,
    SHARE_ROUNDING,
    round_minor,
    working_context,
)
from bankcore.loans.dates import add_months, clamp_day
from bankcore.loans.emi import (
    check_principal_minor,
    check_tenure_months,
    emi_minor,
    monthly_rate,
)


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


def _check_method(method: ScheduleMethod | str) -> ScheduleMethod:
    try:
        return ScheduleMethod(method)
    except ValueError:
        raise DomainError(ErrorCode.INVALID_INPUT, f"unknown schedule method {method!r}", field="method") from None


def _check_count(value: int, field: str, *, minimum: int = 0) -> int:
    if type(value) is not int or value < minimum:
        raise DomainError(ErrorCode.INVALID_INPUT, f"{field} must be an integer >= {minimum}", field=field)
    return value


def first_repayment_anchor(disbursal_date: date, repayment_day: int | None) -> date:
    """The first date on ``repayment_day`` (clamped to month end) on or after disbursal.

    With no repayment day, the disbursal date itself. Instalment ``k`` is due ``k`` months
    after this anchor. Raises ``DomainError(INVALID_DATE)`` for a day outside 1..31.
    """
    if repayment_day is None:
        return disbursal_date
    if type(repayment_day) is not int or not 1 <= repayment_day <= 31:
        raise DomainError(ErrorCode.INVALID_DATE, "repayment day must be 1-31", field="repayment_day")
    anchor = clamp_day(disbursal_date.year, disbursal_date.month, repayment_day)
    if anchor < disbursal_date:
        anchor = add_months(anchor, 1, day=repayment_day)
    return anchor


def broken_period_interest_minor(
    principal_minor: int, annual_rate_bps: int, start: date, end: date, day_count: DayCount = DayCount.ACT_365
) -> int:
    """Simple interest for the broken period: ``P * rate * days / year days``, rounded half up.

    Source: the broken-period (pre-EMI) interest clause of Indian bank loan agreements;
    day count per the product (ACT/365 by default). Zero when ``end <= start``.
    """
    fraction = year_fraction(start, end, day_count)
    with working_context():
        exact = (
            Decimal(principal_minor)
            * Decimal(check_rate_bps(annual_rate_bps))
            / BPS_PER_UNIT
            * Decimal(fraction.numerator)
            / Decimal(fraction.denominator)
        )
    return round_minor(exact, SCHEDULE_ROUNDING)


def _amortise(
    *,
    opening_minor: int,
    annual_rate_bps: int,
    count: int,
    method: ScheduleMethod,
    first_number: int,
    anchor_date: date,
    repayment_day: int,
    moratorium_months: int = 0,
    emi_step_minor: int = 1,
    extra_first_interest_minor: int = 0,
    emi_override_minor: int | None = None,
    share_override_minor: int | None = None,
) -> tuple[list[Instalment], int]:
    """Rows ``first_number..`` repaying ``opening_minor`` over at most ``count`` instalments.

    Returns the rows and the regular instalment (EMI, flat instalment, or the principal
    share for equal-principal). Stops early if the principal is repaid before ``count``
    (only with an overridden instalment, or whole-rupee rounding on tiny loans).
    """
    r = monthly_rate(annual_rate_bps)
    rows: list[Instalment] = []
    balance = opening_minor
    number = first_number
    extra = extra_first_interest_minor

    def due(k: int) -> date:
        return add_months(anchor_date, k, day=repayment_day)

    def interest_on(amount: int) -> int:
        with working_context():
            return round_minor(Decimal(amount) * r, SCHEDULE_ROUNDING)

    for _ in range(moratorium_months):
        interest = interest_on(balance) + extra
        extra = 0
        rows.append(Instalment(number, due(number), balance, interest, interest, 0, balance))
        number += 1

    n = count - moratorium_months
    regular = 0
    remaining_interest = 0
    interest_share = 0
    principal_share = 0
    if method is ScheduleMethod.REDUCING:
        regular = (
            emi_override_minor
            if emi_override_minor is not None
            else emi_minor(balance, annual_rate_bps, n, step_minor=emi_step_minor)
        )
    elif method is ScheduleMethod.FLAT:
        with working_context():
            total = Decimal(balance) * Decimal(annual_rate_bps) / BPS_PER_UNIT * n / 12
            remaining_interest = round_minor(total, SCHEDULE_ROUNDING)
            interest_share = round_minor(Decimal(remaining_interest) / n, SHARE_ROUNDING)
            regular = round_minor(Decimal(balance + remaining_interest) / n, SCHEDULE_ROUNDING, step_minor=emi_step_minor)
    else:
        with working_context():
            principal_share = (
                share_override_minor
                if share_override_minor is not None
                else round_minor(Decimal(balance) / n, SHARE_ROUNDING)
            )
        regular = principal_share

    for i in range(1, n + 1):
        last = i == n
        if method is ScheduleMethod.FLAT:
            interest = remaining_interest if last else min(interest_share, remaining_interest)
            remaining_interest -= interest
        else:
            interest = interest_on(balance)
        if last:
            principal = balance
        elif method is ScheduleMethod.EQUAL_PRINCIPAL:
            principal = min(principal_share, balance)
        else:
            principal = min(max(regular - interest, 0), balance)
        interest += extra
        extra = 0
        closing = balance - principal
        rows.append(Instalment(number, due(number), balance, interest + principal, interest, principal, closing))
        balance = closing
        number += 1
        if balance == 0 and remaining_interest == 0:
            break
    return rows, regular


def build_schedule(terms: LoanTerms) -> Schedule:
    """Build the repayment schedule for ``terms`` (see the module docstring for every rule).

    Amounts in paisa, rate in basis points a year. Raises ``DomainError``:
    INVALID_AMOUNT (principal not positive), INVALID_RATE, INVALID_TENURE (tenure outside
    1..600 months, or a moratorium not shorter than the tenure), INVALID_DATE (repayment
    day), INVALID_INPUT (unknown method, bad rounding step).
    Sources: standard EMI formula; RBI KFS circular (flat rate); bank loan agreements
    (broken period, moratorium).
    """
    check_principal_minor(terms.principal_minor)
    check_rate_bps(terms.annual_rate_bps)
    check_tenure_months(terms.tenure_months)
    method = _check_method(terms.method)
    _check_count(terms.moratorium_months, "moratorium_months")
    _check_count(terms.emi_step_minor, "emi_step_minor", minimum=1)
    if terms.moratorium_months >= terms.tenure_months:
        raise DomainError(ErrorCode.INVALID_TENURE, "moratorium must be shorter than the tenure", field="moratorium_months")
    anchor = first_repayment_anchor(terms.disbursal_date, terms.repayment_day)
    repayment_day = terms.repayment_day or terms.disbursal_date.day
    bpi = broken_period_interest_minor(
        terms.principal_minor, terms.annual_rate_bps, terms.disbursal_date, anchor, terms.day_count
    )
    rows, regular = _amortise(
        opening_minor=terms.principal_minor,
        annual_rate_bps=terms.annual_rate_bps,
        count=terms.tenure_months,
        method=method,
        first_number=1,
        anchor_date=anchor,
        repayment_day=repayment_day,
        moratorium_months=terms.moratorium_months,
        emi_step_minor=terms.emi_step_minor,
        extra_first_interest_minor=bpi if terms.charge_broken_period else 0,
    )
    return Schedule(
        rows=tuple(rows),
        method=method,
        annual_rate_bps=terms.annual_rate_bps,
        emi_minor=regular,
        principal_minor=terms.principal_minor,
        anchor_date=anchor,
        repayment_day=repayment_day,
        broken_period_days=(anchor - terms.disbursal_date).days,
        broken_period_interest_minor=bpi,
        broken_period_in_first_instalment=terms.charge_broken_period,
        moratorium_until_number=terms.moratorium_months,
        emi_step_minor=terms.emi_step_minor,
    )


def reschedule(
    schedule: Schedule,
    *,
    from_number: int,
    annual_rate_bps: int | None = None,
    remaining_months: int | None = None,
    method: ScheduleMethod | str | None = None,
    moratorium_months: int = 0,
) -> Schedule:
    """Recompute instalments ``from_number`` onwards with a new rate and/or tenure.

    Rows before ``from_number`` are kept as they were (they are history); the principal
    outstanding after them is amortised over ``remaining_months`` instalments (default:
    as many as were left) at ``annual_rate_bps`` (default: unchanged), optionally after
    ``moratorium_months`` interest-only instalments (a restructuring with a moratorium).
    Due dates stay on the schedule's calendar. A reset of a floating rate is the same call.
    Raises ``DomainError``: INVALID_INPUT (``from_number`` outside 1..len(rows)),
    INVALID_RATE, INVALID_TENURE.
    Source: RBI "Reset of Floating Interest Rate on EMI based Personal Loans"
    (RBI/2023-24/55, 18 Aug 2023): on a rate change the borrower may opt for a higher EMI
    or a longer tenure; both are this recomputation.
    """
    if type(from_number) is not int or not 1 <= from_number <= len(schedule.rows):
        raise DomainError(
            ErrorCode.INVALID_INPUT, f"from_number must be 1-{len(schedule.rows)}", field="from_number"
        )
    rate = schedule.annual_rate_bps if annual_rate_bps is None else check_rate_bps(annual_rate_bps)
    count = len(schedule.rows) - from_number + 1 if remaining_months is None else remaining_months
    check_tenure_months(count, field="remaining_months")
    _check_count(moratorium_months, "moratorium_months")
    if moratorium_months >= count:
        raise DomainError(ErrorCode.INVALID_TENURE, "moratorium must be shorter than the tenure", field="moratorium_months")
    new_method = schedule.method if method is None else _check_method(method)
    kept = schedule.rows[: from_number - 1]
    outstanding = kept[-1].closing_minor if kept else schedule.principal_minor - schedule.prepaid_minor
    carry_bpi = (
        schedule.broken_period_interest_minor if not kept and schedule.broken_period_in_first_instalment else 0
    )
    rows, regular = _amortise(
        opening_minor=outstanding,
        annual_rate_bps=rate,
        count=count,
        method=new_method,
        first_number=from_number,
        anchor_date=schedule.anchor_date,
        repayment_day=schedule.repayment_day,
        moratorium_months=moratorium_months,
        emi_step_minor=schedule.emi_step_minor,
        extra_first_interest_minor=carry_bpi,
    )
    moratorium_until = (
        from_number - 1 + moratorium_months
        if moratorium_months
        else min(schedule.moratorium_until_number, from_number - 1)
    )
    return replace(schedule, rows=kept + tuple(rows), method=new_method, annual_rate_bps=rate, emi_minor=regular,
                   moratorium_until_number=moratorium_until)


def prepay(
    schedule: Schedule,
    *,
    after_number: int,
    amount_minor: int,
    mode: PrepaymentMode | str = PrepaymentMode.REDUCE_TENURE,
) -> Schedule:
    """Apply a part-prepayment of ``amount_minor`` paisa made with instalment ``after_number``.

    The prepayment reduces the principal outstanding after that instalment (no interest
    for a part-period: it is taken on the due date). Then either the instalment is kept and
    the loan ends sooner (``REDUCE_TENURE``), or the number of instalments is kept and the
    EMI falls (``REDUCE_EMI``). Equal-principal loans keep their principal share in
    ``REDUCE_TENURE``. A prepayment of the whole outstanding closes the loan.
    Raises ``DomainError``: INVALID_INPUT (``after_number`` outside 1..len(rows)-1, unknown
    mode, or ``REDUCE_TENURE`` on a flat-rate loan), INVALID_AMOUNT (not positive, or more
    than the principal outstanding).
    Source: RBI "Reset of Floating Interest Rate on EMI based Personal Loans" (18 Aug 2023)
    gives borrowers the choice of lower EMI or shorter tenure; RBI forbids foreclosure /
    prepayment charges on floating-rate loans to individuals (charges are not modelled here).
    """
    try:
        mode = PrepaymentMode(mode)
    except ValueError:
        raise DomainError(ErrorCode.INVALID_INPUT, f"unknown prepayment mode {mode!r}", field="mode") from None
    if type(after_number) is not int or not 1 <= after_number < len(schedule.rows):
        raise DomainError(
            ErrorCode.INVALID_INPUT, f"after_number must be 1-{len(schedule.rows) - 1}", field="after_number"
        )
    kept = schedule.rows[:after_number]
    outstanding = kept[-1].closing_minor
    if type(amount_minor) is not int or not 0 < amount_minor <= outstanding:
        raise DomainError(
            ErrorCode.INVALID_AMOUNT, "prepayment must be positive and at most the principal outstanding", field="amount"
        )
    if mode is PrepaymentMode.REDUCE_TENURE and schedule.method is ScheduleMethod.FLAT:
        raise DomainError(ErrorCode.INVALID_INPUT, "a flat-rate loan can only reduce its EMI", field="mode")
    balance = outstanding - amount_minor
    rows: list[Instalment] = []
    regular = 0
    if balance > 0:
        rows, regular = _amortise(
            opening_minor=balance,
            annual_rate_bps=schedule.annual_rate_bps,
            count=len(schedule.rows) - after_number,
            method=schedule.method,
            first_number=after_number + 1,
            anchor_date=schedule.anchor_date,
            repayment_day=schedule.repayment_day,
            moratorium_months=max(0, schedule.moratorium_until_number - after_number),
            emi_step_minor=schedule.emi_step_minor,
            emi_override_minor=schedule.emi_minor
            if mode is PrepaymentMode.REDUCE_TENURE and schedule.method is ScheduleMethod.REDUCING
            else None,
            share_override_minor=schedule.emi_minor
            if mode is PrepaymentMode.REDUCE_TENURE and schedule.method is ScheduleMethod.EQUAL_PRINCIPAL
            else None,
        )
    return replace(schedule, rows=kept + tuple(rows), emi_minor=regular,
                   moratorium_until_number=min(schedule.moratorium_until_number, len(kept) + len(rows)),
                   prepaid_minor=schedule.prepaid_minor + amount_minor)

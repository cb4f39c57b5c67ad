"""Changing a schedule after disbursal: rescheduling and part-prepayment.

Both keep the rows already due (they are history) and recompute the rest from the
principal outstanding, on the schedule's own calendar. Pure functions over integer paisa.
"""

from __future__ import annotations

from dataclasses import replace

from bankcore.errors import DomainError, ErrorCode
from bankcore.interest.rates import check_rate_bps
from bankcore.loans.amortise import amortise
from bankcore.loans.emi import check_tenure_months
from bankcore.loans.schedule_types import (
    Instalment,
    PrepaymentMode,
    Schedule,
    ScheduleMethod,
    check_count,
    check_method,
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
    check_count(moratorium_months, "moratorium_months")
    if moratorium_months >= count:
        raise DomainError(ErrorCode.INVALID_TENURE, "moratorium must be shorter than the tenure", field="moratorium_months")
    new_method = schedule.method if method is None else check_method(method)
    kept = schedule.rows[: from_number - 1]
    outstanding = kept[-1].closing_minor if kept else schedule.principal_minor - schedule.prepaid_minor
    carry_bpi = (
        schedule.broken_period_interest_minor if not kept and schedule.broken_period_in_first_instalment else 0
    )
    rows, regular = amortise(
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
        rows, regular = amortise(
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

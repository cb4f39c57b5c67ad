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

from bankcore.errors import DomainError, ErrorCode
from bankcore.interest.rates import check_rate_bps
from bankcore.loans.amortise import amortise
from bankcore.loans.broken_period import broken_period_interest_minor, first_repayment_anchor
from bankcore.loans.emi import check_principal_minor, check_tenure_months
from bankcore.loans.schedule_changes import prepay, reschedule
from bankcore.loans.schedule_types import (
    Instalment,
    LoanTerms,
    PrepaymentMode,
    Schedule,
    ScheduleMethod,
    check_count,
    check_method,
)

# The schedule's public API in one place: its types, building, and the changes after
# disbursal, whichever module each lives in.
__all__ = [
    "Instalment",
    "LoanTerms",
    "PrepaymentMode",
    "Schedule",
    "ScheduleMethod",
    "broken_period_interest_minor",
    "build_schedule",
    "first_repayment_anchor",
    "prepay",
    "reschedule",
]


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
    method = check_method(terms.method)
    check_count(terms.moratorium_months, "moratorium_months")
    check_count(terms.emi_step_minor, "emi_step_minor", minimum=1)
    if terms.moratorium_months >= terms.tenure_months:
        raise DomainError(ErrorCode.INVALID_TENURE, "moratorium must be shorter than the tenure", field="moratorium_months")
    anchor = first_repayment_anchor(terms.disbursal_date, terms.repayment_day)
    repayment_day = terms.repayment_day or terms.disbursal_date.day
    bpi = broken_period_interest_minor(
        terms.principal_minor, terms.annual_rate_bps, terms.disbursal_date, anchor, terms.day_count
    )
    rows, regular = amortise(
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

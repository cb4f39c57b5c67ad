"""Amortisation: the rows that repay a principal by one of the three schedule methods.

Reducing balance (a fixed EMI, interest on the opening principal), flat rate (interest on
the original principal spread evenly) and equal principal (a fixed principal share plus
interest); an optional interest-only moratorium first. The rounding and last-row rules are
those of ``bankcore.loans.schedule``'s module docstring. Pure function over integer paisa.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from bankcore.interest.rates import BPS_PER_UNIT
from bankcore.interest.rounding import (
    SCHEDULE_ROUNDING,
    SHARE_ROUNDING,
    round_minor,
    working_context,
)
from bankcore.loans.dates import add_months
from bankcore.loans.emi import emi_minor, monthly_rate
from bankcore.loans.schedule_types import Instalment, ScheduleMethod


def amortise(
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

"""Fixed and recurring deposits: maturity value, and premature closure.

Sources:

* Fixed deposits, IBA / bank practice (e.g. Bank of Baroda's published method): interest
  compounded quarterly for complete quarters, and for an incomplete last quarter simple
  interest for the actual days: ``A = P * (1 + r/4)**q * (1 + r * d/365)``; deposits shorter
  than two quarters (6 months) earn simple interest ``P * r * days/365``. The simple-interest
  cut-off, compounding frequency and day count are parameters.
* Recurring deposits, Indian Banks' Association formula (quarterly compounding of monthly
  instalments, each instalment compounding for the months it stays):
  ``M = R * ((1+i)**n - 1) / (1 - (1+i)**(-1/3))`` with ``i = r/4`` and ``n`` = quarters;
  generalised here to ``f`` compoundings a year as ``R * ((1+i)**(N*f/12) - 1) /
  (1 - (1+i)**(-f/12))``, ``i = r/f``, ``N`` = months.
* Premature closure: RBI Master Direction - Co-operative Banks - Interest Rate on
  Deposits (2016): on premature withdrawal the rate is the one applicable to the period
  the deposit actually ran (not the contracted rate), less a penalty per the bank's
  policy disclosed to the depositor; deposits withdrawn before the minimum tenor (7 days)
  earn no interest.

Amounts in paisa, rates in basis points. Results are rounded once, half up, to the paisa.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from enum import StrEnum

from bankcore.errors import DomainError, ErrorCode
from bankcore.interest.daycount import DayCount, year_fraction
from bankcore.interest.rates import BPS_PER_UNIT, check_rate_bps
from bankcore.interest.rounding import DEPOSIT_ROUNDING, round_minor, working_context
from bankcore.loans.dates import add_months, months_between
from bankcore.loans.emi import check_principal_minor, check_tenure_months

MAX_TENURE_DAYS = 366 * 50
MINIMUM_TENOR_DAYS = 7  # RBI: minimum tenor of a domestic term deposit


class Compounding(StrEnum):
    SIMPLE = "simple"
    MONTHLY = "monthly"
    QUARTERLY = "quarterly"
    HALF_YEARLY = "half-yearly"
    YEARLY = "yearly"


_MONTHS_PER_PERIOD = {
    Compounding.MONTHLY: 1,
    Compounding.QUARTERLY: 3,
    Compounding.HALF_YEARLY: 6,
    Compounding.YEARLY: 12,
}


@dataclass(frozen=True, slots=True)
class DepositMaturity:
    """What a deposit pays: ``deposited_minor`` in, ``interest_minor`` earned, ``maturity_minor`` out on ``maturity_date``."""

    deposited_minor: int
    interest_minor: int
    maturity_minor: int
    maturity_date: date | None
    annual_rate_bps: int


@dataclass(frozen=True, slots=True)
class RateSlab:
    """A rate-card line: deposits of ``min_days`` to ``max_days`` (inclusive; None = no upper bound) earn ``annual_rate_bps``."""

    min_days: int
    max_days: int | None
    annual_rate_bps: int


@dataclass(frozen=True, slots=True)
class PrematureClosure:
    """A premature closure: the days run, the rate applied (after penalty), interest and payout."""

    days_run: int
    card_rate_bps: int | None
    applied_rate_bps: int
    interest_minor: int
    payout_minor: int


def _compounding(value: Compounding | str) -> Compounding:
    try:
        return Compounding(value)
    except ValueError:
        raise DomainError(ErrorCode.INVALID_INPUT, f"unknown compounding {value!r}", field="compounding") from None


def growth_factor(
    annual_rate_bps: int,
    start: date,
    end: date,
    *,
    compounding: Compounding | str = Compounding.QUARTERLY,
    simple_below_months: int = 6,
    day_count: DayCount = DayCount.ACT_365,
) -> Decimal:
    """Exact (60-digit) factor by which a deposit grows from ``start`` to ``end``.

    Simple interest ``1 + r * t`` when ``compounding`` is SIMPLE or the term is shorter than
    ``simple_below_months``; otherwise ``(1 + r/f)**q * (1 + r * d/365)`` for ``q`` complete
    compounding periods (calendar months from ``start``) and ``d`` remaining days.
    Source: IBA / bank practice, see module docstring. Raises ``DomainError(INVALID_RATE)``.
    """
    rate = Decimal(check_rate_bps(annual_rate_bps)) / BPS_PER_UNIT
    compounding = _compounding(compounding)
    with working_context():
        if compounding is Compounding.SIMPLE or end < add_months(start, simple_below_months):
            t = year_fraction(start, end, day_count)
            return 1 + rate * Decimal(t.numerator) / Decimal(t.denominator)
        step = _MONTHS_PER_PERIOD[compounding]
        periods = months_between(start, end) // step
        last_rest = add_months(start, periods * step)
        t = year_fraction(last_rest, end, day_count)
        return (1 + rate * step / 12) ** periods * (1 + rate * Decimal(t.numerator) / Decimal(t.denominator))


def fd_maturity(
    principal_minor: int,
    annual_rate_bps: int,
    start_date: date,
    *,
    tenure_months: int | None = None,
    tenure_days: int | None = None,
    compounding: Compounding | str = Compounding.QUARTERLY,
    simple_below_months: int = 6,
    day_count: DayCount = DayCount.ACT_365,
) -> DepositMaturity:
    """Maturity of a cumulative fixed deposit of ``principal_minor`` paisa from ``start_date``.

    Give exactly one of ``tenure_months`` (maturity on the same day ``n`` months later,
    clamped to month end) or ``tenure_days``. Maturity value = P * ``growth_factor``,
    rounded half up to the paisa; interest = maturity - P.
    Example (SBI/IBA): 1,00,000 at 7 % for 12 months, quarterly -> 1,07,185.90.
    Raises ``DomainError``: INVALID_AMOUNT, INVALID_RATE, INVALID_TENURE (none or both
    tenures, or out of range), INVALID_INPUT (compounding).
    """
    check_principal_minor(principal_minor)
    if (tenure_months is None) == (tenure_days is None):
        raise DomainError(ErrorCode.INVALID_TENURE, "give the tenure in months or in days, not both", field="tenure")
    if tenure_months is not None:
        check_tenure_months(tenure_months)
        maturity_date = add_months(start_date, tenure_months)
    else:
        if type(tenure_days) is not int or not MINIMUM_TENOR_DAYS <= tenure_days <= MAX_TENURE_DAYS:
            raise DomainError(
                ErrorCode.INVALID_TENURE, f"tenure must be {MINIMUM_TENOR_DAYS}-{MAX_TENURE_DAYS} days", field="tenure_days"
            )
        maturity_date = start_date + timedelta(days=tenure_days)
    factor = growth_factor(
        annual_rate_bps,
        start_date,
        maturity_date,
        compounding=compounding,
        simple_below_months=simple_below_months,
        day_count=day_count,
    )
    with working_context():
        maturity = round_minor(principal_minor * factor, DEPOSIT_ROUNDING)
    return DepositMaturity(principal_minor, maturity - principal_minor, maturity, maturity_date, annual_rate_bps)


def rd_maturity(
    instalment_minor: int,
    annual_rate_bps: int,
    tenure_months: int,
    *,
    start_date: date | None = None,
    compounding: Compounding | str = Compounding.QUARTERLY,
) -> DepositMaturity:
    """Maturity of a recurring deposit of ``instalment_minor`` paisa a month for ``tenure_months``.

    Compounded: IBA formula ``R * ((1+i)**(N*f/12) - 1) / (1 - (1+i)**(-f/12))``, ``i = r/f``
    (quarterly: ``f = 4``). Simple: each instalment earns ``R * r * k/12`` for the ``k``
    months it stays, i.e. ``R*N + R * r/12 * N(N+1)/2``. Rounded once, half up.
    Example (IBA formula): 5,000 a month for 18 months at 7.5 % -> 95,502.35.
    Raises ``DomainError``: INVALID_AMOUNT, INVALID_RATE, INVALID_TENURE, INVALID_INPUT.
    """
    check_principal_minor(instalment_minor, field="instalment")
    check_tenure_months(tenure_months)
    rate = Decimal(check_rate_bps(annual_rate_bps)) / BPS_PER_UNIT
    compounding = _compounding(compounding)
    with working_context():
        if compounding is Compounding.SIMPLE or rate == 0:
            value = instalment_minor * tenure_months + instalment_minor * rate / 12 * tenure_months * (tenure_months + 1) / 2
        else:
            f = 12 // _MONTHS_PER_PERIOD[compounding]
            i = rate / f
            value = (
                instalment_minor
                * ((1 + i) ** (Decimal(tenure_months * f) / 12) - 1)
                / (1 - (1 + i) ** (Decimal(-f) / 12))
            )
        maturity = round_minor(value, DEPOSIT_ROUNDING)
    deposited = instalment_minor * tenure_months
    maturity_date = add_months(start_date, tenure_months) if start_date is not None else None
    return DepositMaturity(deposited, maturity - deposited, maturity, maturity_date, annual_rate_bps)


def card_rate_for_days(rate_card: Sequence[RateSlab], days: int) -> int | None:
    """The rate-card rate for a deposit that runs ``days`` days, or None if no slab covers it."""
    for slab in rate_card:
        if days >= slab.min_days and (slab.max_days is None or days <= slab.max_days):
            return check_rate_bps(slab.annual_rate_bps)
    return None


def premature_closure(
    principal_minor: int,
    contracted_rate_bps: int,
    start_date: date,
    closure_date: date,
    rate_card: Sequence[RateSlab],
    *,
    penalty_bps: int = 100,
    minimum_days: int = MINIMUM_TENOR_DAYS,
    compounding: Compounding | str = Compounding.QUARTERLY,
    simple_below_months: int = 6,
    day_count: DayCount = DayCount.ACT_365,
) -> PrematureClosure:
    """Payout of a cumulative FD closed on ``closure_date`` before maturity.

    Rate = min(card rate for the days actually run (the card in force when the deposit
    was made), contracted rate) - ``penalty_bps``, floored at 0; nothing before
    ``minimum_days`` or if no slab covers the period. Interest as ``growth_factor`` over
    the period run. Source: RBI Master Direction, Interest Rate on Deposits (2016),
    premature withdrawal; penalty (e.g. 1 %) per the bank's board policy.
    Raises ``DomainError``: INVALID_AMOUNT, INVALID_RATE, INVALID_DATE (closure before start).
    """
    check_principal_minor(principal_minor)
    check_rate_bps(contracted_rate_bps)
    check_rate_bps(penalty_bps, field="penalty")
    if closure_date < start_date:
        raise DomainError(ErrorCode.INVALID_DATE, "closure date is before the deposit date", field="closure_date")
    days_run = (closure_date - start_date).days
    card_rate = card_rate_for_days(rate_card, days_run)
    if days_run < minimum_days or card_rate is None:
        return PrematureClosure(days_run, card_rate, 0, 0, principal_minor)
    applied = max(0, min(card_rate, contracted_rate_bps) - penalty_bps)
    factor = growth_factor(
        applied,
        start_date,
        closure_date,
        compounding=compounding,
        simple_below_months=simple_below_months,
        day_count=day_count,
    )
    with working_context():
        payout = round_minor(principal_minor * factor, DEPOSIT_ROUNDING)
    return PrematureClosure(days_run, card_rate, applied, payout - principal_minor, payout)


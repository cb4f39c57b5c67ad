"""The equated monthly instalment (EMI) on a reducing balance.

Formula (the standard annuity formula every Indian bank publishes with its EMI
calculator, e.g. SBI, HDFC Bank; RBI's Key Facts Statement illustrations use it too)::

    EMI = P * r * (1 + r)**n / ((1 + r)**n - 1),    r = annual rate / 12,  n = months

with ``EMI = P / n`` when the rate is zero.
"""

from __future__ import annotations

from decimal import Decimal

from bankcore.errors import DomainError, ErrorCode
from bankcore.interest.rates import BPS_PER_UNIT, check_rate_bps
from bankcore.interest.rounding import SCHEDULE_ROUNDING, round_minor, working_context
from bankcore.money import MAX_AMOUNT_MINOR

MAX_TENURE_MONTHS = 600  # 50 years


def check_principal_minor(principal_minor: int, *, field: str = "principal") -> int:
    """Return ``principal_minor`` if it is an ``int`` in ``1..MAX_AMOUNT_MINOR``; else ``DomainError(INVALID_AMOUNT)``."""
    if type(principal_minor) is not int or not 0 < principal_minor <= MAX_AMOUNT_MINOR:
        raise DomainError(ErrorCode.INVALID_AMOUNT, "principal must be a positive amount", field=field)
    return principal_minor


def check_tenure_months(tenure_months: int, *, field: str = "tenure_months") -> int:
    """Return ``tenure_months`` if it is an ``int`` in ``1..MAX_TENURE_MONTHS``; else ``DomainError(INVALID_TENURE)``."""
    if type(tenure_months) is not int or not 1 <= tenure_months <= MAX_TENURE_MONTHS:
        raise DomainError(ErrorCode.INVALID_TENURE, f"tenure must be 1-{MAX_TENURE_MONTHS} months", field=field)
    return tenure_months


def monthly_rate(annual_rate_bps: int) -> Decimal:
    """``r`` of the EMI formula: the annual rate / 12 as a Decimal fraction (1050 bps -> 0.00875)."""
    with working_context():
        return Decimal(check_rate_bps(annual_rate_bps)) / (12 * BPS_PER_UNIT)


def emi_exact(principal_minor: int, annual_rate_bps: int, tenure_months: int) -> Decimal:
    """The unrounded EMI in minor units: ``P*r*(1+r)**n / ((1+r)**n - 1)`` (``P/n`` at 0 %).

    ``principal_minor`` in paisa, ``annual_rate_bps`` in basis points a year, ``tenure_months``
    instalments. Raises ``DomainError`` (INVALID_AMOUNT, INVALID_RATE, INVALID_TENURE).
    Source: standard reducing-balance annuity formula (see module docstring).
    """
    check_principal_minor(principal_minor)
    check_tenure_months(tenure_months)
    r = monthly_rate(annual_rate_bps)
    with working_context():
        if r == 0:
            return Decimal(principal_minor) / tenure_months
        growth = (1 + r) ** tenure_months
        return Decimal(principal_minor) * r * growth / (growth - 1)


def emi_minor(
    principal_minor: int,
    annual_rate_bps: int,
    tenure_months: int,
    *,
    rounding: str = SCHEDULE_ROUNDING,
    step_minor: int = 1,
) -> int:
    """The EMI rounded once to a multiple of ``step_minor`` paisa with ``rounding`` (default half up).

    ``step_minor=100`` gives the whole-rupee EMI many banks quote (5,00,000 at 10.5 % for 60
    months: exact 10,746.95 -> 10,747). Errors and source as ``emi_exact``.
    """
    return round_minor(emi_exact(principal_minor, annual_rate_bps, tenure_months), rounding, step_minor=step_minor)

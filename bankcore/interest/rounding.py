"""Rounding computed amounts to whole minor units, once, with a named mode.

Every rate computation in ``bankcore`` works in *minor units* as ``Decimal`` (or an exact
``Fraction`` for long sums), then comes back to ``int`` through ``round_minor`` exactly
once. The modes used by the bank are named here so that a reader can find them.
"""

from __future__ import annotations

from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal, localcontext
from fractions import Fraction

from bankcore.errors import DomainError, ErrorCode

# Loan schedules (EMI, interest per instalment, broken-period interest): half a paisa
# rounds up, the convention of Indian bank EMI calculators and of the IBA.
SCHEDULE_ROUNDING = ROUND_HALF_UP
# Deposit interest (savings credit, FD/RD maturity value): half up, as for schedules.
DEPOSIT_ROUNDING = ROUND_HALF_UP
# Shares of a fixed total spread over instalments (flat-rate interest, equal principal):
# round down, so the shares never exceed the total and the last instalment absorbs the rest.
SHARE_ROUNDING = ROUND_DOWN

# Precision for intermediate Decimal maths: far more digits than any amount needs, so the
# only rounding that matters is the one ``round_minor`` does.
WORKING_PRECISION = 60


def working_context():
    """A Decimal context with ``WORKING_PRECISION`` digits, for rate maths."""
    return localcontext(prec=WORKING_PRECISION)


def round_minor(value: Decimal | Fraction | int, rounding: str, *, step_minor: int = 1) -> int:
    """Round ``value`` (in minor units) to a multiple of ``step_minor`` minor units.

    ``rounding`` is a ``decimal`` rounding mode (e.g. ``ROUND_HALF_UP``); ``step_minor=100``
    rounds INR to whole rupees. A ``Fraction`` is rounded exactly (a tie stays a tie).
    Raises ``DomainError(INVALID_INPUT)`` for a non-positive step.
    """
    if type(step_minor) is not int or step_minor < 1:
        raise DomainError(ErrorCode.INVALID_INPUT, "rounding step must be a positive integer", field="step_minor")
    with working_context():
        if isinstance(value, Fraction):
            decimal_value = Decimal(value.numerator) / Decimal(value.denominator)
        else:
            decimal_value = Decimal(value)
        quotient = (decimal_value / step_minor).quantize(Decimal(1), rounding=rounding)
    return int(quotient) * step_minor

"""Annual interest rates as integer basis points, and their validation.

A rate is ``annual_rate_bps`` (``1050`` = 10.50 % a year). Basis points are exact and
cover every rate a co-operative bank publishes (rate cards move in steps of 0.05 % or
finer multiples of 0.01 %); a rate with a finer fraction is refused, never rounded.
"""

from __future__ import annotations

import re
from decimal import Decimal

from bankcore.errors import DomainError, ErrorCode

BPS_PER_UNIT = 10_000  # 1.0 (i.e. 100 %) in basis points
MAX_RATE_BPS = 10_000  # 100 % a year: beyond any lawful rate on a deposit or a loan

_PERCENT_RE = re.compile(r"^[0-9]{1,3}(?:\.[0-9]{1,6})?$")


def check_rate_bps(rate_bps: int, *, field: str = "rate") -> int:
    """Return ``rate_bps`` if it is an ``int`` in ``0..MAX_RATE_BPS``.

    Raises ``DomainError(INVALID_RATE)`` otherwise (``bool`` is refused too).
    """
    if type(rate_bps) is not int or not 0 <= rate_bps <= MAX_RATE_BPS:
        raise DomainError(ErrorCode.INVALID_RATE, f"rate must be 0-{MAX_RATE_BPS} basis points", field=field)
    return rate_bps


def parse_rate_percent(text: str, *, field: str = "rate") -> int:
    """Parse a percent string such as ``"10.5"`` into basis points (``1050``).

    Accepts plain ASCII decimals only (no sign, exponent, NaN). Raises
    ``DomainError(INVALID_RATE)`` for anything else, for a rate above 100 %, or for a rate
    finer than one basis point (``"7.125"`` is refused, not rounded).
    """
    stripped = text.strip()
    if not _PERCENT_RE.match(stripped):
        raise DomainError(ErrorCode.INVALID_RATE, f"{text[:20]!r} is not a rate in percent", field=field)
    bps = Decimal(stripped) * 100
    if bps != bps.to_integral_value():
        raise DomainError(ErrorCode.INVALID_RATE, "rate must be a whole number of basis points", field=field)
    return check_rate_bps(int(bps), field=field)


def rate_fraction(rate_bps: int) -> Decimal:
    """The annual rate as an exact Decimal fraction (``1050`` -> ``Decimal('0.105')``)."""
    return Decimal(check_rate_bps(rate_bps)) / BPS_PER_UNIT


def format_rate_percent(rate_bps: int) -> str:
    """``1050`` -> ``"10.50"`` (for display)."""
    units, hundredths = divmod(rate_bps, 100)
    return f"{units}.{hundredths:02d}"

"""Financial years (April-March) and the appropriation of net profit: pure, no database.

Indian co-operative banks keep their accounts by the financial year 1 April - 31 March
(Banking Regulation Act 1949 s.56 read with s.29; Income-tax Act s.3). A year is named by
its first calendar year: 2025 is 1 April 2025 - 31 March 2026, written ``2025-26``.

Appropriation of net profit, Multi-State Co-operative Societies Act 2002 s.63(1): at least
25 % to the reserve fund, 1 % to the co-operative education fund, at least 10 % to a
reserve for unforeseen losses; the rest as the general body decides (dividend among it).
Each share is rounded up to the paisa (``ROUND_CEILING``) so a minimum is never missed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_CEILING, Decimal

from bankcore.errors import DomainError, ErrorCode

_LABEL = re.compile(r"^(\d{4})-(\d{2})$")


def financial_year_of(day: date) -> int:
    """The financial year ``day`` falls in (its first calendar year)."""
    return day.year if day.month >= 4 else day.year - 1


def year_bounds(year: int) -> tuple[date, date]:
    """(1 April ``year``, 31 March ``year + 1``)."""
    return date(year, 4, 1), date(year + 1, 3, 31)


def year_label(year: int) -> str:
    """``2025`` -> ``"2025-26"``."""
    return f"{year}-{(year + 1) % 100:02d}"


def parse_year(label: str) -> int:
    """``"2025-26"`` (or ``"2025"``) -> 2025. Raises ``DomainError(INVALID_INPUT)`` otherwise."""
    text = (label or "").strip()
    if text.isdigit() and len(text) == 4:
        year = int(text)
    else:
        match = _LABEL.match(text)
        if not match or (int(match.group(1)) + 1) % 100 != int(match.group(2)):
            raise DomainError(ErrorCode.INVALID_INPUT, "a financial year is written like 2025-26", field="financial_year")
        year = int(match.group(1))
    if not 1900 <= year <= 2200:
        raise DomainError(ErrorCode.INVALID_INPUT, "financial year out of range", field="financial_year")
    return year


@dataclass(frozen=True, slots=True)
class Appropriation:
    """How a year's net profit (minor units) is appropriated; ``surplus`` is left for the general body."""

    net_profit_minor: int
    statutory_reserve_minor: int
    education_fund_minor: int
    unforeseen_reserve_minor: int

    @property
    def surplus_minor(self) -> int:
        return self.net_profit_minor - self.statutory_reserve_minor - self.education_fund_minor - self.unforeseen_reserve_minor


def _share(amount_minor: int, bps: int) -> int:
    return int((Decimal(amount_minor) * bps / 10_000).to_integral_value(rounding=ROUND_CEILING))


def appropriate(net_profit_minor: int, *, statutory_reserve_bps: int, education_fund_bps: int,
                unforeseen_reserve_bps: int) -> Appropriation:
    """Appropriate ``net_profit_minor`` by the given shares (basis points of net profit).

    A loss (or nil profit) is not appropriated: every share is 0. Raises
    ``DomainError(INVALID_INPUT)`` when the shares add up to more than the whole profit.
    """
    if net_profit_minor <= 0:
        return Appropriation(net_profit_minor, 0, 0, 0)
    if statutory_reserve_bps + education_fund_bps + unforeseen_reserve_bps > 10_000:
        raise DomainError(ErrorCode.INVALID_INPUT, "the appropriation shares add up to more than the net profit")
    left = net_profit_minor
    shares = []
    for bps in (statutory_reserve_bps, education_fund_bps, unforeseen_reserve_bps):
        share = min(_share(net_profit_minor, bps), left)  # rounding up never takes more than there is
        shares.append(share)
        left -= share
    return Appropriation(net_profit_minor, *shares)

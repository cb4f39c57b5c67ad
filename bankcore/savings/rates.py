"""Effective-dated savings rates and credit periods of a product.

A product's rate is ``Product.interest_rate_bps`` until its first ``ProductRate`` row,
then each row's rate from its ``effective_from`` (inclusive) on. A credit period that a
rate change falls in is split at the change (RBI: the rate in force on each day applies).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from bankcore.errors import DomainError, ErrorCode
from bankcore.interest.rates import check_rate_bps
from bankcore.interest.savings import CreditFrequency, period_end
from bankcore.models import Product, ProductKind, ProductRate


@dataclass(frozen=True, slots=True)
class RateSegment:
    """``annual_rate_bps`` applies from ``start`` to ``end``, both inclusive."""

    start: date
    end: date
    annual_rate_bps: int


def period_start(end: date, frequency: CreditFrequency | str) -> date:
    """The first day of the credit period that ends on ``end`` (1 Jan for 31 Mar, quarterly)."""
    months = {CreditFrequency.MONTHLY: 1, CreditFrequency.QUARTERLY: 3, CreditFrequency.HALF_YEARLY: 6,
              CreditFrequency.YEARLY: 12}[CreditFrequency(frequency)]
    month_index = end.year * 12 + end.month - 1 - (months - 1)
    return date(month_index // 12, month_index % 12 + 1, 1)


def is_period_end(day: date, frequency: CreditFrequency | str) -> bool:
    """Whether ``day`` is the last day of a credit period of ``frequency``."""
    return period_end(day, frequency) == day


def _as_date(value: object) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


async def rate_segments(product: Product, start: date, end: date) -> list[RateSegment]:
    """The rates in force over ``start..end`` (inclusive), split at every rate change."""
    changes = [(_as_date(d), r) for d, r in
               await ProductRate.filter(product_id=product.id, effective_from__lte=end)
               .order_by("effective_from").values_list("effective_from", "annual_rate_bps")]
    rate = product.interest_rate_bps
    cuts: list[tuple[date, int]] = []
    for effective_from, bps in changes:
        if effective_from <= start:
            rate = bps
        else:
            cuts.append((effective_from, bps))
    segments: list[RateSegment] = []
    cursor = start
    for effective_from, bps in cuts:
        segments.append(RateSegment(cursor, effective_from - timedelta(days=1), rate))
        cursor, rate = effective_from, bps
    segments.append(RateSegment(cursor, end, rate))
    return segments


async def set_product_rate(*, product_code: str, annual_rate_bps: int, effective_from: date, set_by: str) -> ProductRate:
    """Give savings product ``product_code`` a new annual rate (basis points) from ``effective_from`` on.

    Never overwrites: a second rate for the same date is refused. Raises ``DomainError``:
    ``NOT_FOUND`` (no such product), ``INVALID_INPUT`` (not a savings product, or a rate
    already set for that date), ``INVALID_RATE`` (outside 0-100%).
    """
    product = await Product.get_or_none(code=product_code)
    if product is None:
        raise DomainError(ErrorCode.NOT_FOUND, f"no product {product_code}", field="product_code")
    if product.kind != ProductKind.SAVINGS:
        raise DomainError(ErrorCode.INVALID_INPUT, "rates here are for savings products", field="product_code")
    check_rate_bps(annual_rate_bps)
    if await ProductRate.exists(product_id=product.id, effective_from=effective_from):
        raise DomainError(ErrorCode.INVALID_INPUT, f"{product_code} already has a rate from {effective_from}",
                          field="effective_from")
    return await ProductRate.create(product=product, effective_from=effective_from, annual_rate_bps=annual_rate_bps,
                                    set_by=set_by[:100], created_at=datetime.now(UTC))

"""Deposit products and their effective-dated rate charts (admin)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from tortoise.transactions import in_transaction

from bankcore.chart import ensure_chart
from bankcore.deposits.term import MINIMUM_TENOR_DAYS, RateSlab, card_rate_for_days
from bankcore.errors import DomainError, ErrorCode
from bankcore.interest.rates import check_rate_bps
from bankcore.models import DepositKind, DepositProduct, DepositRate, InterestPayout

MAX_CHART_DAYS = 3660  # ten years and a little


@dataclass(frozen=True, slots=True)
class ChartLine:
    """A rate-chart line as given by an admin: ``min_days``..``max_days`` (None = open) at ``rate_bps``."""

    min_days: int
    max_days: int | None
    rate_bps: int


def _check_chart(lines: Sequence[ChartLine]) -> list[ChartLine]:
    if not lines:
        raise DomainError(ErrorCode.INVALID_INPUT, "a rate chart needs at least one line", field="rate_chart")
    ordered = sorted(lines, key=lambda line: line.min_days)
    for i, line in enumerate(ordered):
        check_rate_bps(line.rate_bps, field="rate_chart")
        if type(line.min_days) is not int or line.min_days < MINIMUM_TENOR_DAYS:
            raise DomainError(ErrorCode.INVALID_TENURE, f"a band starts at {MINIMUM_TENOR_DAYS} days or later",
                              field="rate_chart")
        if line.max_days is not None and line.max_days < line.min_days:
            raise DomainError(ErrorCode.INVALID_TENURE, "a band ends before it starts", field="rate_chart")
        if i and (ordered[i - 1].max_days is None or ordered[i - 1].max_days >= line.min_days):
            raise DomainError(ErrorCode.INVALID_TENURE, "rate-chart bands overlap", field="rate_chart")
    return ordered


async def create_deposit_product(
    *,
    code: str,
    name: str,
    kind: DepositKind,
    currency: str,
    rate_chart: Sequence[ChartLine],
    effective_from: date,
    senior_extra_bps: int = 50,
    premature_penalty_bps: int = 100,
    rd_missed_penalty_bps: int = 150,
    min_amount_minor: int = 100_000,
    max_amount_minor: int | None = None,
    min_tenure_months: int = 1,
    max_tenure_months: int = 120,
    payouts: Sequence[InterestPayout] = (InterestPayout.CUMULATIVE, InterestPayout.MONTHLY, InterestPayout.QUARTERLY),
) -> DepositProduct:
    """Create a fixed or recurring deposit product with its first rate chart (from ``effective_from``).

    Raises ``DomainError``: ``INVALID_INPUT`` (code taken or malformed, bad limits, no
    payout option), ``INVALID_RATE``, ``INVALID_TENURE`` (bands overlapping or shorter than
    7 days), ``UNSUPPORTED_CURRENCY``. An RD always pays at maturity (CUMULATIVE).
    """
    code = (code or "").strip().upper()
    if not (1 <= len(code) <= 20 and code.replace("-", "").isalnum()):
        raise DomainError(ErrorCode.INVALID_INPUT, "a product code is 1-20 letters, digits or dashes", field="code")
    if not (name or "").strip() or len(name) > 100:
        raise DomainError(ErrorCode.INVALID_INPUT, "a product needs a name (100 characters at most)", field="name")
    for field, value in (("senior_extra_bps", senior_extra_bps), ("premature_penalty_bps", premature_penalty_bps),
                         ("rd_missed_penalty_bps", rd_missed_penalty_bps)):
        check_rate_bps(value, field=field)
    if min_amount_minor <= 0 or (max_amount_minor is not None and max_amount_minor < min_amount_minor):
        raise DomainError(ErrorCode.INVALID_AMOUNT, "minimum amount must be positive and not above the maximum",
                          field="min_amount")
    if not 1 <= min_tenure_months <= max_tenure_months <= 120:
        raise DomainError(ErrorCode.INVALID_TENURE, "tenure limits must be 1-120 months", field="max_tenure_months")
    kind = DepositKind(kind)
    offered = [InterestPayout.CUMULATIVE] if kind is DepositKind.RECURRING else [InterestPayout(p) for p in payouts]
    if not offered:
        raise DomainError(ErrorCode.INVALID_INPUT, "offer at least one interest payout", field="payouts")
    lines = _check_chart(rate_chart)
    await ensure_chart(currency=currency)
    if await DepositProduct.exists(code=code):
        raise DomainError(ErrorCode.INVALID_INPUT, f"a product {code} exists already", field="code")
    async with in_transaction():
        product = await DepositProduct.create(
            code=code, name=name.strip(), kind=kind, currency=currency,
            senior_extra_bps=senior_extra_bps, premature_penalty_bps=premature_penalty_bps,
            rd_missed_penalty_bps=rd_missed_penalty_bps, min_amount_minor=min_amount_minor,
            max_amount_minor=max_amount_minor, min_tenure_months=min_tenure_months,
            max_tenure_months=max_tenure_months, payouts=",".join(p.value for p in offered),
        )
        await DepositRate.bulk_create([
            DepositRate(product=product, effective_from=effective_from, min_days=line.min_days,
                        max_days=line.max_days, rate_bps=line.rate_bps) for line in lines
        ])
    return product


async def set_rate_chart(*, product_code: str, rate_chart: Sequence[ChartLine], effective_from: date) -> None:
    """Give a product a new rate chart for deposits opened from ``effective_from`` on.

    Deposits already open keep their contracted rate. Raises ``DomainError``: ``NOT_FOUND``,
    ``INVALID_INPUT`` (a chart from that date exists already), and the chart checks.
    """
    product = await get_product(product_code)
    lines = _check_chart(rate_chart)
    if await DepositRate.exists(product_id=product.id, effective_from=effective_from):
        raise DomainError(ErrorCode.INVALID_INPUT, f"a chart from {effective_from.isoformat()} exists already",
                          field="effective_from")
    await DepositRate.bulk_create([
        DepositRate(product=product, effective_from=effective_from, min_days=line.min_days,
                    max_days=line.max_days, rate_bps=line.rate_bps) for line in lines
    ])


async def get_product(code: str) -> DepositProduct:
    """The deposit product ``code``; ``DomainError(NOT_FOUND)`` if there is none."""
    product = await DepositProduct.get_or_none(code=(code or "").strip().upper()[:20])
    if product is None:
        raise DomainError(ErrorCode.NOT_FOUND, f"no deposit product {code}", field="product_code")
    return product


async def rate_chart_on(product_id: int, on: date) -> list[RateSlab]:
    """The product's rate chart in force on ``on``: the lines of the latest chart dated on or before it."""
    dates = await DepositRate.filter(product_id=product_id, effective_from__lte=on).order_by("-effective_from") \
        .limit(1).values_list("effective_from", flat=True)
    if not dates:
        return []
    rows = await DepositRate.filter(product_id=product_id, effective_from=dates[0]).order_by("min_days")
    return [RateSlab(r.min_days, r.max_days, r.rate_bps) for r in rows]


async def card_rate(product: DepositProduct, days: int, on: date) -> int:
    """The card rate (bps) for a deposit of ``days`` days opened on ``on``.

    Raises ``DomainError(INVALID_TENURE)`` when no band of the chart in force covers it.
    """
    rate = card_rate_for_days(await rate_chart_on(product.id, on), days)
    if rate is None:
        raise DomainError(ErrorCode.INVALID_TENURE, f"the rate chart of {product.code} has no rate for {days} days",
                          field="tenure_months")
    return rate

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation

import strawberry

from bankcore.calendar.business_date import business_date
from bankcore.deposits.products import ChartLine, create_deposit_product as create_product
from bankcore.errors import DomainError, ErrorCode
from bankcore.models import DepositKind, InterestPayout
from graphql_api.context import Context
from graphql_api.deposits.types import DepositKindEnum, DepositProductType, InterestPayoutEnum
from graphql_api.errors import UserError
from graphql_api.mutations._base import run
from graphql_api.scalars import DecimalText
from graphql_api.types.money import MoneyInput


@strawberry.input(description="A rate-chart line: deposits of minDays to maxDays (null: no upper bound) earn ratePercent.")
class DepositRateBandInput:
    min_days: int = strawberry.field(description="Shortest term of the band, days (7 or more).")
    max_days: int | None = strawberry.field(default=None, description="Longest term, days (inclusive); null for no bound.")
    rate_percent: DecimalText = strawberry.field(description="Annual rate in percent, at most two places, e.g. \"7.25\".")


def bps(text: str, field: str) -> int:
    """A percent with at most two places as basis points; INVALID_RATE otherwise."""
    try:
        value = Decimal(str(text).strip()) * 100
    except InvalidOperation:
        raise DomainError(ErrorCode.INVALID_RATE, "a rate is a percent like 7.25", field=field) from None
    if not value.is_finite() or value != value.to_integral_value() or not 0 <= value <= 10_000:
        raise DomainError(ErrorCode.INVALID_RATE, "a rate is 0-100 with at most two places", field=field)
    return int(value)


def chart_lines(bands: list[DepositRateBandInput]) -> list[ChartLine]:
    return [ChartLine(b.min_days, b.max_days, bps(b.rate_percent, "rate_chart")) for b in bands[:50]]


@strawberry.input(description="A new fixed or recurring deposit product.")
class CreateDepositProductInput:
    code: str = strawberry.field(description="Product code, 1-20 letters, digits or dashes.")
    name: str = strawberry.field(description="Name shown to members.")
    kind: DepositKindEnum = strawberry.field(description="FIXED or RECURRING.")
    currency: str = strawberry.field(default="INR", description="ISO 4217 currency.")
    rate_chart: list[DepositRateBandInput] = strawberry.field(description="Rate chart by tenure band (7 days to 10 years).")
    effective_from: date | None = strawberry.field(default=None, description="The chart applies from (default: the business date).")
    senior_extra_percent: DecimalText = strawberry.field(default="0.50", description="Extra rate for members aged 60 or more.")
    premature_penalty_percent: DecimalText = strawberry.field(default="1.00", description="Taken off the rate on premature closure.")
    rd_missed_penalty_percent: DecimalText = strawberry.field(default="1.50", description="RD: charge on a late instalment, percent of it.")
    minimum_amount: MoneyInput | None = strawberry.field(default=None, description="Smallest principal or instalment (default 1,000).")
    min_tenure_months: int = strawberry.field(default=1, description="Shortest term, months.")
    max_tenure_months: int = strawberry.field(default=120, description="Longest term, months.")
    payouts: list[InterestPayoutEnum] | None = strawberry.field(default=None, description="Payouts offered (default all three; RD: CUMULATIVE).")


@strawberry.type(description="The product created.")
class CreateDepositProductPayload:
    product: DepositProductType | None = strawberry.field(default=None, description="The new product.")
    user_errors: list[UserError] = strawberry.field(default_factory=list, description="Why it was refused.")


async def create_deposit_product(info: strawberry.Info[Context, None], input: CreateDepositProductInput) -> CreateDepositProductPayload:
    async def act() -> CreateDepositProductPayload:
        minimum = input.minimum_amount.to_money().amount_minor if input.minimum_amount else 100_000
        kind = input.kind.value if hasattr(input.kind, "value") else input.kind
        payouts = [InterestPayout(p.value if hasattr(p, "value") else p) for p in input.payouts] if input.payouts else \
            list(InterestPayout)
        product = await create_product(
            code=input.code, name=input.name, kind=DepositKind(kind), currency=input.currency.upper()[:3],
            rate_chart=chart_lines(input.rate_chart), effective_from=input.effective_from or await business_date(),
            senior_extra_bps=bps(input.senior_extra_percent, "senior_extra_percent"),
            premature_penalty_bps=bps(input.premature_penalty_percent, "premature_penalty_percent"),
            rd_missed_penalty_bps=bps(input.rd_missed_penalty_percent, "rd_missed_penalty_percent"),
            min_amount_minor=minimum, min_tenure_months=input.min_tenure_months,
            max_tenure_months=input.max_tenure_months, payouts=payouts,
        )
        return CreateDepositProductPayload(product=DepositProductType.of(product))

    return await run(CreateDepositProductPayload, act)

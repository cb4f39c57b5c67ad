from __future__ import annotations

import re
from decimal import Decimal

import strawberry

from bankcore.books.financial_year import parse_year
from bankcore.errors import DomainError, ErrorCode
from bankcore.shares.dividend import propose_dividend as propose_dividend_service
from graphql_api.context import Context
from graphql_api.errors import UserError
from graphql_api.mutations._base import run
from graphql_api.shares.types import DividendType


_RATE = re.compile(r"[0-9]{1,3}(\.[0-9]{1,2})?")


def rate_bps(text: str) -> int:
    """An annual percent string with at most two decimals ("12.50") in basis points; ``INVALID_RATE`` otherwise."""
    text = (text or "").strip()
    value = Decimal(text) if _RATE.fullmatch(text) else Decimal(0)
    if value <= 0 or value > 100:
        raise DomainError(ErrorCode.INVALID_RATE, "the rate is a percent above 0 and at most 100, e.g. \"12.50\"", field="rate")
    return int(value * 100)


@strawberry.input(description="Propose a dividend for a closed financial year (a manager approves it).")
class ProposeDividendInput:
    financial_year: str = strawberry.field(description="The year, e.g. \"2025-26\" (April 2025 - March 2026).")
    rate: str = strawberry.field(description="Annual percent on paid-up share capital, e.g. \"12.50\".")
    idempotency_key: str = strawberry.field(description="Unique per attempt (1-100 characters).")


@strawberry.type(description="The dividend proposed or approved.")
class DividendPayload:
    dividend: DividendType | None = strawberry.field(default=None, description="The dividend declaration.")
    user_errors: list[UserError] = strawberry.field(default_factory=list, description="Why it was refused (e.g. NPA_TOO_HIGH, RATE_ABOVE_CAP).")


async def propose_dividend(info: strawberry.Info[Context, None], input: ProposeDividendInput) -> DividendPayload:
    async def act() -> DividendPayload:
        declaration = await propose_dividend_service(financial_year=parse_year(input.financial_year), rate_bps=rate_bps(input.rate),
                                                     initiator=info.context.actor, idempotency_key=input.idempotency_key)
        return DividendPayload(dividend=DividendType.of(declaration))

    return await run(DividendPayload, act)

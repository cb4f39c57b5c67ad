from __future__ import annotations

import strawberry

from bankcore.books.financial_year import parse_year, year_label
from bankcore.books.year_end import close_financial_year as close_financial_year_service
from graphql_api.context import Context
from graphql_api.errors import UserError
from graphql_api.mutations._base import run
from graphql_api.shares.types import FinancialYearCloseType


@strawberry.input(description="Close a financial year (April-March) once its 31 March has been closed by day-end.")
class CloseFinancialYearInput:
    financial_year: str = strawberry.field(description="The year, e.g. \"2025-26\".")
    idempotency_key: str = strawberry.field(description="Unique per attempt (1-100 characters); the same key returns the close.")


@strawberry.type(description="The year closed: net profit and its s.63 appropriation per currency.")
class CloseFinancialYearPayload:
    financial_year: str | None = strawberry.field(default=None, description="e.g. 2025-26.")
    closes: list[FinancialYearCloseType] = strawberry.field(default_factory=list, description="One per currency.")
    replayed: bool = strawberry.field(default=False, description="True when the year was closed before with this key.")
    user_errors: list[UserError] = strawberry.field(default_factory=list, description="Why it was refused (YEAR_NOT_ENDED, YEAR_NOT_CLOSED, ...).")


async def close_financial_year(info: strawberry.Info[Context, None], input: CloseFinancialYearInput) -> CloseFinancialYearPayload:
    async def act() -> CloseFinancialYearPayload:
        done = await close_financial_year_service(financial_year=parse_year(input.financial_year), initiator=info.context.actor,
                                                  idempotency_key=input.idempotency_key)
        return CloseFinancialYearPayload(financial_year=year_label(done.financial_year),
                                         closes=[FinancialYearCloseType.of(c) for c in done.closes], replayed=done.replayed)

    return await run(CloseFinancialYearPayload, act)

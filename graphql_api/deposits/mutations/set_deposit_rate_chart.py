from __future__ import annotations

from datetime import date

import strawberry

from bankcore.calendar.business_date import business_date
from bankcore.deposits.products import get_product, set_rate_chart
from graphql_api.context import Context
from graphql_api.deposits.mutations.create_deposit_product import (
    CreateDepositProductPayload,
    DepositRateBandInput,
    chart_lines,
)
from graphql_api.deposits.types import DepositProductType
from graphql_api.mutations._base import run


@strawberry.input(description="A new rate chart for deposits opened from a date on (open deposits keep their rate).")
class SetDepositRateChartInput:
    product_code: str = strawberry.field(description="The deposit product.")
    rate_chart: list[DepositRateBandInput] = strawberry.field(description="The new chart.")
    effective_from: date | None = strawberry.field(default=None, description="From this date on (default: the business date).")


async def set_deposit_rate_chart(info: strawberry.Info[Context, None], input: SetDepositRateChartInput) -> CreateDepositProductPayload:
    async def act() -> CreateDepositProductPayload:
        await set_rate_chart(product_code=input.product_code, rate_chart=chart_lines(input.rate_chart),
                             effective_from=input.effective_from or await business_date())
        return CreateDepositProductPayload(product=DepositProductType.of(await get_product(input.product_code)))

    return await run(CreateDepositProductPayload, act)

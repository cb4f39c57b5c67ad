from __future__ import annotations

import strawberry

from bankcore.errors import DomainError, ErrorCode
from bankcore.interest.rates import parse_rate_percent
from bankcore.models import ProductKind
from bankcore.money import Money
from bankcore.services.accounts import create_product as create_product_service
from graphql_api.context import Context
from graphql_api.errors import UserError
from graphql_api.mutations._base import run
from graphql_api.scalars import DecimalText
from graphql_api.types.bank import ProductType
from graphql_api.types.enums import ProductKindEnum


@strawberry.input(description="A new deposit or loan product.")
class CreateProductInput:
    code: str = strawberry.field(description="Short unique code, 2-20 of A-Z 0-9 - _.")
    name: str = strawberry.field(description="Name shown to staff and members.")
    kind: ProductKindEnum = strawberry.field(description="SAVINGS, CURRENT or LOAN.")
    currency: str = strawberry.field(description="ISO 4217 currency of its accounts, e.g. INR.")
    interest_rate_percent: DecimalText = strawberry.field(default="0", description="Nominal annual rate in percent, at most two places, e.g. \"3.50\".")
    minimum_balance: DecimalText = strawberry.field(default="0", description="Balance an account must keep, in major units.")
    overdraft_limit: DecimalText = strawberry.field(default="0", description="How far below zero an account may go, in major units.")


@strawberry.type(description="Result of createProduct.")
class CreateProductPayload:
    product: ProductType | None = strawberry.field(default=None, description="The new product.")
    user_errors: list[UserError] = strawberry.field(default_factory=list, description="Why it was refused.")


async def create_product(info: strawberry.Info[Context, None], input: CreateProductInput) -> CreateProductPayload:
    async def act() -> CreateProductPayload:
        code = input.code.strip().upper()
        if not (2 <= len(code) <= 20 and all(c.isascii() and (c.isalnum() or c in "-_") for c in code)):
            raise DomainError(ErrorCode.INVALID_INPUT, "code must be 2-20 of A-Z, 0-9, - and _", field="code")
        name = " ".join(input.name.split())
        if not 1 <= len(name) <= 100:
            raise DomainError(ErrorCode.INVALID_INPUT, "name must be 1-100 characters", field="name")
        currency = input.currency.strip().upper()[:3]
        product = await create_product_service(
            code=code,
            name=name,
            kind=ProductKind(input.kind.value),
            currency=currency,
            interest_rate_bps=parse_rate_percent(input.interest_rate_percent[:20], field="interest_rate_percent"),
            min_balance_minor=Money.parse(input.minimum_balance[:40], currency).amount_minor,
            overdraft_limit_minor=Money.parse(input.overdraft_limit[:40], currency).amount_minor,
        )
        return CreateProductPayload(product=ProductType.from_model(product))

    return await run(CreateProductPayload, act)

"""Branch and product types."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

import strawberry
from strawberry import relay

from bankcore.models import Branch, Product
from graphql_api.scalars import DecimalText
from graphql_api.types.enums import ProductKindEnum
from graphql_api.types.money import MoneyType


@strawberry.type(name="Branch", description="A branch of the bank.")
class BranchType(relay.Node):
    @classmethod
    def resolve_id(cls, root: BranchType, *, info: strawberry.Info) -> str:
        return root.code

    code: str = strawberry.field(description="Branch code, e.g. '001'.")
    name: str = strawberry.field(description="Branch name.")
    region: str | None = strawberry.field(description="Region or district.")

    @classmethod
    def from_model(cls, branch: Branch) -> BranchType:
        return cls(code=branch.code, name=branch.name, region=branch.region)

    @classmethod
    async def resolve_nodes(cls, *, info: strawberry.Info, node_ids: Iterable[str], required: bool = False):
        rows = {b.code: b for b in await Branch.filter(code__in=list(node_ids))}
        return [cls.from_model(rows[i]) if i in rows else None for i in node_ids]


@strawberry.type(name="Product", description="A deposit or loan product and its terms.")
class ProductType(relay.Node):
    @classmethod
    def resolve_id(cls, root: ProductType, *, info: strawberry.Info) -> str:
        return root.code

    code: str = strawberry.field(description="Product code.")
    name: str = strawberry.field(description="Product name.")
    kind: ProductKindEnum = strawberry.field(description="Savings, current or loan.")
    currency: str = strawberry.field(description="ISO 4217 currency of the product's accounts.")
    interest_rate_percent: DecimalText = strawberry.field(description="Nominal annual interest rate in percent, e.g. \"3.50\".")
    minimum_balance: MoneyType = strawberry.field(description="Balance an account must keep.")
    overdraft_limit: MoneyType = strawberry.field(description="How far below zero an account may go.")
    active: bool = strawberry.field(description="Whether new accounts may be opened under it.")

    @classmethod
    def from_model(cls, p: Product) -> ProductType:
        return cls(
            code=p.code,
            name=p.name,
            kind=p.kind,
            currency=p.currency,
            interest_rate_percent=format(Decimal(p.interest_rate_bps).scaleb(-2), "f"),
            minimum_balance=MoneyType.minor(p.min_balance_minor, p.currency),
            overdraft_limit=MoneyType.minor(p.overdraft_limit_minor, p.currency),
            active=p.active,
        )

    @classmethod
    async def resolve_nodes(cls, *, info: strawberry.Info, node_ids: Iterable[str], required: bool = False):
        rows = {p.code: p for p in await Product.filter(code__in=list(node_ids))}
        return [cls.from_model(rows[i]) if i in rows else None for i in node_ids]

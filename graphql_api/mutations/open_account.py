from __future__ import annotations

from datetime import date

import strawberry

from bankcore.models import Account, HolderRole
from bankcore.services.accounts import open_account as open_account_service
from graphql_api.context import Context
from graphql_api.errors import UserError
from graphql_api.mutations._base import run
from graphql_api.types.account import AccountType
from graphql_api.types.enums import HolderRoleEnum


@strawberry.input(description="A member and their relation to the new account.")
class HolderInput:
    member_number: str = strawberry.field(description="Member number.")
    role: HolderRoleEnum = strawberry.field(description="OWNER (at least one), JOINT, NOMINEE or MANDATE_HOLDER.")


@strawberry.input(description="Open an account under a product.")
class OpenAccountInput:
    product_code: str = strawberry.field(description="Product code, e.g. SB.")
    holders: list[HolderInput] = strawberry.field(description="Holders, 1-10; at least one OWNER.")
    branch_code: str | None = strawberry.field(default=None, description="Branch; defaults to the first owner's.")
    opened_on: date | None = strawberry.field(default=None, description="Opening date; defaults to today.")


@strawberry.type(description="Result of openAccount.")
class OpenAccountPayload:
    account: AccountType | None = strawberry.field(default=None, description="The account: ACTIVE if every owner's KYC is verified, else PENDING.")
    user_errors: list[UserError] = strawberry.field(default_factory=list, description="Why it was refused.")


async def open_account(info: strawberry.Info[Context, None], input: OpenAccountInput) -> OpenAccountPayload:
    async def act() -> OpenAccountPayload:
        from bankcore.errors import DomainError, ErrorCode

        if not 1 <= len(input.holders) <= 10:
            raise DomainError(ErrorCode.INVALID_INPUT, "an account has 1-10 holders", field="holders")
        account = await open_account_service(
            product_code=input.product_code,
            holders=[(h.member_number.strip()[:20], HolderRole(h.role.value)) for h in input.holders],
            branch_code=input.branch_code,
            opened_on=input.opened_on,
        )
        account = await Account.get(id=account.id).select_related("ledger_account")
        return OpenAccountPayload(account=AccountType.from_model(account))

    return await run(OpenAccountPayload, act)

"""``reactivateAccount``: a manager makes an inoperative account active again after a KYC check."""

from __future__ import annotations

import strawberry

from bankcore.inoperative.service import reactivate_account as reactivate_service
from graphql_api.context import Context
from graphql_api.errors import UserError
from graphql_api.mutations._base import run
from graphql_api.types.account import AccountType


@strawberry.type(description="Result of reactivateAccount.")
class ReactivateAccountPayload:
    account: AccountType | None = strawberry.field(default=None, description="The account, active again.")
    user_errors: list[UserError] = strawberry.field(
        default_factory=list,
        description="NOT_FOUND, ACCOUNT_NOT_ACTIVE (not inoperative), KYC_INCOMPLETE (a holder's KYC is not verified).",
    )


async def reactivate_account(info: strawberry.Info[Context, None], account_number: str) -> ReactivateAccountPayload:
    """Manager, admin: reactivate an inoperative account once every holder's KYC is verified."""

    async def act() -> ReactivateAccountPayload:
        account = await reactivate_service(account_number=account_number, reactivated_by=info.context.actor)
        return ReactivateAccountPayload(account=AccountType.from_model(account))

    return await run(ReactivateAccountPayload, act)

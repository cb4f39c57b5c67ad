from __future__ import annotations

import strawberry

from bankcore.errors import DomainError, ErrorCode
from bankcore.models import Account, AccountHolder, HolderRole
from bankcore.services.accounts import set_nominee as set_nominee_service
from graphql_api.context import Context
from graphql_api.errors import UserError
from graphql_api.mutations._base import run
from graphql_api.types.account import AccountType


@strawberry.type(description="Result of setNominee.")
class SetNomineePayload:
    account: AccountType | None = strawberry.field(default=None, description="The account with its holders, nominee included.")
    user_errors: list[UserError] = strawberry.field(default_factory=list, description="Why it was refused.")


async def set_nominee(
    info: strawberry.Info[Context, None], account_number: str, nominee_member_number: str | None = None
) -> SetNomineePayload:
    """A member may name the nominee of an account they own or hold jointly; staff of any account."""

    async def act() -> SetNomineePayload:
        ctx = info.context
        number = account_number.replace(" ", "")[:20]
        if not ctx.is_staff:
            account = await Account.get_or_none(number=number).only("id")
            owns = account is not None and await AccountHolder.exists(
                account_id=account.id, member_id=ctx.principal.member_id, role__in=(HolderRole.OWNER, HolderRole.JOINT)
            )
            if not owns:
                raise DomainError(ErrorCode.NOT_FOUND, f"no account {number}", field="account_number")
        account = await set_nominee_service(
            account_number=number, nominee_member_number=nominee_member_number[:20] if nominee_member_number else None
        )
        return SetNomineePayload(account=AccountType.from_model(account))

    return await run(SetNomineePayload, act)

"""Root fields of the transfers domain: ``TransfersQuery``."""

from __future__ import annotations

import strawberry

from bankcore.transfers.member import check_payee
from graphql_api.context import Context
from graphql_api.errors import UserError
from graphql_api.mutations._base import run
from graphql_api.policy import RootFieldPolicy

GUARD = [RootFieldPolicy]


@strawberry.type(name="TransferPayee", description="An account of the bank that can take a transfer, as the payer may see it.")
class TransferPayeeType:
    account_number: str = strawberry.field(description="The account number, checked (12 digits, Luhn check digit).")
    masked_name: str = strawberry.field(description="The first holder's name masked: first letters only, e.g. R**** K****.")
    own_account: bool = strawberry.field(description="True when the caller holds it (own transfers are not limited).")


@strawberry.type(description="The payee check: the payee, or why the account cannot be paid.")
class TransferPayeePayload:
    payee: TransferPayeeType | None = strawberry.field(default=None, description="The payee, when the account can be paid.")
    user_errors: list[UserError] = strawberry.field(
        default_factory=list, description="INVALID_ACCOUNT_NUMBER, NOT_FOUND or ACCOUNT_NOT_ACTIVE.")


@strawberry.type
class TransfersQuery:
    @strawberry.field(description="Check an account number before a transfer: check digit, existence, status; the holder's "
                                  "name comes back masked for the confirmation.", permission_classes=GUARD)
    async def transfer_payee(self, info: strawberry.Info[Context, None], account_number: str) -> TransferPayeePayload:
        principal = info.context.principal
        member_id = principal.member_id if principal is not None and principal.kind == "member" else None

        async def act() -> TransferPayeePayload:
            check = await check_payee(account_number=account_number[:40], member_id=member_id)
            return TransferPayeePayload(payee=TransferPayeeType(account_number=check.account_number,
                                                                masked_name=check.masked_name, own_account=check.own_account))

        return await run(TransferPayeePayload, act)

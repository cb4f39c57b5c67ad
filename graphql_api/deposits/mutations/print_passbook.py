from __future__ import annotations

import strawberry

from bankcore.reports.passbook import print_passbook as print_lines
from graphql_api.context import Context
from graphql_api.deposits.documents import PassbookPrintType, PrintPassbookPayload
from graphql_api.deposits.mutations._common import member_id_of
from graphql_api.mutations._base import run


@strawberry.input(description="Print the passbook lines of an account not printed yet.")
class PrintPassbookInput:
    account_number: str = strawberry.field(description="The savings or current account (members: one they hold).")
    from_start: bool = strawberry.field(default=False, description="Reprint from the first line on page 1 (a new passbook).")


async def print_passbook(info: strawberry.Info[Context, None], input: PrintPassbookInput) -> PrintPassbookPayload:
    async def act() -> PrintPassbookPayload:
        printout = await print_lines(account_number=input.account_number, initiator=info.context.actor,
                                     member_id=member_id_of(info.context), from_start=input.from_start)
        return PrintPassbookPayload(print=PassbookPrintType.of(printout))

    return await run(PrintPassbookPayload, act)

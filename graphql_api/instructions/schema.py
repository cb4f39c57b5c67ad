"""Root fields of standing instructions: ``standingInstructions``, create and cancel."""

from __future__ import annotations

import strawberry

from bankcore.models import Account, StandingInstruction
from graphql_api.context import Context
from graphql_api.instructions.mutations.cancel_standing_instruction import cancel_standing_instruction
from graphql_api.instructions.mutations.create_standing_instruction import create_standing_instruction
from graphql_api.instructions.types import StandingInstructionType, instruction_types
from graphql_api.policy import RootFieldPolicy
from graphql_api.scope import visible_account_ids

GUARD = [RootFieldPolicy]
MAX_ROWS = 100


@strawberry.type
class InstructionsQuery:
    @strawberry.field(description="Standing instructions paying from the account (members: accounts they hold), "
                                  "or, without an account, all the caller may see; newest first, at most 100.",
                      permission_classes=GUARD)
    async def standing_instructions(self, info: strawberry.Info[Context, None], account_number: str | None = None,
                                    first: int = 50) -> list[StandingInstructionType]:
        visible = await visible_account_ids(info.context)
        query = StandingInstruction.all()
        if account_number is not None:
            account = await Account.get_or_none(number="".join(account_number.split())[:20]).only("id")
            if account is None or (visible is not None and account.id not in visible):
                return []
            query = query.filter(from_account_id=account.id)
        elif visible is not None:
            query = query.filter(from_account_id__in=list(visible))
        rows = await query.select_related("from_account", "to_account").order_by("-id").limit(max(1, min(first, MAX_ROWS)))
        return await instruction_types(list(rows))


@strawberry.type
class InstructionsMutation:
    create_standing_instruction = strawberry.mutation(
        resolver=create_standing_instruction, permission_classes=GUARD,
        description="Set up a monthly or quarterly payment to another account of the bank, paid by day-end.")
    cancel_standing_instruction = strawberry.mutation(
        resolver=cancel_standing_instruction, permission_classes=GUARD, description="Stop a standing instruction.")

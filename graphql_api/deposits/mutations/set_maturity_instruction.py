from __future__ import annotations

import strawberry

from bankcore.deposits.service import set_maturity_instruction as set_instruction
from bankcore.models import MaturityInstruction
from graphql_api.context import Context
from graphql_api.deposits.mutations._common import DepositPayload, member_id_of, payload
from graphql_api.deposits.types import MaturityInstructionEnum
from graphql_api.mutations._base import run


@strawberry.input(description="Change what happens to an active fixed deposit at maturity.")
class SetMaturityInstructionInput:
    deposit_number: str = strawberry.field(description="The deposit; a member's own.")
    maturity_instruction: MaturityInstructionEnum = strawberry.field(description="CREDIT_SAVINGS, RENEW_PRINCIPAL or RENEW_ALL.")
    idempotency_key: str | None = strawberry.field(default=None, description="Optional: the change is idempotent by nature.")


async def set_maturity_instruction(info: strawberry.Info[Context, None], input: SetMaturityInstructionInput) -> DepositPayload:
    async def act() -> DepositPayload:
        value = input.maturity_instruction
        deposit = await set_instruction(deposit_number=input.deposit_number,
                                        instruction=MaturityInstruction(value.value if hasattr(value, "value") else value),
                                        member_id=member_id_of(info.context))
        return await payload(deposit)

    return await run(DepositPayload, act)

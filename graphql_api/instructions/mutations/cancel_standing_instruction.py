"""``cancelStandingInstruction``: stop an instruction (its member, or staff)."""

from __future__ import annotations

import strawberry

from bankcore.errors import DomainError, ErrorCode
from bankcore.instructions.service import cancel_standing_instruction as cancel_service
from bankcore.instructions.service import member_may_use
from bankcore.models import StandingInstruction
from graphql_api.context import Context
from graphql_api.errors import UserError
from graphql_api.instructions.types import StandingInstructionType, instruction_types
from graphql_api.mutations._base import run


@strawberry.type(description="Result of cancelStandingInstruction.")
class CancelStandingInstructionPayload:
    instruction: StandingInstructionType | None = strawberry.field(default=None, description="The instruction, cancelled.")
    user_errors: list[UserError] = strawberry.field(default_factory=list, description="Why it was refused.")


async def cancel_standing_instruction(info: strawberry.Info[Context, None], id: strawberry.ID) -> CancelStandingInstructionPayload:
    """Members for instructions paying from accounts they hold; staff for any. Loans' and deposits' own
    instructions are cancelled by their domain, not here."""

    async def act() -> CancelStandingInstructionPayload:
        ctx = info.context
        key = int(id) if str(id).isdigit() and len(str(id)) < 19 else 0
        si = await StandingInstruction.get_or_none(id=key)
        mine = si is not None and (ctx.is_staff or await member_may_use(ctx.principal.member_id, si.from_account_id))  # type: ignore[attr-defined]
        if not mine:
            raise DomainError(ErrorCode.NOT_FOUND, "no such standing instruction", field="id")
        if si.purpose != "transfer":
            raise DomainError(ErrorCode.INVALID_INPUT, f"this instruction belongs to a {si.purpose}", field="id")
        await cancel_service(instruction_id=si.id, cancelled_by=ctx.actor)
        si = await StandingInstruction.get(id=si.id).select_related("from_account", "to_account")
        return CancelStandingInstructionPayload(instruction=(await instruction_types([si]))[0])

    return await run(CancelStandingInstructionPayload, act)

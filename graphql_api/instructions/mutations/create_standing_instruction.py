"""``createStandingInstruction``: a member (from an account they hold) or staff sets up an instruction."""

from __future__ import annotations

from datetime import date

import strawberry

from bankcore.errors import DomainError, ErrorCode
from bankcore.instructions.service import create_standing_instruction as create_service
from bankcore.instructions.service import member_may_use
from bankcore.models import Account, StandingInstruction
from graphql_api.context import Context
from graphql_api.errors import UserError
from graphql_api.instructions.types import FrequencyEnum, StandingInstructionType, instruction_types
from graphql_api.mutations._base import run
from graphql_api.types.money import MoneyInput


@strawberry.input(description="A new standing instruction.")
class CreateStandingInstructionInput:
    from_account_number: str = strawberry.field(description="Pay from this account (a member: one they own or hold jointly).")
    to_account_number: str = strawberry.field(description="Pay to this account of the bank.")
    amount: MoneyInput = strawberry.field(description="Each payment.")
    frequency: FrequencyEnum = strawberry.field(description="MONTHLY or QUARTERLY.")  # type: ignore[valid-type]
    day_of_month: int = strawberry.field(description="1-31; 29-31 fall on the last day of shorter months.")
    start_date: date = strawberry.field(description="First possible payment date (not before the business date).")
    end_date: date | None = strawberry.field(default=None, description="Last possible payment date.")
    narration: str | None = strawberry.field(default=None, description="What the payments say (140 characters).")


@strawberry.type(description="Result of createStandingInstruction.")
class CreateStandingInstructionPayload:
    instruction: StandingInstructionType | None = strawberry.field(default=None, description="The instruction.")
    user_errors: list[UserError] = strawberry.field(default_factory=list, description="Why it was refused.")


async def create_standing_instruction(info: strawberry.Info[Context, None],
                                      input: CreateStandingInstructionInput) -> CreateStandingInstructionPayload:
    """Members from accounts they own or hold jointly; clerk, cashier, manager, admin for any account."""

    async def act() -> CreateStandingInstructionPayload:
        ctx = info.context
        if not ctx.is_staff:
            source = await Account.get_or_none(number="".join(input.from_account_number.split())[:20]).only("id")
            if source is None or not await member_may_use(ctx.principal.member_id, source.id):
                raise DomainError(ErrorCode.NOT_FOUND, "no such account to pay from", field="from_account_number")
        created = await create_service(
            from_account_number=input.from_account_number, to_account_number=input.to_account_number,
            amount=input.amount.to_money(), frequency=input.frequency, day_of_month=input.day_of_month,
            start_date=input.start_date, end_date=input.end_date, narration=input.narration, created_by=ctx.actor,
        )
        si = await StandingInstruction.get(id=created.id).select_related("from_account", "to_account")
        return CreateStandingInstructionPayload(instruction=(await instruction_types([si]))[0])

    return await run(CreateStandingInstructionPayload, act)

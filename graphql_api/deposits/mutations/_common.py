"""What the deposit mutations share: the payload, the acting member, the step-up for members."""

from __future__ import annotations

import strawberry

from bankcore.calendar.business_date import business_date
from bankcore.identity.step_up import verify_step_up
from bankcore.models import TermDeposit
from graphql_api.context import Context
from graphql_api.deposits.types import DepositType
from graphql_api.errors import UserError
from graphql_api.payments.mutations.request_step_up_code import StepUpInput


@strawberry.type(description="The deposit after the change.")
class DepositPayload:
    number: str | None = strawberry.field(default=None, description="The deposit's number.")
    deposit: DepositType | None = strawberry.field(default=None, description="The deposit.")
    replayed: bool = strawberry.field(default=False, description="True when this idempotency key did it before.")
    user_errors: list[UserError] = strawberry.field(default_factory=list, description="Why it was refused.")


async def payload(deposit: TermDeposit, *, replayed: bool = False) -> DepositPayload:
    return DepositPayload(number=deposit.number, deposit=await DepositType.of(deposit, await business_date()),
                          replayed=replayed)


def member_id_of(ctx: Context) -> int | None:
    """The member acting for themselves, or None for staff (who act for any member)."""
    if ctx.is_staff:
        return None
    if ctx.principal is None or ctx.principal.member_id is None:
        return -1  # matches no deposit: answered as not found
    return ctx.principal.member_id


async def member_step_up(ctx: Context, step_up: StepUpInput | None) -> None:
    """Members confirm moving money into a deposit with a fresh one-time code (staff need none)."""
    member_id = member_id_of(ctx)
    if member_id is None:
        return
    await verify_step_up(member_id=member_id, challenge_token=step_up.challenge_token if step_up else None,
                         code=step_up.code if step_up else None)

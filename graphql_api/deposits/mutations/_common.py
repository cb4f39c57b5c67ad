"""What the deposit mutations share: the payload, the acting member, the step-up for members,
and opening a deposit for the caller (``open_for_caller``: both opening mutations)."""

from __future__ import annotations

import strawberry

from bankcore.calendar.business_date import business_date
from bankcore.deposits.service import open_deposit
from bankcore.errors import DomainError, ErrorCode
from bankcore.identity.step_up import verify_step_up
from bankcore.models import DepositKind, InterestPayout, MaturityInstruction, TermDeposit
from bankcore.money import Money
from graphql_api.context import Context
from graphql_api.deposits.types import DepositType
from graphql_api.errors import UserError
from graphql_api.mutations._base import run
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


def _plain(value: object) -> str:
    """An enum argument as its value (Strawberry hands over the enum member)."""
    return str(getattr(value, "value", value))


async def open_for_caller(
    ctx: Context,
    *,
    kind: DepositKind,
    product_code: str,
    amount: Money,
    tenure_months: int,
    from_account_number: str,
    idempotency_key: str,
    from_cash: bool,
    form60: bool,
    step_up: StepUpInput | None,
    payout: object = InterestPayout.CUMULATIVE,
    maturity_instruction: object = MaturityInstruction.CREDIT_SAVINGS,
) -> DepositPayload:
    """Open a fixed or recurring deposit as the caller: a member from their own account with a
    step-up code (never from cash: cash is paid in at the counter), staff for any member.

    A retry with a known idempotency key skips the step-up (the code was spent on the first
    attempt) and answers the first deposit. Refusals are ``userErrors`` (``run``).
    """

    async def act() -> DepositPayload:
        member_id = member_id_of(ctx)
        if member_id is not None and (from_cash or form60):
            raise DomainError(ErrorCode.INVALID_INPUT, "cash is paid in at the counter", field="from_cash")
        key = idempotency_key
        if not (await TermDeposit.exists(idempotency_key=key) if key and len(key) <= 100 else False):
            await member_step_up(ctx, step_up)
        opened = await open_deposit(
            kind=kind, product_code=product_code, amount=amount, tenure_months=tenure_months,
            from_account_number=from_account_number, initiator=ctx.actor, payout=InterestPayout(_plain(payout)),
            maturity_instruction=MaturityInstruction(_plain(maturity_instruction)), from_cash=from_cash,
            form60=form60, idempotency_key=key, member_id=member_id,
        )
        return await payload(opened.deposit, replayed=opened.replayed)

    return await run(DepositPayload, act)

from __future__ import annotations

import strawberry

from bankcore.errors import DomainError, ErrorCode
from bankcore.identity.step_up import verify_step_up
from bankcore.models import Payee, Payout, PayoutMode
from bankcore.payments.payouts import dispatch_payout, payout_needs_step_up, submit_payout
from graphql_api.context import Context
from graphql_api.errors import UserError
from graphql_api.mutations._base import run
from graphql_api.payments.access import acting_member_id, visible_account
from graphql_api.payments.mutations.request_step_up_code import StepUpInput
from graphql_api.payments.types import PayoutModeEnum, PayoutType
from graphql_api.types.money import MoneyInput


@strawberry.input(description="Send money to a saved payee at another bank.")
class CreatePayoutInput:
    account_number: str = strawberry.field(description="Paying account (savings or current); a member must hold it.")
    payee_id: strawberry.ID = strawberry.field(description="A saved payee (addPayee).")
    amount: MoneyInput = strawberry.field(description="Positive amount in the account's currency.")
    mode: PayoutModeEnum = strawberry.field(description="NEFT or IMPS to a bank account, UPI to a UPI address.")
    idempotency_key: str = strawberry.field(description="Unique per attempt (1-100 characters); also the gateway's X-Payout-Idempotency.")
    narration: str | None = strawberry.field(default=None, description="Remark for the beneficiary's statement (30 characters).")
    step_up: StepUpInput | None = strawberry.field(default=None, description="The member's one-time code, needed above the step-up amount.")


@strawberry.type(description="The payment as it stands after submission.")
class CreatePayoutPayload:
    payout: PayoutType | None = strawberry.field(default=None, description="The payment to the other bank.")
    replayed: bool = strawberry.field(default=False, description="True when this key sent it before.")
    user_errors: list[UserError] = strawberry.field(default_factory=list, description="Why it was refused.")


async def payout_type(payout: Payout, account_number: str) -> PayoutType:
    return PayoutType.of(payout, account_number, await Payee.get(id=payout.payee_id))


async def create_payout(info: strawberry.Info[Context, None], input: CreatePayoutInput) -> CreatePayoutPayload:
    async def act() -> CreatePayoutPayload:
        account = await visible_account(info.context, input.account_number)
        money = input.amount.to_money()
        if not str(input.payee_id).isdigit():
            raise DomainError(ErrorCode.NOT_FOUND, "no such payee", field="payee_id")
        verified = False
        if await payout_needs_step_up(money.amount_minor) and not await Payout.exists(idempotency_key=input.idempotency_key):
            payee = await Payee.get_or_none(id=int(input.payee_id))
            # Staff act for the member who owns the payee: the code goes to that member.
            member_id = payee.member_id if payee is not None and info.context.is_staff else \
                await acting_member_id(info.context, None, account)
            step = input.step_up
            await verify_step_up(member_id=member_id, challenge_token=step.challenge_token if step else None,
                                 code=step.code if step else None)
            verified = True
        mode = PayoutMode(input.mode.value if hasattr(input.mode, "value") else input.mode)
        payout, replayed = await submit_payout(
            account_number=account.number, payee_id=int(input.payee_id), amount=money, mode=mode,
            idempotency_key=input.idempotency_key, initiator=info.context.actor, narration=input.narration,
            step_up_verified=verified,
        )
        payout = await dispatch_payout(payout.id)  # HELD stays HELD if the gateway does not answer: polling resends
        return CreatePayoutPayload(payout=await payout_type(payout, account.number), replayed=replayed)

    return await run(CreatePayoutPayload, act)


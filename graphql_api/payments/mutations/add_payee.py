from __future__ import annotations

import strawberry

from bankcore.errors import DomainError, ErrorCode
from bankcore.identity.step_up import verify_step_up
from bankcore.payments.payees import add_payee as add_payee_service
from bankcore.payments.payees import normalise_bank_account, normalise_ifsc, normalise_vpa
from bankcore.payments.payees import remove_payee as remove_payee_service
from bankcore.transfers.member import add_internal_payee
from graphql_api.context import Context
from graphql_api.errors import UserError
from graphql_api.mutations._base import run
from graphql_api.payments.access import acting_member_id
from graphql_api.payments.mutations.request_step_up_code import StepUpInput
from graphql_api.payments.types import PayeeType


@strawberry.input(description="A payee: an account of this bank, or at another bank an IFSC and account number, or a UPI address.")
class AddPayeeInput:
    name: str = strawberry.field(description="Beneficiary's name (2-100 characters).")
    ifsc: str | None = strawberry.field(default=None, description="11 characters: 4 letters, 0, 6 letters or digits.")
    bank_account_number: str | None = strawberry.field(default=None, description="6-18 digits.")
    vpa: str | None = strawberry.field(default=None, description="UPI address, name@bank.")
    step_up: StepUpInput | None = strawberry.field(default=None, description="The member's one-time code (required).")
    member_number: str | None = strawberry.field(default=None, description="Staff: the member the payee is for.")
    account_number: str | None = strawberry.field(default=None, description="An account of this bank (12 digits): an INTERNAL payee, for transferFunds; no step-up code needed (a new payee has a lower limit for its first hours).")


@strawberry.type(description="The saved payee.")
class AddPayeePayload:
    payee: PayeeType | None = strawberry.field(default=None, description="The saved payee.")
    user_errors: list[UserError] = strawberry.field(default_factory=list, description="Why it was refused.")


@strawberry.type(description="Whether the payee was removed.")
class RemovePayeePayload:
    removed: bool = strawberry.field(default=False, description="True when the payee was removed.")
    user_errors: list[UserError] = strawberry.field(default_factory=list, description="Why it was refused.")


async def add_payee(info: strawberry.Info[Context, None], input: AddPayeeInput) -> AddPayeePayload:
    async def act() -> AddPayeePayload:
        member_id = await acting_member_id(info.context, input.member_number)
        if input.account_number:
            if input.vpa or input.ifsc or input.bank_account_number:
                raise DomainError(ErrorCode.INVALID_INPUT, "an account of this bank needs no IFSC or UPI address",
                                  field="account_number")
            payee = await add_internal_payee(member_id=member_id, name=input.name, account_number=input.account_number)
            return AddPayeePayload(payee=PayeeType.of(payee))
        # Formats first, so a typo costs no code.
        if input.vpa:
            normalise_vpa(input.vpa)
        else:
            normalise_ifsc(input.ifsc or "")
            normalise_bank_account(input.bank_account_number or "")
        step = input.step_up
        await verify_step_up(member_id=member_id, challenge_token=step.challenge_token if step else None,
                             code=step.code if step else None)
        payee = await add_payee_service(member_id=member_id, name=input.name, ifsc=input.ifsc,
                                        bank_account_number=input.bank_account_number, vpa=input.vpa)
        return AddPayeePayload(payee=PayeeType.of(payee))

    return await run(AddPayeePayload, act)


async def remove_payee(info: strawberry.Info[Context, None], payee_id: strawberry.ID, member_number: str | None = None) -> RemovePayeePayload:
    async def act() -> RemovePayeePayload:
        member_id = await acting_member_id(info.context, member_number)
        if not str(payee_id).isdigit() or not await remove_payee_service(member_id=member_id, payee_id=int(payee_id)):
            raise DomainError(ErrorCode.NOT_FOUND, "no such payee", field="payee_id")
        return RemovePayeePayload(removed=True)

    return await run(RemovePayeePayload, act)

from __future__ import annotations

from typing import Annotated

import strawberry

from bankcore.chart import CASH
from bankcore.errors import DomainError, ErrorCode
from bankcore.identity.step_up import verify_step_up
from bankcore.loans.foreclosure import close_loan as close_service
from bankcore.loans.foreclosure import foreclosure_quote
from bankcore.models import JournalEntry
from bankcore.services._lookup import gl_account_id
from graphql_api.context import Context
from graphql_api.loans.access import visible_loan
from graphql_api.loans.mutations._payloads import LoanRepaymentPayload, paying_account, repayment_payload
from graphql_api.mutations._base import run
from graphql_api.payments.mutations.request_step_up_code import StepUpInput
from graphql_api.types.money import MoneyInput


async def close_loan(
    info: strawberry.Info[Context, None], loan_number: str, idempotency_key: str,
    from_account_number: str | None = None,
    expected_total: Annotated[MoneyInput | None, strawberry.argument(
        description="The foreclosure quote's total the payer reviewed: refused with QUOTE_CHANGED when today's quote "
                    "differs (nothing is paid).")] = None,
    step_up: Annotated[StepUpInput | None, strawberry.argument(
        description="Members: the one-time code from requestStepUpCode (the whole outstanding leaves their account). "
                    "Not needed on a retry with a used idempotency key.")] = None,
) -> LoanRepaymentPayload:
    """Foreclosure: pays today's foreclosure quote and closes the loan."""
    ctx = info.context

    async def act() -> LoanRepaymentPayload:
        loan = await visible_loan(ctx, loan_number)
        source = await paying_account(ctx, from_account_number)
        expected = expected_total.to_money() if expected_total is not None else None
        if expected is not None and expected.currency != loan.currency:
            raise DomainError(ErrorCode.CURRENCY_MISMATCH, f"the loan is in {loan.currency}", field="expected_total")
        # a retry with a used key answers the first closure (the service's replay): no new checks, no code
        first_attempt = not await JournalEntry.exists(idempotency_key=idempotency_key)
        if first_attempt and expected is not None and \
                (await foreclosure_quote(loan_number=loan_number)).total_minor != expected.amount_minor:
            # (checked again in the closing transaction; here so that no one-time code is spent on a stale quote)
            raise DomainError(ErrorCode.QUOTE_CHANGED, "the amount to close the loan has changed: look at the new quote",
                              field="expected_total")
        if first_attempt and not ctx.is_staff:
            member_id = ctx.principal.member_id if ctx.principal is not None else None
            if member_id is None:  # a partner: only members and staff close loans
                raise DomainError(ErrorCode.NOT_FOUND, "no such loan", field="loan_number")
            await verify_step_up(member_id=member_id, challenge_token=step_up.challenge_token if step_up else None,
                                 code=step_up.code if step_up else None)
        result = await close_service(loan_number=loan_number, initiator=ctx.actor, idempotency_key=idempotency_key,
                                     from_account_number=source,
                                     debit_ledger_account_id=None if source else await gl_account_id(CASH, loan.currency),
                                     expected_total_minor=expected.amount_minor if expected is not None else None)
        return await repayment_payload(result)

    return await run(LoanRepaymentPayload, act)

"""Payloads shared by the loans mutations."""

from __future__ import annotations

import strawberry

from bankcore.errors import DomainError, ErrorCode
from bankcore.loans.repayment import RepaymentResult
from bankcore.models import Account, Loan
from graphql_api.context import Context
from graphql_api.errors import UserError
from graphql_api.loans.access import loan_detail
from graphql_api.loans.types import LoanDetailType
from graphql_api.types.money import MoneyType


@strawberry.type(description="A loan after a change of its state.")
class LoanPayload:
    loan: LoanDetailType | None = strawberry.field(default=None, description="The loan.")
    user_errors: list[UserError] = strawberry.field(default_factory=list, description="Why it was refused.")


@strawberry.type(description="A payment to a loan and how it was allocated (charges, interest, principal, prepayment).")
class LoanRepaymentPayload:
    loan: LoanDetailType | None = strawberry.field(default=None, description="The loan after the payment.")
    entry_id: strawberry.ID | None = strawberry.field(default=None, description="The journal entry.")
    principal: MoneyType | None = strawberry.field(default=None, description="To principal (prepayment included).")
    interest: MoneyType | None = strawberry.field(default=None, description="To interest.")
    charges: MoneyType | None = strawberry.field(default=None, description="To penal charges.")
    prepaid: MoneyType | None = strawberry.field(default=None, description="Of which a prepayment.")
    closed: bool = strawberry.field(default=False, description="The loan is now closed.")
    replayed: bool = strawberry.field(default=False, description="This key was used before: the first result.")
    user_errors: list[UserError] = strawberry.field(default_factory=list, description="Why it was refused.")


async def loan_payload(loan: Loan) -> LoanPayload:
    return LoanPayload(loan=await loan_detail(await Loan.get(id=loan.id)))


async def repayment_payload(result: RepaymentResult) -> LoanRepaymentPayload:
    loan = await Loan.get(id=result.loan_id)
    c = loan.currency
    return LoanRepaymentPayload(
        loan=await loan_detail(loan), entry_id=strawberry.ID(str(result.entry.entry_id)),
        principal=MoneyType.minor(result.principal_minor, c), interest=MoneyType.minor(result.interest_minor, c),
        charges=MoneyType.minor(result.charges_minor, c), prepaid=MoneyType.minor(result.prepaid_minor, c),
        closed=result.closed, replayed=result.replayed,
    )


async def paying_account(ctx: Context, number: str | None) -> str | None:
    """A member pays only from an account they operate; staff from any (cash when none is given, cashiers)."""
    if number is None:
        if not ctx.is_staff:
            raise DomainError(ErrorCode.INVALID_INPUT, "name the account to pay from", field="from_account_number")
        return None
    from graphql_api.payments.access import visible_account

    account: Account = await visible_account(ctx, number, field="from_account_number")
    return account.number

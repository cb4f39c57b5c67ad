"""Who may see which loan, and building a loan's GraphQL detail (unknown and forbidden look the same)."""

from __future__ import annotations

from bankcore.calendar.business_date import business_date
from bankcore.errors import DomainError, ErrorCode
from bankcore.loans.book import loan_book
from bankcore.loans.lifecycle import eligibility, find_loan
from bankcore.loans.foreclosure import foreclosure_quote
from bankcore.loans.repayment import instalment_rows
from bankcore.models import Loan, LoanStatus
from graphql_api.context import Context
from graphql_api.loans.types import (
    EligibilityCheckType,
    ForeclosureQuoteType,
    LoanDetailType,
    LoanInstalmentType,
    LoanType,
)
from graphql_api.scope import visible_account_ids
from graphql_api.types.money import MoneyType


async def can_see_loan(ctx: Context, loan: Loan) -> bool:
    visible = await visible_account_ids(ctx)
    if visible is None:
        return True
    member_id = ctx.principal.member_id if ctx.principal is not None else None
    return (member_id is not None and loan.member_id == member_id) or loan.account_id in visible or \
        loan.repayment_account_id in visible


async def visible_loan(ctx: Context, loan_number: str) -> Loan:
    """The loan if the caller may see it; else ``DomainError(NOT_FOUND)``."""
    try:
        loan = await find_loan(loan_number)
    except DomainError:
        loan = None
    if loan is None or not await can_see_loan(ctx, loan):
        raise DomainError(ErrorCode.NOT_FOUND, "no such loan", field="loan_number")
    return loan


async def loan_detail(loan: Loan) -> LoanDetailType:
    today = await business_date()
    [row] = await loan_book(loan_ids=[loan.id], as_of=today)
    c = loan.currency
    rows = await instalment_rows(loan.id)  # penal charges computed on read
    schedule = [LoanInstalmentType.of(r, c, today) for r in rows]
    if not rows and loan.status in (LoanStatus.APPLIED, LoanStatus.RECOMMENDED, LoanStatus.SANCTIONED):
        from bankcore.loans.lifecycle import preview_schedule
        from bankcore.models import LoanProduct

        product = await LoanProduct.get_or_none(id=loan.loan_product_id) if loan.loan_product_id else None
        if product is not None:
            preview = preview_schedule(product, amount_minor=loan.amount_minor, tenure_months=loan.duration_months,
                                       disbursal_date=max(today, loan.granted_on), annual_rate_bps=loan.annual_rate_bps)
            schedule = [LoanInstalmentType(number=r.number, due_date=r.due_date, principal=MoneyType.minor(r.principal_minor, c),
                                           interest=MoneyType.minor(r.interest_minor, c),
                                           instalment=MoneyType.minor(r.instalment_minor, c), charges=MoneyType.minor(0, c),
                                           paid=MoneyType.minor(0, c), state="PREVIEW") for r in preview.rows]
    quote = None
    if loan.status == LoanStatus.ACTIVE:
        q = await foreclosure_quote(loan_number=row.loan_number)
        quote = ForeclosureQuoteType(as_of=q.as_of, principal=MoneyType.minor(q.principal_minor, c),
                                     interest_due=MoneyType.minor(q.interest_due_minor, c),
                                     charges_due=MoneyType.minor(q.charges_due_minor, c),
                                     accrued_interest=MoneyType.minor(q.accrued_interest_minor, c),
                                     total=MoneyType.minor(q.total_minor, c))
    checks = [EligibilityCheckType(code=e.code, ok=e.ok, detail=e.detail) for e in await eligibility(loan)] \
        if loan.status in (LoanStatus.APPLIED, LoanStatus.RECOMMENDED) else []
    return LoanDetailType(
        loan=LoanType.of(row), annual_rate_bps=loan.annual_rate_bps, tenure_months=loan.duration_months,
        emi=MoneyType.minor(loan.instalment_minor, c), fee=MoneyType.minor(loan.fee_minor, c),
        gst=MoneyType.minor(loan.gst_minor, c), purpose=loan.purpose, applied_on=loan.applied_on,
        disbursed_on=loan.disbursed_on, closed_on=loan.closed_on, recommended_by=loan.recommended_by,
        sanctioned_by=loan.sanctioned_by,
        awaiting_second_approval=loan.status == LoanStatus.RECOMMENDED and loan.sanctioned_by is not None,
        decision_reason=loan.decision_reason, restructured=loan.restructured, schedule=schedule,
        eligibility=checks, foreclosure_quote=quote, loan_id=loan.id,
    )

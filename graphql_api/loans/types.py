"""GraphQL types of the loans domain."""

from __future__ import annotations

import base64
from datetime import date
from enum import Enum

import strawberry

from bankcore.loans.book import LoanBookRow
from bankcore.loans.demand import DemandRow
from bankcore.models import Loan, LoanInstalment, LoanProduct
from graphql_api.types.money import MoneyType

LoanStatusEnum = strawberry.enum(
    Enum("LoanStatus", {s: s for s in ("APPLIED", "RECOMMENDED", "SANCTIONED", "ACTIVE", "CLOSED", "WRITTEN_OFF", "REJECTED")}),
    description="Where a loan is in its life.",
)
AssetClassEnum = strawberry.enum(
    Enum("AssetClass", {s: s for s in ("STANDARD", "SMA_0", "SMA_1", "SMA_2", "SUBSTANDARD", "DOUBTFUL_1", "DOUBTFUL_2",
                                       "DOUBTFUL_3", "LOSS")}),
    description="RBI asset class (SMA bands for performing loans; NPA classes by age).",
)
PrepaymentModeEnum = strawberry.enum(
    Enum("PrepaymentMode", {"REDUCE_TENURE": "reduce-tenure", "REDUCE_EMI": "reduce-emi"}),
    description="What a part-prepayment reduces: the number of instalments or the EMI.",
)


@strawberry.type(name="LoanProduct", description="A loan product's rules.")
class LoanProductType:
    code: str = strawberry.field(description="Product code.")
    name: str = strawberry.field(description="Name shown to members.")
    method: str = strawberry.field(description="reducing, flat or equal-principal.")
    annual_rate_bps: int = strawberry.field(description="Interest rate a year, basis points.")
    min_amount: MoneyType = strawberry.field(description="Smallest loan.")
    max_amount: MoneyType = strawberry.field(description="Largest loan.")
    min_tenure_months: int = strawberry.field(description="Shortest tenure.")
    max_tenure_months: int = strawberry.field(description="Longest tenure.")
    processing_fee_bps: int = strawberry.field(description="Processing fee, bps of the principal (GST on top).")
    penal_rate_bps: int = strawberry.field(description="Penal charge a year on overdue instalments, bps.")
    guarantors_required: int = strawberry.field(description="Guarantors needed.")
    collateral_kinds: list[str] = strawberry.field(description="GOLD, DEPOSIT_LIEN, PROPERTY; empty when unsecured.")
    active: bool = strawberry.field(description="Open for applications.")

    @classmethod
    def of(cls, p: LoanProduct) -> LoanProductType:
        return cls(code=p.code, name=p.name, method=p.method, annual_rate_bps=p.annual_rate_bps,
                   min_amount=MoneyType.minor(p.min_amount_minor, p.currency),
                   max_amount=MoneyType.minor(p.max_amount_minor, p.currency),
                   min_tenure_months=p.min_tenure_months, max_tenure_months=p.max_tenure_months,
                   processing_fee_bps=p.processing_fee_bps, penal_rate_bps=p.penal_rate_bps,
                   guarantors_required=p.guarantors_required,
                   collateral_kinds=[k for k in p.collateral_kinds.split(",") if k], active=p.active)


@strawberry.type(name="LoanInstalment", description="One row of a loan's schedule and what has been paid of it.")
class LoanInstalmentType:
    number: int = strawberry.field(description="Instalment number, from 1.")
    due_date: date = strawberry.field(description="Due date.")
    principal: MoneyType = strawberry.field(description="Principal part.")
    interest: MoneyType = strawberry.field(description="Interest part.")
    instalment: MoneyType = strawberry.field(description="Principal plus interest.")
    charges: MoneyType = strawberry.field(description="Penal charges levied on it (overdue).")
    paid: MoneyType = strawberry.field(description="Paid so far (principal, interest and charges).")
    state: str = strawberry.field(description="PAID, OVERDUE, DUE (today) or UPCOMING.")

    @classmethod
    def of(cls, r: LoanInstalment, currency: str, today: date) -> LoanInstalmentType:
        paid = r.paid_principal_minor + r.paid_interest_minor + r.paid_penal_minor
        state = "PAID" if r.paid_on else "OVERDUE" if r.due_date < today else "DUE" if r.due_date == today else "UPCOMING"
        return cls(number=r.number, due_date=r.due_date, principal=MoneyType.minor(r.principal_minor, currency),
                   interest=MoneyType.minor(r.interest_minor, currency),
                   instalment=MoneyType.minor(r.principal_minor + r.interest_minor, currency),
                   charges=MoneyType.minor(r.penal_minor, currency), paid=MoneyType.minor(paid, currency), state=state)


@strawberry.type(name="EligibilityCheck", description="One eligibility rule and whether the application meets it.")
class EligibilityCheckType:
    code: str = strawberry.field(description="KYC_VERIFIED, NO_NPA_LOAN or GUARANTORS.")
    ok: bool = strawberry.field(description="Met.")
    detail: str = strawberry.field(description="For a person.")


@strawberry.type(name="ForeclosureQuote", description="What closing the loan today costs.")
class ForeclosureQuoteType:
    as_of: date = strawberry.field(description="The business date of the quote.")
    principal: MoneyType = strawberry.field(description="Principal outstanding.")
    interest_due: MoneyType = strawberry.field(description="Interest due and unpaid.")
    charges_due: MoneyType = strawberry.field(description="Penal charges unpaid.")
    accrued_interest: MoneyType = strawberry.field(description="Interest since the last due date (ACT/365).")
    total: MoneyType = strawberry.field(description="The amount that closes the loan.")


@strawberry.type(name="Loan", description="A loan: its terms, position as of the business date, and (on request) its schedule.")
class LoanType:
    loan_number: str = strawberry.field(description="The loan's number (its loan account's number).")
    source_ref: str | None = strawberry.field(description="Where an imported loan came from, e.g. berka-loan:5314.")
    member_number: str = strawberry.field(description="The borrower's member number.")
    account_number: str = strawberry.field(description="The savings account instalments are collected from.")
    product_code: str = strawberry.field(description="Loan product.")
    branch_code: str = strawberry.field(description="Branch of the loan account.")
    status: LoanStatusEnum = strawberry.field(description="Where the loan is in its life.")  # type: ignore[valid-type]
    principal: MoneyType = strawberry.field(description="Amount lent.")
    outstanding_principal: MoneyType = strawberry.field(description="Principal outstanding (the loan account's balance).")
    interest_due: MoneyType = strawberry.field(description="Interest due and unpaid.")
    charges_due: MoneyType = strawberry.field(description="Penal charges unpaid.")
    days_past_due: int = strawberry.field(description="Business date minus the oldest unpaid due date (0 when nothing is overdue).")
    asset_class: AssetClassEnum = strawberry.field(description="Asset class from the last day-end.")  # type: ignore[valid-type]
    next_due_date: date | None = strawberry.field(description="Next due date of an unpaid instalment.")
    provision: MoneyType = strawberry.field(description="Provision held against it at the last month end.")
    loan_id: strawberry.Private[int] = 0

    @classmethod
    def of(cls, r: LoanBookRow) -> LoanType:
        c = r.currency
        return cls(loan_number=r.loan_number, source_ref=r.source_ref or None, member_number=r.member_number,
                   account_number=r.account_number, product_code=r.product_code, branch_code=r.branch_code,
                   status=r.status, principal=MoneyType.minor(r.principal_minor, c),
                   outstanding_principal=MoneyType.minor(r.outstanding_principal_minor, c),
                   interest_due=MoneyType.minor(r.interest_due_minor, c), charges_due=MoneyType.minor(r.charges_due_minor, c),
                   days_past_due=r.days_past_due, asset_class=r.asset_class, next_due_date=r.next_due_date,
                   provision=MoneyType.minor(r.provision_minor, c), loan_id=r.loan_id)


@strawberry.type(name="LoanDetail", description="A loan with its terms, schedule, eligibility and foreclosure quote.")
class LoanDetailType:
    loan: LoanType = strawberry.field(description="The loan's position.")
    annual_rate_bps: int = strawberry.field(description="Interest rate a year, bps.")
    tenure_months: int = strawberry.field(description="Number of instalments.")
    emi: MoneyType = strawberry.field(description="The regular instalment.")
    fee: MoneyType = strawberry.field(description="Processing fee charged at disbursal.")
    gst: MoneyType = strawberry.field(description="GST on the fee.")
    purpose: str = strawberry.field(description="Purpose given in the application.")
    applied_on: date | None = strawberry.field(description="Application date.")
    disbursed_on: date | None = strawberry.field(description="Disbursal date.")
    closed_on: date | None = strawberry.field(description="Closure date.")
    recommended_by: str | None = strawberry.field(description="Who recommended it.")
    sanctioned_by: str | None = strawberry.field(description="Who sanctioned it.")
    awaiting_second_approval: bool = strawberry.field(description="Sanctioned once; above the limit a second approver is needed.")
    decision_reason: str | None = strawberry.field(description="Reason of a rejection or note.")
    restructured: bool = strawberry.field(description="Rescheduled (restructured) at some point.")
    schedule: list[LoanInstalmentType] = strawberry.field(description="The repayment schedule fixed at disbursal (a preview before).")
    eligibility: list[EligibilityCheckType] = strawberry.field(description="Eligibility checks as they stand.")
    foreclosure_quote: ForeclosureQuoteType | None = strawberry.field(description="Cost of closing today (ACTIVE loans).")
    loan_id: strawberry.Private[int] = 0

    @strawberry.field(description="The loan statement as of the business date (terms, position, schedule with what was "
                                  "paid, the loan account's transactions) as a PDF file, base64-encoded.")
    async def statement_pdf_base64(self) -> str:
        from graphql_api.loans.documents import loan_statement_pdf

        return base64.b64encode(await loan_statement_pdf(await Loan.get(id=self.loan_id))).decode()

    @strawberry.field(description="The no-dues certificate (PDF, base64-encoded) of a CLOSED loan; null otherwise.")
    async def no_dues_certificate_pdf_base64(self) -> str | None:
        from graphql_api.loans.documents import no_dues_certificate_pdf

        pdf = await no_dues_certificate_pdf(await Loan.get(id=self.loan_id))
        return None if pdf is None else base64.b64encode(pdf).decode()


@strawberry.type(name="LoanDemand", description="One unpaid instalment in the demand list (arrears and dues ahead).")
class LoanDemandType:
    loan_number: str = strawberry.field(description="The loan.")
    member_number: str = strawberry.field(description="The borrower's member number.")
    member_name: str = strawberry.field(description="The borrower's name.")
    repayment_account_number: str = strawberry.field(description="The savings account the instalment is collected from.")
    branch_code: str = strawberry.field(description="Branch of the loan account.")
    instalment_number: int = strawberry.field(description="Instalment number.")
    due_date: date = strawberry.field(description="Due date.")
    amount_due: MoneyType = strawberry.field(description="Principal, interest and penal charges still unpaid.")
    overdue: bool = strawberry.field(description="Due before the business date (arrears).")

    @classmethod
    def of(cls, r: DemandRow) -> LoanDemandType:
        return cls(loan_number=r.loan_number, member_number=r.member_number, member_name=r.member_name,
                   repayment_account_number=r.repayment_account_number, branch_code=r.branch_code,
                   instalment_number=r.instalment_number, due_date=r.due_date,
                   amount_due=MoneyType.minor(r.due_minor, r.currency), overdue=r.overdue)

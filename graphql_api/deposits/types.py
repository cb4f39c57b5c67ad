"""GraphQL types of the deposits domain."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import strawberry
from tortoise.functions import Sum

from bankcore.deposits.periods import financial_year
from bankcore.deposits.products import rate_chart_on
from bankcore.deposits.service import active_lien_minor
from bankcore.deposits.report import maturity_value_minor
from bankcore.models import (
    Account,
    DepositInterestCredit,
    DepositKind,
    DepositProduct,
    DepositRate,
    DepositStatus,
    InterestPayout,
    LedgerAccount,
    MaturityInstruction,
    Member,
    TermDeposit,
)
from graphql_api.scalars import DecimalText
from graphql_api.types.money import MoneyType

DepositKindEnum = strawberry.enum(DepositKind, name="DepositKind", description="FIXED (one sum) or RECURRING (monthly instalments).")
InterestPayoutEnum = strawberry.enum(InterestPayout, name="InterestPayout",
                                     description="CUMULATIVE (paid at maturity, compounded quarterly), MONTHLY (at the discounted "
                                     "monthly rate) or QUARTERLY, into savings.")
MaturityInstructionEnum = strawberry.enum(MaturityInstruction, name="MaturityInstruction",
                                          description="At maturity: CREDIT_SAVINGS, RENEW_PRINCIPAL (interest to savings) or "
                                          "RENEW_ALL (principal and interest), renewed at the rate then in force.")
DepositStatusEnum = strawberry.enum(DepositStatus, name="DepositStatus",
                                    description="ACTIVE, MATURED (paid out), RENEWED (rolled into a new deposit), CLOSED_PREMATURELY.")


def percent(bps: int) -> str:
    """Basis points as an annual percent with two places: 725 -> "7.25"."""
    return format(Decimal(bps).scaleb(-2).quantize(Decimal("0.01")), "f")


@strawberry.type(name="DepositRateBand", description="A line of a rate chart: deposits of minDays to maxDays earn ratePercent.")
class DepositRateBandType:
    min_days: int = strawberry.field(description="Shortest term of the band, days (inclusive).")
    max_days: int | None = strawberry.field(description="Longest term of the band, days (inclusive); null = no upper bound.")
    rate_percent: DecimalText = strawberry.field(description="Annual rate in percent, e.g. \"7.25\" (before any senior-citizen extra).")
    effective_from: date = strawberry.field(description="Deposits opened from this date on get this chart.")


@strawberry.type(name="DepositProduct", description="A fixed or recurring deposit product, its limits and rate chart.")
class DepositProductType:
    code: str = strawberry.field(description="Product code.")
    name: str = strawberry.field(description="Product name.")
    kind: DepositKindEnum = strawberry.field(description="FIXED or RECURRING.")
    currency: str = strawberry.field(description="ISO 4217 currency.")
    senior_extra_percent: DecimalText = strawberry.field(description="Extra annual rate for members aged 60 or more.")
    premature_penalty_percent: DecimalText = strawberry.field(description="Taken off the rate on premature closure.")
    rd_missed_penalty_percent: DecimalText = strawberry.field(description="Charge on a late RD instalment, percent of it.")
    minimum_amount: MoneyType = strawberry.field(description="Smallest principal (FD) or monthly instalment (RD).")
    maximum_amount: MoneyType | None = strawberry.field(description="Largest principal or instalment, if limited.")
    min_tenure_months: int = strawberry.field(description="Shortest term, months.")
    max_tenure_months: int = strawberry.field(description="Longest term, months.")
    payouts: list[InterestPayoutEnum] = strawberry.field(description="Interest payout options offered.")
    active: bool = strawberry.field(description="Open for new deposits.")
    product_id: strawberry.Private[int]

    @strawberry.field(description="The rate chart in force on `on` (default: the business date).")
    async def rate_chart(self, on: date | None = None) -> list[DepositRateBandType]:
        from bankcore.calendar.business_date import business_date

        day = on or await business_date()
        slabs = await rate_chart_on(self.product_id, day)
        since = await DepositRate.filter(product_id=self.product_id, effective_from__lte=day).order_by(
            "-effective_from").first()
        return [DepositRateBandType(min_days=s.min_days, max_days=s.max_days, rate_percent=percent(s.annual_rate_bps),
                                    effective_from=since.effective_from) for s in slabs] if since else []

    @classmethod
    def of(cls, p: DepositProduct) -> DepositProductType:
        return cls(code=p.code, name=p.name, kind=p.kind, currency=p.currency,
                   senior_extra_percent=percent(p.senior_extra_bps), premature_penalty_percent=percent(p.premature_penalty_bps),
                   rd_missed_penalty_percent=percent(p.rd_missed_penalty_bps),
                   minimum_amount=MoneyType.minor(p.min_amount_minor, p.currency),
                   maximum_amount=MoneyType.minor(p.max_amount_minor, p.currency) if p.max_amount_minor else None,
                   min_tenure_months=p.min_tenure_months, max_tenure_months=p.max_tenure_months,
                   payouts=[InterestPayout(x) for x in p.payouts.split(",") if x], active=p.active, product_id=p.id)


@strawberry.type(name="Deposit", description="A member's fixed or recurring deposit.")
class DepositType:
    number: str = strawberry.field(description="Deposit number, e.g. FD00100000127.")
    kind: DepositKindEnum = strawberry.field(description="FIXED or RECURRING.")
    product_code: str = strawberry.field(description="The deposit product.")
    product_name: str = strawberry.field(description="The product's name.")
    member_number: str = strawberry.field(description="The member who holds it.")
    principal: MoneyType = strawberry.field(description="Principal (FD) or monthly instalment (RD).")
    rate_percent: DecimalText = strawberry.field(description="Contracted annual rate, senior-citizen extra included.")
    senior_citizen: bool = strawberry.field(description="Opened with the senior-citizen extra rate.")
    tenure_months: int = strawberry.field(description="Term, months.")
    opened_on: date = strawberry.field(description="Business date it was opened.")
    maturity_date: date = strawberry.field(description="When it matures.")
    maturity_value: MoneyType = strawberry.field(description="What it pays at maturity before TDS (what it paid, once closed).")
    payout: InterestPayoutEnum = strawberry.field(description="How interest is paid.")
    maturity_instruction: MaturityInstructionEnum = strawberry.field(description="What happens at maturity.")
    status: DepositStatusEnum = strawberry.field(description="ACTIVE, MATURED, RENEWED or CLOSED_PREMATURELY.")
    closed_on: date | None = strawberry.field(description="When it matured or was closed.")
    balance: MoneyType = strawberry.field(description="Money in the deposit now (principal, instalments, interest credited).")
    payout_account_number: str = strawberry.field(description="The savings account payouts go to (and RD instalments come from).")
    interest_paid: MoneyType = strawberry.field(description="Interest credited or paid over its life, before TDS.")
    tds_deducted: MoneyType = strawberry.field(description="Tax deducted at source from that interest.")
    interest_this_year: MoneyType = strawberry.field(description="Interest credited in the current financial year (April-March).")
    tds_this_year: MoneyType = strawberry.field(description="TDS deducted in the current financial year, net of refunds.")
    tds_refunded: MoneyType = strawberry.field(description="TDS refunded to savings when it closed early at a lower rate "
                                               "within the financial year of the interest (s.194A).")
    instalments_paid: int = strawberry.field(description="RD: instalments paid (FD: 0).")
    missed_instalments: int = strawberry.field(description="RD: instalments missed on their due date.")
    penalty: MoneyType = strawberry.field(description="RD: late-instalment charges collected.")
    lien: MoneyType = strawberry.field(description="Amount under lien (a loan against the deposit); a liened deposit cannot be closed.")
    renewed_from_number: str | None = strawberry.field(description="The deposit this one renewed.")

    @classmethod
    async def of(cls, d: TermDeposit, today: date) -> DepositType:
        product = await DepositProduct.get(id=d.product_id)
        member = await Member.get(id=d.member_id).only("id", "member_number")
        account = await Account.get(id=d.payout_account_id).only("id", "number")
        balance = (await LedgerAccount.get(id=d.ledger_account_id).only("id", "balance_minor")).balance_minor
        sums = await DepositInterestCredit.filter(deposit_id=d.id, financial_year=financial_year(today)).annotate(
            i=Sum("interest_minor"), t=Sum("tds_minor")).first().values("i", "t")
        refunded = await DepositInterestCredit.filter(deposit_id=d.id, tds_minor__lt=0).annotate(
            t=Sum("tds_minor")).first().values("t")
        renewed = await TermDeposit.get(id=d.renewed_from_id).only("id", "number") if d.renewed_from_id else None
        c = d.currency
        return cls(
            number=d.number, kind=d.kind, product_code=product.code, product_name=product.name,
            member_number=member.member_number, principal=MoneyType.minor(d.principal_minor, c),
            rate_percent=percent(d.rate_bps), senior_citizen=d.senior_citizen, tenure_months=d.tenure_months,
            opened_on=d.opened_on, maturity_date=d.maturity_date,
            maturity_value=MoneyType.minor(maturity_value_minor(d), c), payout=d.payout,
            maturity_instruction=d.maturity_instruction, status=d.status, closed_on=d.closed_on,
            balance=MoneyType.minor(balance, c), payout_account_number=account.number,
            interest_paid=MoneyType.minor(d.interest_paid_minor, c), tds_deducted=MoneyType.minor(d.tds_minor, c),
            interest_this_year=MoneyType.minor(int((sums or {}).get("i") or 0), c),
            tds_this_year=MoneyType.minor(int((sums or {}).get("t") or 0), c),
            tds_refunded=MoneyType.minor(-int((refunded or {}).get("t") or 0), c),
            instalments_paid=d.instalments_paid, missed_instalments=d.missed_instalments,
            penalty=MoneyType.minor(d.penalty_minor, c), lien=MoneyType.minor(await active_lien_minor(d.id), c),
            renewed_from_number=renewed.number if renewed else None,
        )


@strawberry.type(name="DepositClosureQuote", description="What a premature closure today would pay.")
class DepositClosureQuoteType:
    rate_percent: DecimalText = strawberry.field(description="Rate applied: for the period run, less the penalty.")
    interest: MoneyType = strawberry.field(description="Interest earned at that rate over the period run.")
    payout: MoneyType = strawberry.field(description="Paid into savings (before any TDS on new interest).")
    tds_refund: MoneyType = strawberry.field(description="TDS refunded into savings as well: the excess deducted this "
                                             "financial year on interest the closure takes back (s.194A).")
    closable: bool = strawberry.field(description="False while under lien or not active.")


@strawberry.type(name="FixedDepositQuote", description="What opening this fixed deposit today would contract (openFixedDeposit "
                 "gives exactly these terms on the same business date).")
class FixedDepositQuoteType:
    rate_percent: DecimalText = strawberry.field(description="Annual rate from the product's chart for the term, the senior "
                                                 "citizen's extra included.")
    senior_citizen: bool = strawberry.field(description="True when the holder gets the senior citizen's extra.")
    opened_on: date = strawberry.field(description="The business date it would open on.")
    maturity_date: date = strawberry.field(description="When it would mature (the term's months added, month ends clamped).")
    interest: MoneyType = strawberry.field(description="Interest over the whole term before TDS (paid at maturity when "
                                           "CUMULATIVE, else in the periodic payouts).")
    maturity_value: MoneyType = strawberry.field(description="Paid at maturity before TDS: principal plus the compounded "
                                                 "interest (CUMULATIVE), or the principal (payout deposits).")


@strawberry.type(name="TdsRegisterRow", description="One interest credit and the TDS deducted from it (s.194A).")
class TdsRegisterRowType:
    member_number: str = strawberry.field(description="Payee's member number.")
    member_name: str = strawberry.field(description="Payee's name.")
    pan_held: bool = strawberry.field(description="Whether a PAN was on record (20 % without).")
    deposit_number: str = strawberry.field(description="The deposit.")
    credited_on: date = strawberry.field(description="Date the interest was credited or paid.")
    interest: MoneyType = strawberry.field(description="Gross interest.")
    tds: MoneyType = strawberry.field(description="Tax deducted (negative: refunded).")
    rate_percent: DecimalText = strawberry.field(description="TDS rate applied (0 under the threshold or with 15G/15H).")
    reason: str = strawberry.field(description="payout, maturity, closure, fy-accrual (31 March), or closure-reversal "
                                   "(interest taken back on an early closure, negative, with the TDS refunded).")
    quarter: int = strawberry.field(description="Quarter of the financial year (1 = Apr-Jun ... 4 = Jan-Mar), as in Form 26Q.")

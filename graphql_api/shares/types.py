"""GraphQL types of share capital, dividends and the year-end close."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import strawberry

from bankcore.books.financial_year import year_label
from bankcore.models import (
    DividendDeclaration,
    DividendPayment,
    DividendStatus,
    FinancialYearClose,
    ShareCertificate,
    ShareTransaction,
    ShareTransactionKind,
)
from graphql_api.types.money import MoneyType

ShareTransactionKindEnum = strawberry.enum(ShareTransactionKind, name="ShareTransactionKind",
                                           description="PURCHASE (with the admission fee on joining), TRANSFER between members, REDEMPTION.")
DividendStatusEnum = strawberry.enum(DividendStatus, name="DividendStatus",
                                     description="PROPOSED by the accountant; CREDITED once a manager approved it; REJECTED.")


def percent(bps: int) -> str:
    """Basis points as an annual percent string: 1250 -> "12.50"."""
    return str((Decimal(bps) / 100).quantize(Decimal("0.01")))


@strawberry.type(name="ShareCertificate", description="A share certificate: shares of one nominal value, held by one member.")
class ShareCertificateType:
    number: str = strawberry.field(description="Certificate number, SC-<transaction>-<n>.")
    member_number: str = strawberry.field(description="The holder.")
    shares: int = strawberry.field(description="Number of shares.")
    nominal_value: MoneyType = strawberry.field(description="Paid-up value of one share.")
    paid_up: MoneyType = strawberry.field(description="Shares x nominal value.")
    active: bool = strawberry.field(description="False once cancelled (transferred, redeemed or split).")
    issued_on: date = strawberry.field(description="Business date issued.")
    cancelled_on: date | None = strawberry.field(description="Business date cancelled.")

    @classmethod
    def of(cls, c: ShareCertificate, member_number: str) -> ShareCertificateType:
        return cls(number=c.number, member_number=member_number, shares=c.shares,
                   nominal_value=MoneyType.minor(c.nominal_minor, c.currency),
                   paid_up=MoneyType.minor(c.shares * c.nominal_minor, c.currency), active=c.status == "active",
                   issued_on=c.issued_on, cancelled_on=c.cancelled_on)


@strawberry.type(name="ShareTransaction", description="A purchase, transfer or redemption of shares.")
class ShareTransactionType:
    id: strawberry.ID = strawberry.field(description="Share transaction id.")
    kind: ShareTransactionKindEnum = strawberry.field(description="What happened.")
    shares: int = strawberry.field(description="Shares bought, transferred or redeemed.")
    amount: MoneyType = strawberry.field(description="Paid-up value moved (zero for a transfer).")
    admission_fee: MoneyType = strawberry.field(description="Admission fee paid with it (joining only).")
    business_date: date = strawberry.field(description="Business date.")
    entry_id: strawberry.ID | None = strawberry.field(description="The journal entry (none for a transfer).")

    @classmethod
    def of(cls, t: ShareTransaction) -> ShareTransactionType:
        return cls(id=strawberry.ID(str(t.id)), kind=t.kind, shares=t.shares, amount=MoneyType.minor(t.amount_minor, t.currency),
                   admission_fee=MoneyType.minor(t.admission_fee_minor, t.currency), business_date=t.business_date,
                   entry_id=strawberry.ID(str(t.entry_id)) if t.entry_id else None)


@strawberry.type(name="MemberDividend", description="One member's dividend of a financial year.")
class MemberDividendType:
    financial_year: str = strawberry.field(description="e.g. 2025-26.")
    member_number: str = strawberry.field(description="The member.")
    member_name: str = strawberry.field(description="The member's name.")
    shares: int = strawberry.field(description="Shares held on 31 March.")
    paid_up: MoneyType = strawberry.field(description="Paid-up share capital held on 31 March.")
    rate: str = strawberry.field(description="Annual percent, e.g. 12.00.")
    amount: MoneyType = strawberry.field(description="The dividend.")
    account_number: str | None = strawberry.field(description="Savings account credited; null when unpaid.")
    unpaid: bool = strawberry.field(description="True: no savings account, kept in the unpaid-dividend register.")

    @classmethod
    def of(cls, p: DividendPayment, d: DividendDeclaration, member_number: str, member_name: str,
           account_number: str | None) -> MemberDividendType:
        return cls(financial_year=year_label(d.financial_year), member_number=member_number, member_name=member_name,
                   shares=p.shares, paid_up=MoneyType.minor(p.paid_up_minor, p.currency), rate=percent(d.rate_bps),
                   amount=MoneyType.minor(p.amount_minor, p.currency), account_number=account_number, unpaid=p.unpaid)


@strawberry.type(name="ShareHolding", description="A member's shares: holding, certificates, history and dividends.")
class ShareHoldingType:
    member_number: str = strawberry.field(description="The member.")
    member_name: str = strawberry.field(description="The member's name.")
    shares: int = strawberry.field(description="Shares held now.")
    paid_up: MoneyType = strawberry.field(description="Paid-up value of the shares held.")
    admitted_on: date | None = strawberry.field(description="Date admitted as a shareholder (admission fee paid).")
    left_on: date | None = strawberry.field(description="Date the last share was redeemed or transferred, if the member left.")
    certificates: list[ShareCertificateType] = strawberry.field(description="Certificates, active first, newest first.")
    transactions: list[ShareTransactionType] = strawberry.field(description="Purchases, transfers and redemptions, newest first.")
    dividends: list[MemberDividendType] = strawberry.field(description="Dividends received, newest first.")


@strawberry.type(name="ShareRegisterLine", description="One shareholder in the share register.")
class ShareRegisterLineType:
    member_number: str = strawberry.field(description="The member.")
    member_name: str = strawberry.field(description="The member's name.")
    shares: int = strawberry.field(description="Shares held.")
    paid_up: MoneyType = strawberry.field(description="Paid-up value.")
    certificates: int = strawberry.field(description="Active certificates.")
    admitted_on: date | None = strawberry.field(description="Date admitted.")


@strawberry.type(name="ShareRegister", description="The share register as of the business date.")
class ShareRegisterType:
    as_of: date = strawberry.field(description="Business date.")
    shareholders: int = strawberry.field(description="Members holding shares.")
    shares: int = strawberry.field(description="Shares issued and held.")
    paid_up: MoneyType = strawberry.field(description="Paid-up share capital (equals the share capital account).")
    lines: list[ShareRegisterLineType] = strawberry.field(description="Shareholders by member number, at most `first`.")


@strawberry.type(name="ShareTerms", description="What a share costs and what joining needs, as of the business date.")
class ShareTermsType:
    nominal_value: MoneyType = strawberry.field(description="Price (nominal value) of one share.")
    admission_fee: MoneyType = strawberry.field(description="Admission fee, paid once on joining.")
    minimum_shares: int = strawberry.field(description="Shares bought on joining and kept while the member has a loan.")


@strawberry.type(name="Dividend", description="A dividend declaration for a financial year.")
class DividendType:
    id: strawberry.ID = strawberry.field(description="Dividend id (for approveDividend).")
    financial_year: str = strawberry.field(description="e.g. 2025-26.")
    rate: str = strawberry.field(description="Annual percent on paid-up share capital, e.g. 12.00.")
    status: DividendStatusEnum = strawberry.field(description="Proposed, credited or rejected.")
    proposed_by: str = strawberry.field(description="The accountant who proposed it.")
    proposed_on: date = strawberry.field(description="Business date proposed.")
    approved_by: str | None = strawberry.field(description="The manager who approved (or rejected) it.")
    decided_on: date | None = strawberry.field(description="Business date decided.")
    net_npa: str | None = strawberry.field(description="Net NPA ratio in percent when checked, e.g. 1.20.")
    members: int = strawberry.field(description="Members receiving it.")
    total: MoneyType = strawberry.field(description="Total dividend.")
    credited: MoneyType = strawberry.field(description="Credited to savings accounts.")
    unpaid: MoneyType = strawberry.field(description="Kept in the unpaid-dividend register (members without savings).")

    @classmethod
    def of(cls, d: DividendDeclaration) -> DividendType:
        return cls(id=strawberry.ID(str(d.id)), financial_year=year_label(d.financial_year), rate=percent(d.rate_bps),
                   status=d.status, proposed_by=d.proposed_by, proposed_on=d.proposed_on, approved_by=d.approved_by,
                   decided_on=d.decided_on, net_npa=percent(d.net_npa_bps) if d.net_npa_bps is not None else None,
                   members=d.members, total=MoneyType.minor(d.total_minor, d.currency),
                   credited=MoneyType.minor(d.credited_minor, d.currency), unpaid=MoneyType.minor(d.unpaid_minor, d.currency))


@strawberry.type(name="FinancialYearClose", description="The close of a financial year in one currency.")
class FinancialYearCloseType:
    financial_year: str = strawberry.field(description="e.g. 2025-26.")
    year_end: date = strawberry.field(description="31 March: postings valued on or before it are refused.")
    net_profit: MoneyType = strawberry.field(description="Income less expense of the year (negative: a loss).")
    statutory_reserve: MoneyType = strawberry.field(description="To the statutory reserve fund (at least 25 %).")
    education_fund: MoneyType = strawberry.field(description="To the co-operative education fund (1 %).")
    unforeseen_losses_reserve: MoneyType = strawberry.field(description="To the reserve for unforeseen losses (at least 10 %).")
    surplus: MoneyType = strawberry.field(description="Left for the general body (dividend and other purposes).")
    closed_by: str = strawberry.field(description="Who closed it.")
    closed_on: date = strawberry.field(description="Business date of the close.")
    closing_entry_id: strawberry.ID | None = strawberry.field(description="The entry moving income and expense to profit and loss.")
    appropriation_entry_id: strawberry.ID | None = strawberry.field(description="The s.63 appropriation entry.")

    @classmethod
    def of(cls, c: FinancialYearClose) -> FinancialYearCloseType:
        m = lambda v: MoneyType.minor(v, c.currency)  # noqa: E731
        taken = c.statutory_reserve_minor + c.education_fund_minor + c.unforeseen_reserve_minor
        return cls(financial_year=year_label(c.year_start.year), year_end=c.year_end, net_profit=m(c.net_profit_minor),
                   statutory_reserve=m(c.statutory_reserve_minor), education_fund=m(c.education_fund_minor),
                   unforeseen_losses_reserve=m(c.unforeseen_reserve_minor), surplus=m(c.net_profit_minor - taken),
                   closed_by=c.closed_by, closed_on=c.closed_on,
                   closing_entry_id=strawberry.ID(str(c.closing_entry_id)) if c.closing_entry_id else None,
                   appropriation_entry_id=strawberry.ID(str(c.appropriation_entry_id)) if c.appropriation_entry_id else None)

"""A member's deposit documents through the API: the quarterly TDS certificate (Form 16A-like),
the annual interest certificate and a passbook print, each with its PDF (base64).

Members get their own only (someone else's member number or account answers null or
NOT_FOUND, never "forbidden": no oracle); staff roles per ``graphql_api.deposits.policy``.
"""

from __future__ import annotations

import base64
from datetime import date

import strawberry

from bankcore.deposits.certificate_pdf import interest_certificate_pdf, tds_certificate_pdf
from bankcore.deposits.certificates import interest_certificate, tds_certificate
from bankcore.errors import DomainError, ErrorCode
from bankcore.reports.passbook import PassbookPrintout
from bankcore.reports.passbook_pdf import passbook_pdf
from graphql_api.context import Context
from graphql_api.deposits.mutations._common import member_id_of
from graphql_api.errors import UserError
from graphql_api.policy import RootFieldPolicy
from graphql_api.types.money import MoneyType

GUARD = [RootFieldPolicy]


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


@strawberry.type(name="TdsCertificate", description="A member's certificate of TDS on deposit interest for one quarter (Form 16A-like).")
class TdsCertificateType:
    certificate_number: str = strawberry.field(description="e.g. 16A/2026-27/Q4/0010000001.")
    member_number: str = strawberry.field(description="The deductee.")
    financial_year: int = strawberry.field(description="Starting year of the financial year (2026 = April 2026 to March 2027).")
    quarter: int = strawberry.field(description="1 = April-June ... 4 = January-March.")
    period_from: date = strawberry.field(description="First day of the quarter.")
    period_to: date = strawberry.field(description="Last day of the quarter.")
    credits: int = strawberry.field(description="Interest credits listed.")
    interest: MoneyType = strawberry.field(description="Interest credited or paid in the quarter.")
    tds: MoneyType = strawberry.field(description="Tax deducted from it.")
    pdf_base64: str = strawberry.field(description="The certificate as a PDF file, base64-encoded.")


@strawberry.type(name="InterestCertificate", description="A member's interest on term deposits for a financial year, and the TDS.")
class InterestCertificateType:
    member_number: str = strawberry.field(description="The depositor.")
    financial_year: int = strawberry.field(description="Starting year of the financial year.")
    deposits: int = strawberry.field(description="Deposits that earned interest in the year.")
    interest: MoneyType = strawberry.field(description="Interest credited or paid in the year.")
    tds: MoneyType = strawberry.field(description="Tax deducted from it.")
    pdf_base64: str = strawberry.field(description="The certificate as a PDF file, base64-encoded.")


@strawberry.type(name="PassbookPrint", description="Passbook lines printed now, where they start, and the mark left.")
class PassbookPrintType:
    account_number: str = strawberry.field(description="The account.")
    start_page: int = strawberry.field(description="Passbook page the first line goes on.")
    start_line: int = strawberry.field(description="Lines of that page printed before (the first new line goes below them).")
    lines: int = strawberry.field(description="Lines printed now.")
    printed_up_to: date | None = strawberry.field(description="Value date of the last line printed so far.")
    more: bool = strawberry.field(description="Lines remain for the next print (one print is at most 10 pages).")
    pdf_base64: str = strawberry.field(description="The lines as a PDF, one page per passbook page, base64-encoded.")

    @classmethod
    def of(cls, p: PassbookPrintout) -> PassbookPrintType:
        return cls(account_number=p.account_number, start_page=p.start_page, start_line=p.start_line,
                   lines=len(p.lines), printed_up_to=p.printed_up_to, more=p.more, pdf_base64=_b64(passbook_pdf(p)))


@strawberry.type(description="The passbook print, or why it was refused.")
class PrintPassbookPayload:
    print: PassbookPrintType | None = strawberry.field(default=None, description="What was printed.")
    user_errors: list[UserError] = strawberry.field(default_factory=list, description="Why it was refused.")


async def _or_none(call):  # noqa: ANN001, ANN202 - an awaitable factory
    try:
        return await call()
    except DomainError as exc:
        if exc.code == ErrorCode.NOT_FOUND:
            return None
        raise


@strawberry.type
class DepositDocumentsQuery:
    @strawberry.field(description="The TDS certificate of a member for a quarter of a financial year, with its PDF; null "
                      "for an unknown member or (for members) someone else's. A quarter outside 1-4 is INVALID_INPUT.",
                      permission_classes=GUARD)
    async def tds_certificate(self, info: strawberry.Info[Context, None], member_number: str, financial_year: int,
                              quarter: int) -> TdsCertificateType | None:
        c = await _or_none(lambda: tds_certificate(member_number=member_number, financial_year=financial_year,
                                                   quarter=quarter, member_id=member_id_of(info.context)))
        if c is None:
            return None
        return TdsCertificateType(
            certificate_number=c.certificate_number, member_number=c.member_number, financial_year=c.financial_year,
            quarter=c.quarter, period_from=c.period_from, period_to=c.period_to, credits=len(c.lines),
            interest=MoneyType.minor(c.interest_minor, c.currency), tds=MoneyType.minor(c.tds_minor, c.currency),
            pdf_base64=_b64(tds_certificate_pdf(c)))

    @strawberry.field(description="The annual interest certificate of a member (interest and TDS per term deposit for a "
                      "financial year), with its PDF; null for an unknown member or someone else's.",
                      permission_classes=GUARD)
    async def interest_certificate(self, info: strawberry.Info[Context, None], member_number: str,
                                   financial_year: int) -> InterestCertificateType | None:
        c = await _or_none(lambda: interest_certificate(member_number=member_number, financial_year=financial_year,
                                                        member_id=member_id_of(info.context)))
        if c is None:
            return None
        return InterestCertificateType(
            member_number=c.member_number, financial_year=c.financial_year, deposits=len(c.deposits),
            interest=MoneyType.minor(c.interest_minor, c.currency), tds=MoneyType.minor(c.tds_minor, c.currency),
            pdf_base64=_b64(interest_certificate_pdf(c)))

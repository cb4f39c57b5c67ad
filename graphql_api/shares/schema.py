"""Root fields of share capital, dividends and the year-end close: ``SharesQuery``, ``SharesMutation``."""

from __future__ import annotations

from datetime import date

import strawberry
from tortoise.connection import get_connection

from bankcore.books.financial_year import parse_year
from bankcore.calendar.business_date import business_date
from bankcore.ledger.sql import fetch, placeholders
from bankcore.models import (
    Account,
    DividendDeclaration,
    DividendPayment,
    FinancialYearClose,
    Member,
    ShareAccount,
    ShareCertificate,
    ShareTransaction,
)
from bankcore.settings import BANK_CURRENCY
from bankcore.shares.settings import ADMISSION_FEE, MINIMUM_SHARES, NOMINAL_VALUE
from graphql_api.context import Context
from graphql_api.policy import RootFieldPolicy
from graphql_api.shares.mutations.approve_dividend import approve_dividend
from graphql_api.shares.mutations.close_financial_year import close_financial_year
from graphql_api.shares.mutations.propose_dividend import propose_dividend
from graphql_api.shares.mutations.purchase_shares import purchase_shares
from graphql_api.shares.mutations.redeem_shares import redeem_shares
from graphql_api.shares.mutations.transfer_shares import transfer_shares
from graphql_api.shares.types import (
    DividendType,
    FinancialYearCloseType,
    MemberDividendType,
    ShareCertificateType,
    ShareHoldingType,
    ShareRegisterLineType,
    ShareRegisterType,
    ShareTermsType,
    ShareTransactionType,
)
from graphql_api.types.money import MoneyType

GUARD = [RootFieldPolicy]


def _day(value: object) -> date | None:
    """A date from raw SQL (SQLite answers text)."""
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value))
MAX_ROWS = 500


async def _dividend_lines(payments: list[DividendPayment], declarations: dict[int, DividendDeclaration]) -> list[MemberDividendType]:
    members = {m.id: m for m in await Member.filter(id__in={p.member_id for p in payments})}
    accounts = dict(await Account.filter(id__in={p.account_id for p in payments if p.account_id}).values_list("id", "number"))
    return [MemberDividendType.of(p, declarations[p.declaration_id], members[p.member_id].member_number,
                                  members[p.member_id].full_name, accounts.get(p.account_id)) for p in payments]


@strawberry.type
class SharesQuery:
    @strawberry.field(description="Nominal value of a share, the admission fee and the minimum holding, as of the business date.",
                      permission_classes=GUARD)
    async def share_terms(self) -> ShareTermsType:
        currency = await BANK_CURRENCY.get()
        return ShareTermsType(nominal_value=MoneyType.minor(await NOMINAL_VALUE.get(), currency),
                              admission_fee=MoneyType.minor(await ADMISSION_FEE.get(), currency),
                              minimum_shares=await MINIMUM_SHARES.get())

    @strawberry.field(description="A member's shares, certificates and dividends: the caller's own (members) or `memberNumber`'s "
                                  "(staff). Null when unknown.", permission_classes=GUARD)
    async def share_holding(self, info: strawberry.Info[Context, None], member_number: str | None = None) -> ShareHoldingType | None:
        ctx = info.context
        if ctx.is_staff:
            member = await Member.get_or_none(member_number="".join((member_number or "").split())[:20])
        else:
            member_id = ctx.principal.member_id if ctx.principal is not None else None
            member = await Member.get_or_none(id=member_id) if member_id else None
            if member is not None and member_number and "".join(member_number.split()) != member.member_number:
                member = None
        if member is None:
            return None
        account = await ShareAccount.get_or_none(member_id=member.id)
        certificates = await ShareCertificate.filter(member_id=member.id).order_by("status", "-id").limit(MAX_ROWS)
        active = [c for c in certificates if c.status == "active"]
        transactions = await ShareTransaction.filter(member_id=member.id).order_by("-id").limit(100)
        received = await ShareTransaction.filter(counterparty_id=member.id).order_by("-id").limit(100)
        payments = await DividendPayment.filter(member_id=member.id).order_by("-id").limit(50)
        declarations = {d.id: d for d in await DividendDeclaration.filter(id__in={p.declaration_id for p in payments})}
        currency = active[0].currency if active else await BANK_CURRENCY.get()
        return ShareHoldingType(
            member_number=member.member_number, member_name=member.full_name, shares=sum(c.shares for c in active),
            paid_up=MoneyType.minor(sum(c.shares * c.nominal_minor for c in active), currency),
            admitted_on=account.admitted_on if account else None, left_on=account.left_on if account else None,
            certificates=[ShareCertificateType.of(c, member.member_number) for c in certificates],
            transactions=[ShareTransactionType.of(t) for t in sorted(transactions + received, key=lambda t: -t.id)][:100],
            dividends=await _dividend_lines(payments, declarations),
        )

    @strawberry.field(description="The share register: every shareholder with shares and paid-up value, by member number "
                                  "after `afterMemberNumber`, at most `first` (1-500).", permission_classes=GUARD)
    async def share_register(self, first: int = 100, after_member_number: str | None = None) -> ShareRegisterType:
        conn = get_connection("default")
        currency = await BANK_CURRENCY.get()
        totals = (await fetch(conn, "SELECT COUNT(DISTINCT member_id) AS holders, COALESCE(SUM(shares), 0) AS shares, "
                                    "COALESCE(SUM(shares * nominal_minor), 0) AS paid_up FROM share_certificate "
                                    "WHERE status = 'active'", []))[0]
        m = placeholders(conn, 2)
        rows = await fetch(
            conn,
            "SELECT m.member_number, m.full_name, SUM(c.shares) AS shares, SUM(c.shares * c.nominal_minor) AS paid_up, "
            "COUNT(*) AS certificates, MIN(sa.admitted_on) AS admitted_on FROM share_certificate c "
            "JOIN member m ON m.id = c.member_id LEFT JOIN share_account sa ON sa.member_id = m.id "
            f"WHERE c.status = 'active' AND m.member_number > {m[0]} "
            f"GROUP BY m.member_number, m.full_name ORDER BY m.member_number LIMIT {m[1]}",
            ["".join((after_member_number or "").split()), max(1, min(first, MAX_ROWS))],
        )
        return ShareRegisterType(
            as_of=await business_date(), shareholders=int(totals["holders"]), shares=int(totals["shares"]),
            paid_up=MoneyType.minor(int(totals["paid_up"]), currency),
            lines=[ShareRegisterLineType(member_number=r["member_number"], member_name=r["full_name"], shares=int(r["shares"]),
                                         paid_up=MoneyType.minor(int(r["paid_up"]), currency), certificates=int(r["certificates"]),
                                         admitted_on=_day(r["admitted_on"])) for r in rows],
        )

    @strawberry.field(description="Dividend declarations, newest first; `financialYear` (e.g. 2025-26) filters.",
                      permission_classes=GUARD)
    async def dividends(self, financial_year: str | None = None) -> list[DividendType]:
        query = DividendDeclaration.all()
        if financial_year:
            query = query.filter(financial_year=parse_year(financial_year))
        return [DividendType.of(d) for d in await query.order_by("-id").limit(50)]

    @strawberry.field(description="The dividend report: each member's dividend of a declaration, by member, at most `first` (1-500).",
                      permission_classes=GUARD)
    async def dividend_report(self, dividend_id: strawberry.ID, first: int = 200) -> list[MemberDividendType]:
        declaration = await DividendDeclaration.get_or_none(id=int(dividend_id)) if str(dividend_id).isdigit() else None
        if declaration is None:
            return []
        payments = await DividendPayment.filter(declaration_id=declaration.id).order_by("member_id").limit(max(1, min(first, MAX_ROWS)))
        return await _dividend_lines(payments, {declaration.id: declaration})

    @strawberry.field(description="Financial years closed, newest first.", permission_classes=GUARD)
    async def financial_year_closes(self) -> list[FinancialYearCloseType]:
        return [FinancialYearCloseType.of(c) for c in await FinancialYearClose.all().order_by("-year_start", "currency").limit(50)]


@strawberry.type
class SharesMutation:
    purchase_shares = strawberry.mutation(resolver=purchase_shares, permission_classes=GUARD, description="Buy shares for a member (staff) or for oneself (members, from their own account). A first purchase is at least the minimum holding and pays the admission fee. Idempotent per key.")
    transfer_shares = strawberry.mutation(resolver=transfer_shares, permission_classes=GUARD, description="Transfer shares between two members (the receiver a shareholder); the giver keeps the minimum or none, and the minimum while they have a loan. Idempotent per key.")
    redeem_shares = strawberry.mutation(resolver=redeem_shares, permission_classes=GUARD, description="Pay back shares at their paid-up value, to the member's account or in cash; never below the minimum while the member has a loan. Idempotent per key.")
    propose_dividend = strawberry.mutation(resolver=propose_dividend, permission_classes=GUARD, description="Accountant (maker): propose a dividend rate for a closed financial year; refused at net NPA of 5% or more (RBI), above the bank's cap, or beyond the undistributed profit.")
    approve_dividend = strawberry.mutation(resolver=approve_dividend, permission_classes=GUARD, description="Manager (checker, not the proposer): approve a proposed dividend and credit it to members' savings (or the unpaid-dividend register), or reject it.")
    close_financial_year = strawberry.mutation(resolver=close_financial_year, permission_classes=GUARD, description="Accountant: close a financial year (April-March): income and expense to net profit, the MSCS Act s.63 appropriation, and postings into the year refused (PERIOD_CLOSED) from then on.")


__all__ = ["SharesMutation", "SharesQuery"]

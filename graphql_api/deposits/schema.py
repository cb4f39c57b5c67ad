"""Root fields of the deposits domain: ``DepositsQuery``, ``DepositsMutation``."""

from __future__ import annotations

from datetime import timedelta

import strawberry
from strawberry import relay

from bankcore.calendar.business_date import business_date
from bankcore.deposits.closure_tds import tds_refund_quote
from bankcore.deposits.closing import premature_terms
from bankcore.deposits.service import active_lien_minor, quote_fixed_deposit
from bankcore.models import DepositInterestCredit, DepositProduct, DepositStatus, Member, TermDeposit
from graphql_api.context import Context
from graphql_api.deposits.mutations._common import member_id_of
from graphql_api.deposits.mutations.close_deposit_prematurely import close_deposit_prematurely
from graphql_api.deposits.mutations.create_deposit_product import create_deposit_product
from graphql_api.deposits.mutations.open_fixed_deposit import open_fixed_deposit
from graphql_api.deposits.mutations.open_recurring_deposit import open_recurring_deposit
from graphql_api.deposits.mutations.print_passbook import print_passbook
from graphql_api.deposits.mutations.record_tds_declaration import record_tds_declaration
from graphql_api.deposits.mutations.set_deposit_rate_chart import set_deposit_rate_chart
from graphql_api.deposits.mutations.set_maturity_instruction import set_maturity_instruction
from graphql_api.deposits.types import (
    DepositClosureQuoteType,
    FixedDepositQuoteType,
    InterestPayoutEnum,
    DepositProductType,
    DepositStatusEnum,
    DepositType,
    TdsRegisterRowType,
    percent,
)
from graphql_api.pagination import decode_cursor, page_size
from graphql_api.errors import UserError
from graphql_api.mutations._base import run
from graphql_api.policy import RootFieldPolicy
from graphql_api.types.money import MoneyInput
from graphql_api.queries import build_connection
from graphql_api.types.money import MoneyType

GUARD = [RootFieldPolicy]


@strawberry.type(description="A fixed deposit's terms before opening it, or why it cannot be opened.")
class FixedDepositQuotePayload:
    quote: FixedDepositQuoteType | None = strawberry.field(default=None, description="The terms, when it can be opened.")
    user_errors: list[UserError] = strawberry.field(
        default_factory=list, description="NOT_FOUND, PRODUCT_INACTIVE, INVALID_INPUT, CURRENCY_MISMATCH, INVALID_AMOUNT, "
                                          "INVALID_TENURE or ACCOUNT_NOT_ACTIVE, as openFixedDeposit would refuse it.")


async def _visible(ctx: Context, number: str) -> TermDeposit | None:
    compact = "".join((number or "").split()).upper()[:20]
    deposit = await TermDeposit.get_or_none(number=compact)
    member_id = member_id_of(ctx)
    if deposit is None or (member_id is not None and deposit.member_id != member_id):
        return None
    return deposit


@strawberry.type
class DepositsQuery:
    @strawberry.field(description="Fixed and recurring deposit products with their rate charts (active first).", permission_classes=GUARD)
    async def deposit_products(self, active_only: bool = False) -> list[DepositProductType]:
        query = DepositProduct.all()
        if active_only:
            query = query.filter(active=True)
        return [DepositProductType.of(p) for p in await query.order_by("-active", "code")]

    @strawberry.field(description="Deposits the caller may see (a member: their own), by number. `maturingWithinDays` lists "
                      "active deposits maturing from the business date through that many days on, soonest first.",
                      permission_classes=GUARD)
    async def deposits(
        self,
        info: strawberry.Info[Context, None],
        member_number: str | None = None,
        status: DepositStatusEnum | None = None,
        maturing_within_days: int | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> relay.Connection[DepositType]:
        limit = page_size(first)
        today = await business_date()
        query = TermDeposit.all()
        member_id = member_id_of(info.context)
        if member_id is not None:
            query = query.filter(member_id=member_id)
        if member_number:
            query = query.filter(member__member_number=member_number.strip()[:20])
        if status is not None:
            query = query.filter(status=DepositStatus(status.value if hasattr(status, "value") else status))
        cursor = decode_cursor("deposit", after)
        if maturing_within_days is not None:
            days = max(0, min(maturing_within_days, 3660))
            query = query.filter(status=DepositStatus.ACTIVE, maturity_date__gte=today,
                                 maturity_date__lte=today + timedelta(days=days))
            if cursor:
                when, _, number = cursor.partition("|")
                query = query.filter(maturity_date__gte=when).exclude(maturity_date=when, number__lte=number)
            rows = await query.order_by("maturity_date", "number").limit(limit + 1)
            key = lambda d: f"{d.maturity_date.isoformat()}|{d.number}"  # noqa: E731
        else:
            if cursor:
                query = query.filter(number__gt=cursor)
            rows = await query.order_by("number").limit(limit + 1)
            key = lambda d: d.number  # noqa: E731
        nodes = [await DepositType.of(d, today) for d in rows]
        for node, row in zip(nodes, rows, strict=True):
            node._key = key(row)  # type: ignore[attr-defined]
        return build_connection(nodes, limit, "deposit", lambda n: n._key, lambda n: n)

    @strawberry.field(description="A deposit by number; null when unknown or not the caller's.", permission_classes=GUARD)
    async def deposit(self, info: strawberry.Info[Context, None], number: str) -> DepositType | None:
        found = await _visible(info.context, number)
        return await DepositType.of(found, await business_date()) if found else None

    @strawberry.field(description="What opening a fixed deposit today would contract: the rate, the maturity date and "
                      "value, before TDS; nothing is opened. The same checks as openFixedDeposit (a member: from their "
                      "own account).", permission_classes=GUARD)
    async def fixed_deposit_quote(self, info: strawberry.Info[Context, None], from_account_number: str, product_code: str,
                                  principal: MoneyInput, tenure_months: int,
                                  payout: InterestPayoutEnum) -> FixedDepositQuotePayload:
        async def act() -> FixedDepositQuotePayload:
            quote = await quote_fixed_deposit(product_code=product_code, amount=principal.to_money(),
                                              tenure_months=tenure_months, payout=payout,
                                              from_account_number=from_account_number,
                                              member_id=member_id_of(info.context))
            c = quote.currency
            return FixedDepositQuotePayload(quote=FixedDepositQuoteType(
                rate_percent=percent(quote.rate_bps), senior_citizen=quote.senior_citizen, opened_on=quote.opened_on,
                maturity_date=quote.maturity_date, interest=MoneyType.minor(quote.interest_minor, c),
                maturity_value=MoneyType.minor(quote.maturity_value_minor, c)))

        return await run(FixedDepositQuotePayload, act)

    @strawberry.field(description="What closing the deposit today would pay (the rate for the period run, less the penalty).",
                      permission_classes=GUARD)
    async def deposit_closure_quote(self, info: strawberry.Info[Context, None], number: str) -> DepositClosureQuoteType | None:
        found = await _visible(info.context, number)
        if found is None:
            return None
        today = await business_date()
        rate, earned = await premature_terms(found, today)
        principal = found.principal_minor * (found.instalments_paid if found.kind == "RECURRING" else 1)
        # A payout FD has had its interest paid out; a cumulative FD or an RD has had TDS taken at year end.
        already = found.interest_paid_minor if found.payout != "CUMULATIVE" else found.tds_minor
        closable = found.status == DepositStatus.ACTIVE and today < found.maturity_date and not await active_lien_minor(found.id)
        refund = 0
        if closable:
            _, refund, _ = await tds_refund_quote(found, recovered_minor=max(0, found.interest_paid_minor - earned),
                                                  on=today)
        return DepositClosureQuoteType(rate_percent=percent(rate), interest=MoneyType.minor(earned, found.currency),
                                       payout=MoneyType.minor(principal + earned - already, found.currency),
                                       tds_refund=MoneyType.minor(refund, found.currency), closable=closable)

    @strawberry.field(description="The TDS register: every interest credit of a financial year (starting year, default the current) "
                      "with the tax deducted, by date; `quarter` (1-4) narrows it to a quarter, `memberNumber` to a member.",
                      permission_classes=GUARD)
    async def tds_register(self, financial_year: int | None = None, quarter: int | None = None,
                           member_number: str | None = None, only_deducted: bool = False) -> list[TdsRegisterRowType]:
        from bankcore.deposits.periods import financial_year as fy_of

        fy = financial_year or fy_of(await business_date())
        query = DepositInterestCredit.filter(financial_year=fy)
        if member_number:
            query = query.filter(member__member_number=member_number.strip()[:20])
        if only_deducted:
            query = query.exclude(tds_minor=0)  # deductions and refunds
        rows = await query.order_by("credited_on", "id").limit(5000)
        members = {m.id: m for m in await Member.filter(id__in={r.member_id for r in rows}).only("id", "member_number", "full_name")}
        deposits = {d.id: d for d in await TermDeposit.filter(id__in={r.deposit_id for r in rows}).only("id", "number", "currency")}
        out = []
        for r in rows:
            q = (r.credited_on.month - 4) % 12 // 3 + 1
            if quarter is not None and q != quarter:
                continue
            d, m = deposits[r.deposit_id], members[r.member_id]
            out.append(TdsRegisterRowType(member_number=m.member_number, member_name=m.full_name, pan_held=r.pan_held,
                                          deposit_number=d.number, credited_on=r.credited_on,
                                          interest=MoneyType.minor(r.interest_minor, d.currency),
                                          tds=MoneyType.minor(r.tds_minor, d.currency), rate_percent=percent(r.rate_bps),
                                          reason=r.reason, quarter=q))
        return out


@strawberry.type
class DepositsMutation:
    create_deposit_product = strawberry.mutation(resolver=create_deposit_product, permission_classes=GUARD, description="Admin: a fixed or recurring deposit product with its rate chart, senior-citizen extra, penalties and limits.")
    set_deposit_rate_chart = strawberry.mutation(resolver=set_deposit_rate_chart, permission_classes=GUARD, description="Admin: a new rate chart for deposits opened from a date on.")
    open_fixed_deposit = strawberry.mutation(resolver=open_fixed_deposit, permission_classes=GUARD, description="Open a fixed deposit from the member's savings (members: their own, with a step-up code) or, at the counter, from cash. Idempotent per key. Answers the deposit's number.")
    open_recurring_deposit = strawberry.mutation(resolver=open_recurring_deposit, permission_classes=GUARD, description="Open a recurring deposit: the first instalment now, the rest collected from savings by day-end. Idempotent per key.")
    set_maturity_instruction = strawberry.mutation(resolver=set_maturity_instruction, permission_classes=GUARD, description="Change what happens to a fixed deposit at maturity.")
    close_deposit_prematurely = strawberry.mutation(resolver=close_deposit_prematurely, permission_classes=GUARD, description="Close a deposit before maturity into savings, at the rate for the period run less the penalty; refused under lien.")
    print_passbook = strawberry.mutation(resolver=print_passbook, permission_classes=GUARD, description="Print an account's passbook lines not printed yet (page by page, continuing where the last print stopped) and move its \"printed up to\" mark.")
    record_tds_declaration = strawberry.mutation(resolver=record_tds_declaration, permission_classes=GUARD, description="Record a member's Form 15G/15H for a financial year: no TDS on their deposit interest that year.")


__all__ = ["DepositsMutation", "DepositsQuery"]

"""Root fields of the loans domain: ``LoansQuery`` and ``LoansMutation``."""

from __future__ import annotations

from datetime import date

import strawberry
from strawberry import relay

from bankcore.calendar.business_date import business_date
from bankcore.loans.book import loan_book
from bankcore.loans.demand import demand_list
from bankcore.loans.lifecycle import preview_schedule
from bankcore.loans.products import get_loan_product
from bankcore.models import Loan, LoanProduct
from graphql_api.context import Context
from graphql_api.loans.access import loan_detail, visible_loan
from graphql_api.loans.mutations.apply_for_loan import apply_for_loan
from graphql_api.loans.mutations.close_loan import close_loan
from graphql_api.loans.mutations.confirm_guarantee import confirm_guarantee
from graphql_api.loans.mutations.create_loan_product import create_loan_product
from graphql_api.loans.mutations.disburse_loan import disburse_loan
from graphql_api.loans.mutations.prepay_loan import prepay_loan
from graphql_api.loans.mutations.recommend_loan import recommend_loan
from graphql_api.loans.mutations.reject_loan import reject_loan
from graphql_api.loans.mutations.repay_loan import repay_loan
from graphql_api.loans.mutations.reschedule_loan import reschedule_loan
from graphql_api.loans.mutations.sanction_loan import sanction_loan
from graphql_api.loans.mutations.write_off_loan import write_off_loan
from graphql_api.loans.types import AssetClassEnum, LoanDemandType, LoanDetailType, LoanInstalmentType, LoanProductType, LoanStatusEnum, LoanType
from graphql_api.pagination import decode_cursor, encode_cursor, page_size
from graphql_api.policy import RootFieldPolicy
from graphql_api.types.money import MoneyInput, MoneyType

GUARD = [RootFieldPolicy]


def _value(enum_value: object) -> str | None:
    return None if enum_value is None else str(getattr(enum_value, "value", enum_value))


@strawberry.type
class LoansQuery:
    @strawberry.field(description="Loan products open for applications (staff see closed ones too).", permission_classes=GUARD)
    async def loan_products(self, info: strawberry.Info[Context, None]) -> list[LoanProductType]:
        query = LoanProduct.all() if info.context.is_staff else LoanProduct.filter(active=True)
        return [LoanProductType.of(p) for p in await query.order_by("code")]

    @strawberry.field(description="Loans as of the business date, in loan order: members see their own; staff filter by "
                                  "branch, product, asset class, status. `first` 1-100, `after` a cursor.", permission_classes=GUARD)
    async def loans(
        self, info: strawberry.Info[Context, None], first: int = 20, after: str | None = None,
        branch_code: str | None = None, product_code: str | None = None,
        asset_class: AssetClassEnum | None = None, status: LoanStatusEnum | None = None,  # type: ignore[valid-type]
    ) -> relay.Connection[LoanType]:
        limit = page_size(first)
        after_id = int(decode_cursor("loan", after)) if after else 0
        ids = None
        if not info.context.is_staff:
            member_id = info.context.principal.member_id if info.context.principal else None
            ids = list(await Loan.filter(member_id=member_id).values_list("id", flat=True)) if member_id else []
        rows = await loan_book(branch_code=branch_code, product_code=product_code, asset_class=_value(asset_class),
                               status=_value(status), loan_ids=ids, limit=limit + 1, after_id=after_id)
        page = rows[:limit]
        edges = [relay.Edge(cursor=encode_cursor("loan", r.loan_id), node=LoanType.of(r)) for r in page]
        return relay.Connection(edges=edges, page_info=relay.PageInfo(
            has_next_page=len(rows) > limit, has_previous_page=False,
            start_cursor=edges[0].cursor if edges else None, end_cursor=edges[-1].cursor if edges else None))

    @strawberry.field(description="A loan by number with its schedule, outstanding, eligibility and foreclosure quote; "
                                  "null when unknown or not the caller's.", permission_classes=GUARD)
    async def loan(self, info: strawberry.Info[Context, None], number: str) -> LoanDetailType | None:
        try:
            loan = await visible_loan(info.context, number)
        except Exception:  # noqa: BLE001 - unknown and forbidden answer the same
            return None
        return await loan_detail(loan)

    @strawberry.field(description="The demand list: unpaid instalments of active loans due up to `days` (0-366) after "
                                  "the business date, arrears first; optionally one branch. At most 2000 rows.",
                      permission_classes=GUARD)
    async def loan_demand_list(self, days: int = 7, branch_code: str | None = None) -> list[LoanDemandType]:
        return [LoanDemandType.of(r) for r in await demand_list(days=days, branch_code=branch_code)]

    @strawberry.field(description="The EMI schedule a loan of a product would get if disbursed on `disbursalDate` "
                                  "(default the business date): the same code disbursal uses.", permission_classes=GUARD)
    async def loan_schedule_preview(self, product_code: str, amount: MoneyInput, tenure_months: int,
                                    disbursal_date: date | None = None) -> list[LoanInstalmentType]:
        product = await get_loan_product(product_code)
        money = amount.to_money()
        on = disbursal_date or await business_date()
        schedule = preview_schedule(product, amount_minor=money.amount_minor, tenure_months=tenure_months, disbursal_date=on)
        c = product.currency
        return [LoanInstalmentType(number=r.number, due_date=r.due_date, principal=MoneyType.minor(r.principal_minor, c),
                                   interest=MoneyType.minor(r.interest_minor, c), instalment=MoneyType.minor(r.instalment_minor, c),
                                   charges=MoneyType.minor(0, c), paid=MoneyType.minor(0, c), state="PREVIEW")
                for r in schedule.rows]


@strawberry.type
class LoansMutation:
    create_loan_product = strawberry.mutation(resolver=create_loan_product, permission_classes=GUARD, description="Admin: create a loan product.")
    apply_for_loan = strawberry.mutation(resolver=apply_for_loan, permission_classes=GUARD, description="Apply for a loan: a member for themselves, a clerk for a member.")
    confirm_guarantee = strawberry.mutation(resolver=confirm_guarantee, permission_classes=GUARD, description="A guarantor confirms (portal), or staff record it at the branch.")
    recommend_loan = strawberry.mutation(resolver=recommend_loan, permission_classes=GUARD, description="Clerk: recommend an application for sanction.")
    sanction_loan = strawberry.mutation(resolver=sanction_loan, permission_classes=GUARD, description="Manager (and above the limit a second manager or admin): sanction; never the recommender.")
    reject_loan = strawberry.mutation(resolver=reject_loan, permission_classes=GUARD, description="Manager: reject an application with a reason.")
    disburse_loan = strawberry.mutation(resolver=disburse_loan, permission_classes=GUARD, description="Disburse a sanctioned loan (net of fee and GST); once per loan.")
    repay_loan = strawberry.mutation(resolver=repay_loan, permission_classes=GUARD, description="Pay EMI from savings, or cash at the counter; idempotent per key.")
    prepay_loan = strawberry.mutation(resolver=prepay_loan, permission_classes=GUARD, description="Part-prepayment reducing tenure or EMI; idempotent per key.")
    close_loan = strawberry.mutation(resolver=close_loan, permission_classes=GUARD, description="Foreclose: pay today's quote and close; idempotent per key.")
    write_off_loan = strawberry.mutation(resolver=write_off_loan, permission_classes=GUARD, description="Manager proposes, admin approves a write-off.")
    reschedule_loan = strawberry.mutation(resolver=reschedule_loan, permission_classes=GUARD, description="Reschedule from an instalment not yet due with a new rate or tenure (restructured).")

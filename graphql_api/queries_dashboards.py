"""Queries the staff dashboards and the member portal need beyond the core ones
(cash totals, branch overview figures, ...). Kept apart so the core Query stays small."""

from __future__ import annotations

from datetime import date

import strawberry

from bankcore.calendar.business_date import business_date
from bankcore.reports.dashboards import branch_overview, cash_totals
from bankcore.verify import verify_ledger
from graphql_api.context import Context
from graphql_api.policy import RootFieldPolicy
from graphql_api.types.money import MoneyType

GUARD = [RootFieldPolicy]


@strawberry.type(name="CashTotal", description="One currency's cash taken in and paid out at the counter.")
class CashTotalType:
    currency: str = strawberry.field(description="ISO 4217 currency.")
    deposits_count: int = strawberry.field(description="Number of cash deposits.")
    deposits: MoneyType = strawberry.field(description="Cash taken in.")
    withdrawals_count: int = strawberry.field(description="Number of cash withdrawals.")
    withdrawals: MoneyType = strawberry.field(description="Cash paid out.")
    net: MoneyType = strawberry.field(description="Taken in less paid out: what the drawer should have gained.")


@strawberry.type(name="CountByStatus", description="How many objects are in one state.")
class CountByStatus:
    status: str = strawberry.field(description="The state, e.g. active.")
    count: int = strawberry.field(description="How many.")


@strawberry.type(name="DayVolume", description="Entries and amount moved on members' accounts on one value date.")
class DayVolumeType:
    value_date: date = strawberry.field(description="Value date.")
    entries: int = strawberry.field(description="Journal entries touching members' accounts.")
    amount: MoneyType = strawberry.field(description="Sum of the amounts posted to members' accounts.")


@strawberry.type(name="BranchOverview", description="A branch's (or the bank's) members, accounts, deposits and daily volume.")
class BranchOverviewType:
    branch_code: str | None = strawberry.field(description="The branch; null for the whole bank.")
    members: int = strawberry.field(description="Members registered.")
    members_kyc_pending: int = strawberry.field(description="Members whose KYC is not yet verified.")
    accounts_by_status: list[CountByStatus] = strawberry.field(description="Accounts per lifecycle state.")
    deposits: list[MoneyType] = strawberry.field(description="Sum of members' deposit balances, per currency.")
    daily_volume: list[DayVolumeType] = strawberry.field(description="Per value date and currency, oldest first.")
    last_activity: date | None = strawberry.field(description="Last value date of the window (the last day with postings by default).")


@strawberry.type(name="LedgerVerification", description="Result of recomputing the books (what `coopbank verify` checks).")
class LedgerVerificationType:
    ok: bool = strawberry.field(description="Every entry balances, every cached balance equals its postings, the trial balance nets to zero.")
    entries: int = strawberry.field(description="Journal entries checked.")
    postings: int = strawberry.field(description="Postings checked.")
    tracked_accounts: int = strawberry.field(description="Accounts whose cached balance was recomputed.")
    problems: list[str] = strawberry.field(description="What is wrong, at most 50 lines.")


@strawberry.type
class DashboardQuery:
    @strawberry.field(
        description="Recompute every balance from postings and check every entry and the trial balance (read-only; "
        "can take seconds on a large ledger).",
        permission_classes=GUARD,
    )
    async def ledger_verification(self) -> LedgerVerificationType:
        report = await verify_ledger(max_listed=50)
        return LedgerVerificationType(
            ok=not report.problems, entries=report.entries, postings=report.postings,
            tracked_accounts=report.tracked_accounts, problems=list(report.problems),
        )

    @strawberry.field(
        description="The caller's cash deposits and withdrawals on `date` (default today), per currency: the cash-drawer totals.",
        permission_classes=GUARD,
    )
    async def cash_totals(self, info: strawberry.Info[Context, None], date: date | None = None) -> list[CashTotalType]:
        rows = await cash_totals(initiator=info.context.actor, on=date or await business_date())
        return [
            CashTotalType(
                currency=r.currency, deposits_count=r.deposits_count, deposits=MoneyType.minor(r.deposits_minor, r.currency),
                withdrawals_count=r.withdrawals_count, withdrawals=MoneyType.minor(r.withdrawals_minor, r.currency),
                net=MoneyType.minor(r.net_minor, r.currency),
            )
            for r in rows
        ]

    @strawberry.field(
        description="Members, accounts, deposits and daily volume of a branch (all branches when `branchCode` is null) "
        "over `days` (1-366) days ending `toDate` (default: the last day with postings).",
        permission_classes=GUARD,
    )
    async def branch_overview(
        self, branch_code: str | None = None, days: int = 30, to_date: date | None = None
    ) -> BranchOverviewType:
        o = await branch_overview(branch_code=branch_code.strip()[:10] if branch_code else None, days=days, to_date=to_date)
        return BranchOverviewType(
            branch_code=o.branch_code, members=o.members, members_kyc_pending=o.members_kyc_pending,
            accounts_by_status=[CountByStatus(status=s, count=n) for s, n in sorted(o.accounts_by_status.items())],
            deposits=[MoneyType.minor(v, c) for c, v in sorted(o.deposits_minor.items())],
            daily_volume=[
                DayVolumeType(value_date=d.value_date, entries=d.entries, amount=MoneyType.minor(d.amount_minor, d.currency))
                for d in o.daily_volume
            ],
            last_activity=o.last_activity,
        )

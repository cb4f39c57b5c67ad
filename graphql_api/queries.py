"""The Query root. Every field is guarded by ``RootFieldPolicy`` and scoped per object."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from datetime import date, datetime
from typing import Any, TypeVar

import strawberry
from strawberry import relay
from tortoise.expressions import Q

from bankcore.audit import query_audit, verify_audit_chain
from bankcore.identity.credentials import live_sessions
from bankcore.calendar.business_date import business_date
from bankcore.models import (
    Account,
    ApiClient,
    Branch,
    EntryType,
    JournalEntry,
    KycStatus,
    Member,
    Posting,
    PrincipalKind,
    Product,
    StaffUser,
)
from bankcore.models.approval import ApprovalRequest, ApprovalStatus
from bankcore.reports.trial_balance import chart_balances, trial_balance
from graphql_api.context import Context
from graphql_api.pagination import decode_cursor, encode_cursor, page_size
from graphql_api.policy import RootFieldPolicy
from graphql_api.scope import can_see_member, sees_full_identifiers, visible_account_ids
from graphql_api.types.account import AccountType
from graphql_api.types.approval import ApprovalRequestType
from graphql_api.types.bank import BranchType, ProductType
from graphql_api.types.enums import EntryTypeEnum, KycStatusEnum
from graphql_api.types.identity import ApiClientType, AuditEventType, SessionInfoType, StaffUserType
from graphql_api.types.ledger import JournalEntryType, LedgerAccountType, TrialBalanceType
from graphql_api.types.member import MemberType, sees_own_identifiers

T = TypeVar("T")
GUARD = [RootFieldPolicy]


def build_connection(rows: Sequence[Any], limit: int, kind: str, key: Callable[[Any], Any], to_node: Callable[[Any], T]) -> relay.Connection[T]:
    """A forward keyset page: ``rows`` holds up to ``limit + 1`` rows in key order."""
    page = list(rows[:limit])
    edges = [relay.Edge(cursor=encode_cursor(kind, key(r)), node=to_node(r)) for r in page]
    return relay.Connection(
        edges=edges,
        page_info=relay.PageInfo(
            has_next_page=len(rows) > limit,
            has_previous_page=False,
            start_cursor=edges[0].cursor if edges else None,
            end_cursor=edges[-1].cursor if edges else None,
        ),
    )


@strawberry.type(name="AuditChainStatus", description="Result of checking the audit log's hash chain.")
class AuditChainStatus:
    intact: bool = strawberry.field(description="Every row's hash matches its content and the previous row's hash.")
    problems: list[str] = strawberry.field(description="The first broken links found, if any.")


@strawberry.type(name="StaffIdentity", description="The signed-in staff user.")
class StaffIdentity:
    id: strawberry.ID = strawberry.field(description="Staff user id.")
    role: str = strawberry.field(description="admin, manager, accountant, clerk, cashier or auditor.")
    must_change_password: bool = strawberry.field(default=False, description="True after an admin's reset: only changePassword (and signing out) is allowed until a new password is chosen.")


@strawberry.type(name="Me", description="Who the caller is.")
class MeType:
    kind: str = strawberry.field(description="staff, member or partner.")
    role: str = strawberry.field(description="The role policies are checked against.")
    scopes: list[str] = strawberry.field(description="Partner scopes (empty for staff and members).")
    member: MemberType | None = strawberry.field(description="The member, for members and partners bound to one.")
    staff: StaffIdentity | None = strawberry.field(description="The staff user, for staff.")


def _member_type(ctx: Context, m: Member) -> MemberType:
    return MemberType.from_model(m, full_identifiers=sees_full_identifiers(ctx) or sees_own_identifiers(ctx, m.id))


@strawberry.type
class CoreQuery:
    @strawberry.field(description="The caller's identity and role.", permission_classes=GUARD)
    async def me(self, info: strawberry.Info[Context, None]) -> MeType:
        ctx = info.context
        p = ctx.principal
        member = await Member.get_or_none(id=p.member_id) if p.member_id else None
        return MeType(
            kind=p.kind,
            role=ctx.role.value,
            scopes=sorted(ctx.scopes),
            member=_member_type(ctx, member) if member else None,
            staff=StaffIdentity(id=strawberry.ID(str(p.id)), role=ctx.role.value,
                                must_change_password=bool(getattr(p, "must_change_password", False))) if ctx.is_staff else None,
        )

    @strawberry.field(description="Any object by its global id; null when unknown or not visible to the caller.", permission_classes=GUARD)
    async def node(self, info: strawberry.Info[Context, None], id: relay.GlobalID) -> relay.Node | None:
        try:
            node_type = id.resolve_type(info)
        except Exception:
            return None
        nodes = await node_type.resolve_nodes(info=info, node_ids=[id.node_id], required=False)
        return list(nodes)[0] if nodes else None

    @strawberry.field(description="Members, by member number; `search` matches name, member number or mobile, `kycStatus` filters (PENDING: the KYC queue), `registeredByMe` keeps those the caller registered (the KYC maker's own). Staff only.", permission_classes=GUARD)
    async def members(
        self,
        info: strawberry.Info[Context, None],
        search: str | None = None,
        kyc_status: KycStatusEnum | None = None,
        first: int | None = None,
        after: str | None = None,
        registered_by_me: bool = False,
    ) -> relay.Connection[MemberType]:
        limit = page_size(first)
        query = Member.all()
        if kyc_status is not None:
            query = query.filter(kyc_status=KycStatus(kyc_status.value))
        if registered_by_me:
            query = query.filter(registered_by=info.context.actor)
        if search:
            term = search.strip()[:100]
            query = query.filter(Q(full_name__icontains=term) | Q(member_number__startswith=term) | Q(mobile__contains=term))
        cursor = decode_cursor("member", after)
        if cursor:
            query = query.filter(member_number__gt=cursor)
        rows = await query.order_by("member_number").limit(limit + 1)
        return build_connection(rows, limit, "member", lambda m: m.member_number, lambda m: _member_type(info.context, m))

    @strawberry.field(description="A member by member number; members may ask only for themselves. Null when unknown or not visible.", permission_classes=GUARD)
    async def member(self, info: strawberry.Info[Context, None], member_number: str) -> MemberType | None:
        m = await Member.get_or_none(member_number=member_number.strip()[:20])
        if m is None or not can_see_member(info.context, m.id):
            return None
        return _member_type(info.context, m)

    @strawberry.field(description="Accounts the caller may see (a member: the ones they hold), by account number.", permission_classes=GUARD)
    async def accounts(
        self,
        info: strawberry.Info[Context, None],
        member_number: str | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> relay.Connection[AccountType]:
        limit = page_size(first)
        query = Account.all().select_related("ledger_account")
        visible = await visible_account_ids(info.context)
        if visible is not None:
            query = query.filter(id__in=visible)
        if member_number:
            query = query.filter(holders__member__member_number=member_number.strip()[:20]).distinct()
        cursor = decode_cursor("account", after)
        if cursor:
            query = query.filter(number__gt=cursor)
        rows = await query.order_by("number").limit(limit + 1)
        return build_connection(rows, limit, "account", lambda a: a.number, AccountType.from_model)

    @strawberry.field(description="An account by number; null when unknown or not visible to the caller.", permission_classes=GUARD)
    async def account(self, info: strawberry.Info[Context, None], number: str) -> AccountType | None:
        nodes = await AccountType.resolve_nodes(info=info, node_ids=[number.replace(" ", "")[:20]])
        return nodes[0]

    @strawberry.field(description="Journal entries, newest first, filtered by value date range (inclusive), account and type.", permission_classes=GUARD)
    async def journal_entries(
        self,
        info: strawberry.Info[Context, None],
        from_date: date | None = None,
        to_date: date | None = None,
        account_number: str | None = None,
        entry_type: EntryTypeEnum | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> relay.Connection[JournalEntryType]:
        limit = page_size(first)
        query = JournalEntry.all()
        visible = await visible_account_ids(info.context)
        if account_number or visible is not None:
            account = await Account.get_or_none(number=(account_number or "").replace(" ", "")[:20])
            if account is None or (visible is not None and account.id not in visible):
                return build_connection([], limit, "entry", lambda e: e.id, JournalEntryType.from_model)
            entry_ids = Posting.filter(ledger_account_id=account.ledger_account_id).values_list("entry_id", flat=True)
            query = query.filter(id__in=await entry_ids)
        if from_date:
            query = query.filter(value_date__gte=from_date)
        if to_date:
            query = query.filter(value_date__lte=to_date)
        if entry_type:
            query = query.filter(entry_type=EntryType(entry_type.value))
        cursor = decode_cursor("entry", after)
        if cursor:
            query = query.filter(id__lt=int(cursor))
        rows = await query.order_by("-id").limit(limit + 1)
        return build_connection(rows, limit, "entry", lambda e: e.id, JournalEntryType.from_model)

    @strawberry.field(description="The chart of accounts (GL accounts) with balances at the end of `asOf` (inclusive; default the business date).", permission_classes=GUARD)
    async def ledger_accounts(self, as_of: date | None = None, currency: str | None = None) -> list[LedgerAccountType]:
        balances = await chart_balances(as_of=as_of or await business_date(), currency=currency)
        codes = {b.ledger_account_id: b.code for b in balances}
        return [LedgerAccountType.from_balance(b, codes.get(b.parent_id)) for b in balances]

    @strawberry.field(description="Trial balance at the end of `asOf` (inclusive) in one currency.", permission_classes=GUARD)
    async def trial_balance(self, as_of: date, currency: str = "INR") -> TrialBalanceType:
        return TrialBalanceType.from_report(await trial_balance(as_of=as_of, currency=currency.upper()[:3]))

    @strawberry.field(description="Branches of the bank.", permission_classes=GUARD)
    async def branches(self) -> list[BranchType]:
        return [BranchType.from_model(b) for b in await Branch.all().order_by("code")]

    @strawberry.field(description="Products offered (active ones first).", permission_classes=GUARD)
    async def products(self) -> list[ProductType]:
        return [ProductType.from_model(p) for p in await Product.all().order_by("-active", "code")]

    @strawberry.field(description="The audit trail, newest first, filtered by actor, action, outcome and time (from inclusive, to exclusive).", permission_classes=GUARD)
    async def audit_events(
        self,
        actor: str | None = None,
        action: str | None = None,
        outcome: str | None = None,
        occurred_from: datetime | None = None,
        occurred_to: datetime | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> relay.Connection[AuditEventType]:
        limit = page_size(first)
        cursor = decode_cursor("audit", after)
        page = await query_audit(
            actor=actor[:120] if actor else None, action=action[:60] if action else None, outcome=outcome,
            occurred_from=occurred_from, occurred_to=occurred_to,
            before_id=int(cursor) if cursor and cursor.isdigit() else None, limit=limit,
        )
        nodes = [
            AuditEventType(
                id=strawberry.ID(str(e.id)), occurred_at=e.occurred_at, actor=e.actor, action=e.action, outcome=str(e.outcome),
                object_type=e.object_type, object_id=e.object_id,
                details=json.dumps(e.details, sort_keys=True) if e.details is not None else None, hash=e.hash,
            )
            for e in page.entries
        ]
        padded = nodes + ([None] if page.next_before_id is not None else [])
        return build_connection(padded, limit, "audit", lambda n: n.id, lambda n: n)

    @strawberry.field(description="Whether the audit log's hash chain is intact; lists broken links.", permission_classes=GUARD)
    async def audit_chain_status(self) -> AuditChainStatus:
        problems = await verify_audit_chain()
        return AuditChainStatus(intact=not problems, problems=problems[:50])

    @strawberry.field(description="Staff users and their roles.", permission_classes=GUARD)
    async def staff_users(self) -> list[StaffUserType]:
        return [StaffUserType.of(u) for u in await StaffUser.all().order_by("username")]

    @strawberry.field(description="The caller's own live sessions (device, address, last seen), most recently used first.", permission_classes=GUARD)
    async def my_sessions(self, info: strawberry.Info[Context, None]) -> list[SessionInfoType]:
        p = info.context.principal
        rows = await live_sessions(kind=PrincipalKind(p.kind), principal_id=p.id)
        return [SessionInfoType.of(s, p.session_id) for s in rows]

    @strawberry.field(description="Admin: every live staff session, most recently used first, with the username.", permission_classes=GUARD)
    async def staff_sessions(self, info: strawberry.Info[Context, None]) -> list[SessionInfoType]:
        rows = await live_sessions(kind=PrincipalKind.STAFF)
        names = dict(await StaffUser.filter(id__in={s.principal_id for s in rows}).values_list("id", "username")) if rows else {}
        return [SessionInfoType.of(s, info.context.principal.session_id, names.get(s.principal_id)) for s in rows]

    @strawberry.field(description="Partner API clients.", permission_classes=GUARD)
    async def api_clients(self) -> list[ApiClientType]:
        clients = await ApiClient.all().order_by("client_id")
        member_ids = {getattr(c, "member_id", None) for c in clients} - {None}
        numbers = dict(await Member.filter(id__in=member_ids).values_list("id", "member_number")) if member_ids else {}
        return [ApiClientType.of(c, numbers.get(getattr(c, "member_id", None))) for c in clients]

    @strawberry.field(description="Maker-checker requests awaiting a decision, oldest first.", permission_classes=GUARD)
    async def pending_approvals(self) -> list[ApprovalRequestType]:
        rows = await ApprovalRequest.filter(status=ApprovalStatus.PENDING).order_by("id").limit(200)
        return [ApprovalRequestType.from_model(r) for r in rows]

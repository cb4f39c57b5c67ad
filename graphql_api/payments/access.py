"""Object-level checks shared by the payments fields (unknown and forbidden look the same)."""

from __future__ import annotations

from bankcore.errors import DomainError, ErrorCode
from bankcore.models import Account, AccountHolder, HolderRole, Member
from graphql_api.context import Context
from graphql_api.scope import can_see_account

_OPERATING = (HolderRole.OWNER, HolderRole.JOINT, HolderRole.MANDATE_HOLDER)


async def visible_account(ctx: Context, number: str, field: str = "account_number") -> Account:
    """The account if the caller may see it; else ``DomainError(NOT_FOUND)`` worded as for an unknown one."""
    compact = "".join((number or "").split())[:20]
    account = await Account.get_or_none(number=compact).select_related("ledger_account")
    if account is None or not await can_see_account(ctx, account.id):
        raise DomainError(ErrorCode.NOT_FOUND, f"no account {compact}", field=field)
    return account


async def acting_member_id(ctx: Context, member_number: str | None, account: Account | None = None) -> int:
    """The member whose payees and codes are meant: the caller (members) or the one named (staff).

    Staff may name the member by number, or leave it to the account's first owner.
    """
    if not ctx.is_staff:
        if ctx.principal is None or ctx.principal.member_id is None:
            raise DomainError(ErrorCode.NOT_FOUND, "no such member", field="member_number")
        return ctx.principal.member_id
    if member_number:
        member = await Member.get_or_none(member_number=member_number.strip()[:20])
        if member is None:
            raise DomainError(ErrorCode.NOT_FOUND, "no such member", field="member_number")
        return member.id
    if account is not None:
        holder = await AccountHolder.filter(account_id=account.id, role__in=_OPERATING).order_by("id").first()
        if holder is not None:
            return holder.member_id
    raise DomainError(ErrorCode.INVALID_INPUT, "name the member", field="member_number")

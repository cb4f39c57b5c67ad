"""Object-level visibility: which members and accounts a principal may see.

Unknown and forbidden objects answer the same way (null / NOT_FOUND), so ids cannot be
probed. Staff and auditors see everything; a member sees the accounts they own, hold
jointly or operate (not those where they are only nominee) and themselves; a partner
sees what its bound member sees, and nothing if it is bound to none.
"""

from __future__ import annotations

from bankcore.models import AccountHolder, HolderRole
from graphql_api.context import Context, Role

# The roles that let a member see an account (a nominee only inherits it).
OPERATING_ROLES = (HolderRole.OWNER, HolderRole.JOINT, HolderRole.MANDATE_HOLDER)


def _subject_member_id(ctx: Context) -> int | None:
    if ctx.principal is None:
        return None
    return ctx.principal.member_id


async def visible_account_ids(ctx: Context) -> set[int] | None:
    """Ids of the accounts the principal may see, or None for "all" (staff)."""
    if ctx.is_staff:
        return None
    if ctx._visible_account_ids is None:
        member_id = _subject_member_id(ctx) if ctx.role in (Role.MEMBER, Role.PARTNER) else None
        if member_id is None:
            ctx._visible_account_ids = set()
        else:
            ctx._visible_account_ids = set(
                await AccountHolder.filter(member_id=member_id, role__in=OPERATING_ROLES).values_list(
                    "account_id", flat=True
                )
            )
    return ctx._visible_account_ids


async def can_see_account(ctx: Context, account_id: int) -> bool:
    visible = await visible_account_ids(ctx)
    return visible is None or account_id in visible


def can_see_member(ctx: Context, member_id: int) -> bool:
    if ctx.is_staff:
        return True
    return ctx.role in (Role.MEMBER, Role.PARTNER) and _subject_member_id(ctx) == member_id


def sees_full_identifiers(ctx: Context) -> bool:
    """PAN and mobile in full only for the staff who work with them (ARCHITECTURE §4)."""
    return ctx.role in (Role.ADMIN, Role.MANAGER, Role.CLERK)


def partner_lacks(ctx: Context, scope: str) -> bool:
    """True for a partner whose token lacks ``scope``: a mutation payload's field then answers
    null, as the query reading the same object would be refused (issue 8 item 4)."""
    return ctx.role is Role.PARTNER and scope not in ctx.scopes

"""Who may call which root field: one table, checked by a permission class on every field.

Object-level scoping (a member sees only the accounts they hold) is applied inside the
resolvers through ``graphql_api.scope``; this table decides only whether a role may ask
at all. A partner additionally needs the scope named in ``PARTNER_SCOPES``.
"""

from __future__ import annotations

from typing import Any

from strawberry.permission import BasePermission
from strawberry.types import Info

from graphql_api.context import STAFF_ROLES, Context, Role

A = Role
EVERYONE = frozenset(Role)
SIGNED_IN = frozenset(Role) - {Role.ANONYMOUS}
STAFF = STAFF_ROLES
BACK_OFFICE = frozenset({A.ADMIN, A.MANAGER, A.ACCOUNTANT, A.AUDITOR})

POLICY: dict[str, frozenset[Role]] = {
    # queries
    "me": SIGNED_IN,
    "node": SIGNED_IN,
    "members": STAFF,
    "member": STAFF | {A.MEMBER},
    "accounts": STAFF | {A.MEMBER, A.PARTNER},
    "account": STAFF | {A.MEMBER, A.PARTNER},
    "journalEntries": BACK_OFFICE | {A.PARTNER},
    "ledgerAccounts": BACK_OFFICE,
    "trialBalance": BACK_OFFICE,
    "branches": SIGNED_IN,
    "products": SIGNED_IN,
    "auditEvents": frozenset({A.ADMIN, A.AUDITOR}),
    "auditChainStatus": frozenset({A.ADMIN, A.AUDITOR}),
    "staffUsers": frozenset({A.ADMIN, A.AUDITOR}),
    "apiClients": frozenset({A.ADMIN, A.AUDITOR}),
    "pendingApprovals": frozenset({A.ADMIN, A.MANAGER, A.ACCOUNTANT, A.AUDITOR}),
    # dashboards (graphql_api/queries_dashboards.py)
    "cashTotals": frozenset({A.MANAGER, A.CASHIER}),
    "branchOverview": BACK_OFFICE,
    "ledgerVerification": BACK_OFFICE,
    # mutations
    "signInWithPassword": EVERYONE,
    "signInWithCode": EVERYONE,
    "refreshSession": EVERYONE,
    "issueClientToken": EVERYONE,
    "signOut": SIGNED_IN,
    "enrolTotp": STAFF - {A.AUDITOR} | {A.MEMBER},
    "registerMember": frozenset({A.ADMIN, A.MANAGER, A.CLERK}),
    "updateMember": frozenset({A.ADMIN, A.MANAGER, A.CLERK, A.MEMBER}),
    "requestContactChange": frozenset({A.MEMBER}),
    "confirmContactChange": frozenset({A.MEMBER}),
    "approveKyc": frozenset({A.ADMIN, A.MANAGER}),
    "openAccount": frozenset({A.ADMIN, A.MANAGER, A.CLERK}),
    "setNominee": frozenset({A.ADMIN, A.MANAGER, A.CLERK, A.MEMBER}),
    "depositCash": frozenset({A.MANAGER, A.CASHIER}),
    "withdrawCash": frozenset({A.MANAGER, A.CASHIER}),
    "transferFunds": frozenset({A.MANAGER, A.CASHIER, A.MEMBER, A.PARTNER}),
    "requestReversal": frozenset({A.ADMIN, A.MANAGER, A.ACCOUNTANT}),
    "approveReversal": frozenset({A.ADMIN, A.MANAGER, A.ACCOUNTANT}),
    "createStaffUser": frozenset({A.ADMIN}),
    "createApiClient": frozenset({A.ADMIN}),
    "createProduct": frozenset({A.ADMIN}),
    "revokeSession": frozenset({A.ADMIN}),
    # credentials and sessions (issue 9 items 4 and 5)
    "mySessions": STAFF | {A.MEMBER},
    "staffSessions": frozenset({A.ADMIN}),
    "endSession": STAFF | {A.MEMBER},
    "changePassword": STAFF | {A.MEMBER},
    "grantPortalAccess": frozenset({A.ADMIN, A.MANAGER, A.CLERK}),
    "requestPasswordReset": EVERYONE - {A.PARTNER},
    "completePasswordReset": EVERYONE - {A.PARTNER},
    "resetStaffPassword": frozenset({A.ADMIN}),
    "unlockLogin": frozenset({A.ADMIN, A.MANAGER}),
    "deactivateStaffUser": frozenset({A.ADMIN}),
    "deactivateApiClient": frozenset({A.ADMIN}),
    "rotateClientSecret": frozenset({A.ADMIN}),
    # subscriptions
    "balanceChanged": SIGNED_IN,
    "entryPosted": SIGNED_IN,
}

PARTNER_SCOPES: dict[str, str] = {
    "me": "accounts:read",
    "node": "accounts:read",
    "accounts": "accounts:read",
    "account": "accounts:read",
    "balanceChanged": "accounts:read",
    "journalEntries": "entries:read",
    "entryPosted": "entries:read",
    "transferFunds": "transfers:write",
    "signOut": "accounts:read",
    "branches": "accounts:read",
    "products": "accounts:read",
}


# Domains keep their own rows (graphql_api/<domain>/policy.py).
from graphql_api.payments.policy import PAYMENTS_PARTNER_SCOPES, PAYMENTS_POLICY  # noqa: E402

from graphql_api.counter.policy import COUNTER_POLICY  # noqa: E402

POLICY.update(PAYMENTS_POLICY)
from graphql_api.transfers.policy import TRANSFERS_POLICY  # noqa: E402

POLICY.update(COUNTER_POLICY)
POLICY.update(TRANSFERS_POLICY)
from graphql_api.settings.policy import SETTINGS_POLICY  # noqa: E402

POLICY.update(SETTINGS_POLICY)
from graphql_api.notifications.policy import NOTIFICATIONS_PARTNER_SCOPES, NOTIFICATIONS_POLICY  # noqa: E402

from graphql_api.shares.policy import SHARES_POLICY  # noqa: E402

POLICY.update(SHARES_POLICY)
PARTNER_SCOPES.update(PAYMENTS_PARTNER_SCOPES)
from graphql_api.deposits.policy import DEPOSITS_PARTNER_SCOPES, DEPOSITS_POLICY  # noqa: E402

POLICY.update(DEPOSITS_POLICY)
PARTNER_SCOPES.update(DEPOSITS_PARTNER_SCOPES)
POLICY.update(NOTIFICATIONS_POLICY)
PARTNER_SCOPES.update(NOTIFICATIONS_PARTNER_SCOPES)
from graphql_api.calendar.policy import CALENDAR_PARTNER_SCOPES, CALENDAR_POLICY  # noqa: E402

POLICY.update(CALENDAR_POLICY)
PARTNER_SCOPES.update(CALENDAR_PARTNER_SCOPES)

from graphql_api.reports.policy import REPORTS_POLICY  # noqa: E402

assert not set(REPORTS_POLICY) & set(POLICY), "a report field shadows another domain's root field"
POLICY.update(REPORTS_POLICY)
from graphql_api.loans.policy import LOANS_PARTNER_SCOPES, LOANS_POLICY  # noqa: E402

POLICY.update(LOANS_POLICY)
PARTNER_SCOPES.update(LOANS_PARTNER_SCOPES)
from graphql_api.members.policy import MEMBERS_POLICY  # noqa: E402

POLICY.update(MEMBERS_POLICY)


# What a staff user may still do after an admin reset their password, until they choose one.
PASSWORD_CHANGE_FIELDS = frozenset({"me", "changePassword", "signOut", "mySessions", "endSession"})


def allowed(context: Context, field_name: str) -> bool:
    """Whether the principal of ``context`` may call root field ``field_name``."""
    role = context.role
    roles = POLICY.get(field_name, frozenset())
    if role not in roles:
        return False
    if getattr(context.principal, "must_change_password", False) and field_name not in PASSWORD_CHANGE_FIELDS:
        return False
    if role is Role.PARTNER and Role.ANONYMOUS not in roles:  # public fields need no scope
        needed = PARTNER_SCOPES.get(field_name)
        return needed is not None and needed in context.scopes
    return True


class RootFieldPolicy(BasePermission):
    """Checks ``POLICY`` for the root field being resolved."""

    message = "You are not allowed to do this."
    error_extensions = {"code": "FORBIDDEN"}

    def has_permission(self, source: Any, info: Info, **kwargs: Any) -> bool:
        return allowed(info.context, info.field_name)

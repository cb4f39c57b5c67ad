"""Who may call the calendar domain's root fields (merged into ``graphql_api.policy.POLICY``)."""

from __future__ import annotations

from graphql_api.context import Role

A = Role
_SIGNED_IN = frozenset(Role) - {A.ANONYMOUS}
_BACK_OFFICE = frozenset({A.ADMIN, A.MANAGER, A.ACCOUNTANT, A.AUDITOR})

CALENDAR_POLICY: dict[str, frozenset[Role]] = {
    # queries
    "businessDate": _SIGNED_IN,
    # the zone times are shown in: public (the sign-in page says until when a login is locked)
    "bankTimeZone": frozenset(Role),
    "dayEndRuns": _BACK_OFFICE,
    "dayEndSteps": _BACK_OFFICE,
    # mutations (issue 10: accountant, admin)
    "runDayEnd": frozenset({A.ACCOUNTANT, A.ADMIN}),
    # inoperative accounts (bankcore/inoperative): a manager reactivates after a KYC check
    "reactivateAccount": frozenset({A.MANAGER, A.ADMIN}),
    # standing instructions (graphql_api/instructions)
    "standingInstructions": frozenset({A.ADMIN, A.MANAGER, A.ACCOUNTANT, A.CLERK, A.CASHIER, A.AUDITOR, A.MEMBER}),
    "createStandingInstruction": frozenset({A.ADMIN, A.MANAGER, A.CLERK, A.CASHIER, A.MEMBER}),
    "cancelStandingInstruction": frozenset({A.ADMIN, A.MANAGER, A.CLERK, A.CASHIER, A.MEMBER}),
    # subscriptions
    "dayEndProgress": _BACK_OFFICE,
}

CALENDAR_PARTNER_SCOPES: dict[str, str] = {
    "businessDate": "accounts:read",
}

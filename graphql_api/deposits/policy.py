"""Who may call the deposits domain's root fields (merged into ``graphql_api.policy.POLICY``)."""

from __future__ import annotations

from graphql_api.context import Role

A = Role
_STAFF = frozenset({A.ADMIN, A.MANAGER, A.ACCOUNTANT, A.CLERK, A.CASHIER, A.AUDITOR})
_DESK = frozenset({A.MANAGER, A.CLERK, A.CASHIER})

DEPOSITS_POLICY: dict[str, frozenset[Role]] = {
    # queries
    "depositProducts": frozenset(Role) - {A.ANONYMOUS},
    "deposits": _STAFF | {A.MEMBER},
    "deposit": _STAFF | {A.MEMBER},
    "depositClosureQuote": _STAFF | {A.MEMBER},
    "fixedDepositQuote": _STAFF | {A.MEMBER},
    "tdsRegister": frozenset({A.ADMIN, A.MANAGER, A.ACCOUNTANT, A.AUDITOR}),
    "tdsCertificate": frozenset({A.ADMIN, A.MANAGER, A.ACCOUNTANT, A.CLERK, A.AUDITOR, A.MEMBER}),
    "interestCertificate": frozenset({A.ADMIN, A.MANAGER, A.ACCOUNTANT, A.CLERK, A.AUDITOR, A.MEMBER}),
    # mutations
    "createDepositProduct": frozenset({A.ADMIN}),
    "setDepositRateChart": frozenset({A.ADMIN}),
    "openFixedDeposit": _DESK | {A.MEMBER},
    "openRecurringDeposit": _DESK | {A.MEMBER},
    "setMaturityInstruction": frozenset({A.MANAGER, A.CLERK, A.MEMBER}),
    "closeDepositPrematurely": frozenset({A.MANAGER, A.CLERK, A.MEMBER}),
    "recordTdsDeclaration": frozenset({A.MANAGER, A.CLERK, A.ACCOUNTANT}),
    "printPassbook": frozenset({A.MANAGER, A.CLERK, A.CASHIER, A.MEMBER}),
}

DEPOSITS_PARTNER_SCOPES: dict[str, str] = {
    "depositProducts": "accounts:read",
}

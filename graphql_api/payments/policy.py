"""Who may call the payments domain's root fields (merged into ``graphql_api.policy.POLICY``)."""

from __future__ import annotations

from graphql_api.context import Role

A = Role
_STAFF = frozenset({A.ADMIN, A.MANAGER, A.ACCOUNTANT, A.CLERK, A.CASHIER, A.AUDITOR})
_BACK_OFFICE = frozenset({A.ADMIN, A.MANAGER, A.ACCOUNTANT, A.AUDITOR})
_COUNTER = frozenset({A.MANAGER, A.CASHIER})

PAYMENTS_POLICY: dict[str, frozenset[Role]] = {
    # queries
    "paymentGateway": frozenset(Role) - {A.ANONYMOUS},
    "paymentOrder": _STAFF | {A.MEMBER},
    "paymentOrders": _STAFF | {A.MEMBER},
    "holds": _STAFF | {A.MEMBER, A.PARTNER},
    "payees": _STAFF | {A.MEMBER},
    "payouts": _STAFF | {A.MEMBER},
    "upiQr": _STAFF | {A.MEMBER, A.PARTNER},
    "gatewayEvents": _BACK_OFFICE,
    "settlementRuns": _BACK_OFFICE,
    "suspenseItems": _BACK_OFFICE,
    "suspenseAgeing": _BACK_OFFICE,
    # mutations
    "createPaymentOrder": _COUNTER | {A.MEMBER},
    "confirmPaymentCheckout": _COUNTER | {A.MEMBER},
    "requestStepUpCode": _COUNTER | {A.CLERK, A.MEMBER},
    "addPayee": _COUNTER | {A.CLERK, A.MEMBER},
    "removePayee": _COUNTER | {A.CLERK, A.MEMBER},
    "createPayout": _COUNTER | {A.MEMBER},
    "reconcileSettlement": frozenset({A.ADMIN, A.MANAGER, A.ACCOUNTANT}),
    # subscriptions
    "paymentUpdates": frozenset(Role) - {A.ANONYMOUS},
}

PAYMENTS_PARTNER_SCOPES: dict[str, str] = {
    "paymentGateway": "accounts:read",
    "holds": "accounts:read",
    "upiQr": "accounts:read",
    "paymentUpdates": "accounts:read",
}

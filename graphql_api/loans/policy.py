"""Who may call the loans domain's root fields (merged into ``graphql_api.policy.POLICY``)."""

from __future__ import annotations

from graphql_api.context import Role

A = Role
_STAFF = frozenset({A.ADMIN, A.MANAGER, A.ACCOUNTANT, A.CLERK, A.CASHIER, A.AUDITOR})
_LENDING = frozenset({A.ADMIN, A.MANAGER, A.CLERK})

LOANS_POLICY: dict[str, frozenset[Role]] = {
    # queries
    "loanProducts": _STAFF | {A.MEMBER},
    "loans": _STAFF | {A.MEMBER},
    "loan": _STAFF | {A.MEMBER, A.PARTNER},
    "loanSchedulePreview": _STAFF | {A.MEMBER},
    "loanDemandList": _STAFF,
    # mutations
    "createLoanProduct": frozenset({A.ADMIN}),
    "applyForLoan": _LENDING | {A.MEMBER},
    "confirmGuarantee": _LENDING | {A.MEMBER},
    "recommendLoan": frozenset({A.CLERK, A.MANAGER}),
    "sanctionLoan": frozenset({A.MANAGER, A.ADMIN}),
    "rejectLoan": frozenset({A.MANAGER, A.ADMIN}),
    "disburseLoan": frozenset({A.MANAGER, A.ADMIN}),
    "repayLoan": frozenset({A.MANAGER, A.CASHIER, A.MEMBER}),
    "prepayLoan": frozenset({A.MANAGER, A.CASHIER, A.MEMBER}),
    "closeLoan": frozenset({A.MANAGER, A.CASHIER, A.MEMBER}),
    "writeOffLoan": frozenset({A.MANAGER, A.ADMIN}),
    "rescheduleLoan": frozenset({A.MANAGER, A.ADMIN}),
}

LOANS_PARTNER_SCOPES: dict[str, str] = {"loan": "accounts:read"}

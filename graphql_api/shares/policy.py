"""Who may call the share capital, dividend and year-end root fields (merged into ``graphql_api.policy.POLICY``)."""

from __future__ import annotations

from graphql_api.context import Role

A = Role
_STAFF = frozenset({A.ADMIN, A.MANAGER, A.ACCOUNTANT, A.CLERK, A.CASHIER, A.AUDITOR})
_BACK_OFFICE = frozenset({A.ADMIN, A.MANAGER, A.ACCOUNTANT, A.AUDITOR})

SHARES_POLICY: dict[str, frozenset[Role]] = {
    # queries
    "shareTerms": frozenset(Role) - {A.ANONYMOUS, A.PARTNER},
    "shareHolding": _STAFF | {A.MEMBER},
    "shareRegister": _STAFF,
    "dividends": _BACK_OFFICE,
    "dividendReport": _BACK_OFFICE,
    "financialYearCloses": _BACK_OFFICE,
    # mutations
    "purchaseShares": frozenset({A.MANAGER, A.CLERK, A.CASHIER, A.MEMBER}),
    "transferShares": frozenset({A.MANAGER, A.CLERK}),
    "redeemShares": frozenset({A.MANAGER, A.CLERK, A.CASHIER}),
    "proposeDividend": frozenset({A.ACCOUNTANT}),
    "approveDividend": frozenset({A.MANAGER}),
    "closeFinancialYear": frozenset({A.ACCOUNTANT}),
}

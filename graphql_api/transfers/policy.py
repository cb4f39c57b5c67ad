"""Who may call the transfers domain's root fields (merged into ``graphql_api.policy.POLICY``)."""

from __future__ import annotations

from graphql_api.context import Role

A = Role

TRANSFERS_POLICY: dict[str, frozenset[Role]] = {
    "transferPayee": frozenset({A.MANAGER, A.CASHIER, A.MEMBER}),
}

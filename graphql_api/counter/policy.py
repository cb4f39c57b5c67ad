"""Who may call the counter domain's root fields (merged into ``graphql_api.policy.POLICY``)."""

from __future__ import annotations

from graphql_api.context import Role

A = Role
_COUNTER = frozenset({A.MANAGER, A.CASHIER})

COUNTER_POLICY: dict[str, frozenset[Role]] = {
    "myDrawer": _COUNTER,
    "branchDrawers": frozenset({A.MANAGER, A.ADMIN, A.AUDITOR}),
    "openDrawer": _COUNTER,
    "closeDrawer": _COUNTER,
}

"""Who may call the settings domain's root fields (merged into ``graphql_api.policy.POLICY``)."""

from __future__ import annotations

from graphql_api.context import Role

A = Role

SETTINGS_POLICY: dict[str, frozenset[Role]] = {
    "settings": frozenset({A.ADMIN, A.MANAGER, A.ACCOUNTANT, A.AUDITOR}),
    "setSetting": frozenset({A.ADMIN}),
}

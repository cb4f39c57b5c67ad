"""Document limits, masked errors and per-role introspection, through the real schema."""

from __future__ import annotations

import pytest

from graphql_api.schema import MAX_ALIASES, MAX_DEPTH, MAX_TOKENS
from tests.api.helpers import gql, member, staff
from tests.ledger.factory import make_account, small_bank


async def test_depth_alias_and_token_limits(db: str) -> None:
    deep = "{ me { member { accounts { holders { role } } } } }"
    assert (await gql(staff("admin"), deep)).errors is None
    too_deep = "{ node(id: \"x\") " + "".join("{ ... on Member { accounts { holders { role " for _ in range(MAX_DEPTH)) + "}" * (MAX_DEPTH * 4 + 1)
    result = await gql(staff("admin"), too_deep)
    assert result.errors and ("depth" in result.errors[0].message.lower() or "exceeds" in result.errors[0].message.lower())
    aliases = " ".join(f"b{i}: branches {{ code }}" for i in range(MAX_ALIASES + 1))
    result = await gql(staff("admin"), "{ " + aliases + " }")
    assert result.errors and "alias" in result.errors[0].message.lower()
    tokens = "{ " + " ".join("__typename" for _ in range(MAX_TOKENS)) + " }"
    result = await gql(staff("admin"), tokens)
    assert result.errors and "token" in result.errors[0].message.lower()


async def test_unexpected_errors_are_masked(db: str, monkeypatch: pytest.MonkeyPatch) -> None:
    await small_bank()

    monkeypatch.setattr("graphql_api.queries.Branch.all", lambda: (_ for _ in ()).throw(RuntimeError("internal detail")))
    result = await gql(staff("admin"), "{ branches { code } }")
    assert result.errors and result.errors[0].message == "Unexpected error."
    assert "internal detail" not in str(result.errors[0].formatted)


async def test_introspection_is_for_staff_only(db: str) -> None:
    await small_bank()
    await make_account("SB0")
    query = "{ __schema { queryType { name } } }"
    assert (await gql(staff("auditor"), query)).data == {"__schema": {"queryType": {"name": "Query"}}}
    refused = await gql(member(1), query)
    assert refused.data is None and "introspection" in refused.errors[0].message.lower()


async def test_auditors_may_sign_out_and_nothing_else(db: str) -> None:
    deposit = 'depositCash(input: {accountNumber: "001000000018", amount: {amount: "1", currency: "INR"}, idempotencyKey: "x"}) { userErrors { code } }'
    signed_out = await gql(staff("auditor"), "mutation { signOut { signedOut } }")
    assert signed_out.errors is None
    for document in (
        f"mutation {{ signOut {{ signedOut }} {deposit} }}",
        f"mutation {{ ...signOut }} fragment signOut on Mutation {{ {deposit} }}",
        f"mutation {{ ... on Mutation {{ {deposit} }} }}",
    ):
        refused = await gql(staff("auditor"), document)
        assert refused.errors and refused.errors[0].message == "Auditors are read-only.", document

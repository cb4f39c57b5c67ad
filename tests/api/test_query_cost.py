"""Query cost limits (issue 8, item 5): Shopify-style calculated cost, a ceiling per request,
a budget per principal, the cost in ``extensions.cost``; the UI's own documents well within."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from graphql import parse

from graphql_api import cost
from graphql_api.cost import MAX_QUERY_COST, LeakyBuckets, requested_cost
from graphql_api.schema import schema
from tests.api.helpers import anonymous, gql, member, staff
from tests.ledger.factory import make_account, make_member, small_bank

ATTACK = "{ " + " ".join(
    f"a{i}: accounts(first: 100) {{ edges {{ node {{ number statement(fromDate: \"1900-01-01\", toDate: \"2100-01-01\", first: 500) "
    "{ lines { entryId narration runningBalance { amount } } } } } }"
    for i in range(15)
) + " }"


def price(document: str, **variables: object) -> int:
    return requested_cost(schema._schema, parse(document), None, variables)


def test_prices_follow_shopifys_rules() -> None:
    # an object costs 1, scalars 0; Money and PageInfo come with their row
    assert price("{ me { kind role } }") == 1
    assert price("{ account(number: \"1\") { number balance { amount } } }") == 1
    # a connection costs `first` times its selection (edge + node), plus the connection itself
    assert price("{ accounts(first: 20) { edges { node { number } } pageInfo { hasNextPage } } }") == 1 + 20 * 2
    assert price("query($n: Int) { accounts(first: $n) { edges { node { number } } } }", n=7) == 1 + 7 * 2
    # without `first`, the server's own default page
    assert price("{ accounts { edges { node { number } } } }") == 1 + 50 * 2
    # a statement's lines are as many as its `first`
    assert price('{ account(number: "1") { statement(fromDate: "2000-01-01", toDate: "2000-01-02", first: 30) { lines { entryId } } } }') == 1 + 1 + 30
    # aliases each pay; a mutation costs 10 plus its payload
    assert price("{ a: me { kind } b: me { kind } }") == 2
    assert price("mutation { signOut { signedOut } }") == 10
    # the attack of the hostile test: 15 aliases x 100 accounts x 500 statement lines
    assert price(ATTACK) > 750_000


async def test_a_query_above_the_ceiling_is_refused_before_it_runs(db: str) -> None:
    # given a bank with accounts, and an auditor and an admin
    await small_bank()
    await make_account("SB0", deposit="10.00")
    for role in ("auditor", "admin"):
        # when they ask for 15 aliases x 100 accounts x 500 statement lines
        result = await gql(staff(role), ATTACK)
        # then nothing runs and the refusal says why, with the cost
        assert result.data is None
        [error] = result.errors
        assert error.extensions["code"] == "QUERY_TOO_COSTLY"
        assert error.extensions["cost"]["requestedQueryCost"] > MAX_QUERY_COST
        assert result.extensions["cost"]["actualQueryCost"] is None


async def test_the_cost_is_reported_and_the_unused_part_given_back(db: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cost, "budgets", LeakyBuckets(10_000, 0))  # nothing refills: every point is visible
    await small_bank()
    await make_account("SB0")
    result = await gql(staff("admin"), "{ accounts(first: 40) { edges { node { number } } } }")
    assert result.errors is None
    report = result.extensions["cost"]
    # asked for 40 accounts (81 points), got one (3 points: connection, edge, node)
    assert report["requestedQueryCost"] == 81
    assert report["actualQueryCost"] == 3
    assert report["throttleStatus"] == {"maximumAvailable": 10_000, "currentlyAvailable": 10_000 - 3, "restoreRate": 0}


async def test_each_principal_has_a_budget_that_refills(db: str, monkeypatch: pytest.MonkeyPatch) -> None:
    # given a bucket of 250 points refilling at 10 a second, on a clock the test moves
    now = [0.0]
    monkeypatch.setattr(cost, "budgets", LeakyBuckets(250, 10, clock=lambda: now[0]))
    await small_bank()
    number = await make_member()
    heavy = "{ members(first: 100) { edges { node { memberNumber } } } }"  # 201 requested, 3 actual
    nested = '{ accounts(first: 100) { edges { node { number } } } }'
    # when a clerk spends the budget (the unused part comes back, so the heavy query can run twice)
    for _ in range(2):
        assert (await gql(staff("clerk"), heavy)).errors is None
    # a member's budget is their own
    assert (await gql(member(1), nested)).errors is None
    # then the clerk is refused once the bucket holds less than the requested cost
    for _ in range(20):
        result = await gql(staff("clerk"), heavy)
        if result.errors:
            break
    assert result.errors[0].extensions["code"] == "QUERY_TOO_COSTLY"
    assert "budget" in result.errors[0].message
    assert result.extensions["cost"]["throttleStatus"]["currentlyAvailable"] < 201
    # and served again once it has refilled
    now[0] += 25
    assert (await gql(staff("clerk"), heavy)).errors is None
    # signed-out callers share nothing with the signed-in
    assert (await gql(anonymous(), "{ __typename }")).errors is None
    assert number


def _ui_documents() -> list[tuple[str, str]]:
    root = Path(__file__).resolve().parents[2] / "ui"
    found = []
    for path in sorted(root.rglob("*.py")):
        tree = ast.parse(path.read_text())
        # pieces of an f-string are not documents (the reports page builds one per report)
        pieces = {id(v) for n in ast.walk(tree) if isinstance(n, ast.JoinedStr) for v in n.values}
        for node in ast.walk(tree):
            if id(node) in pieces:
                continue
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and \
                    node.value.lstrip().startswith(("query ", "mutation ", "subscription ")):
                found.append((f"{path.relative_to(root)}", node.value))
    return found


def test_every_ui_document_is_well_within_the_limits() -> None:
    documents = _ui_documents()
    assert len(documents) >= 30, "the UI's documents were not found"
    # the largest page any screen asks for (ui/pages/member/account.py PAGE_SIZE)
    costs = {f"{path}: {doc.split('{')[0].strip()}": price(doc, first=25) for path, doc in documents}
    too_dear = {name: c for name, c in costs.items() if c > MAX_QUERY_COST * 0.3}
    assert not too_dear, too_dear

"""Schemathesis in GraphQL mode against the real server: generated operations never get a 500."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.graphql import nodes

from graphql_api.schema import SDL_PATH
from tests.conftest import BACKEND
from tests.ledger.factory import make_account, small_bank
from tests.live.server import serve, staff_token

EXAMPLES_PER_OPERATION = 4
# The operations are dealt into shards, each its own test, so the test processes share the work
# (one test of every operation was the longest of the suite and often its last to finish).
SHARDS = 2
# The question is "never a 500", not latency: a report's PDF on a loaded 2-core CI machine can take
# longer than schemathesis' 10 s default, and a read timeout would be a false failure.
REQUEST_TIMEOUT_S = 120

# Decimal is a string scalar: give it both well-formed amounts and hostile text.
schemathesis.graphql.scalar(
    "Decimal",
    st.one_of(
        st.decimals(allow_nan=True, allow_infinity=True).map(str),
        st.text(max_size=50),
    ).map(nodes.String),
)


@pytest.mark.skipif(BACKEND == "postgres", reason="generated operations test the API's validation, not the database: "
                                                  "run once, on SQLite, to keep CI under 15 minutes")
@pytest.mark.parametrize("shard", range(SHARDS))
async def test_generated_operations_never_fail_with_a_server_error(db: str, shard: int) -> None:
    await small_bank()
    await make_account("SB0", deposit="100.00")
    tokens = {"admin": await staff_token("admin"), "cashier": await staff_token("cashier")}
    roles = list(tokens)
    schema = schemathesis.graphql.from_file(SDL_PATH.read_text())
    failures: list[str] = []
    calls: list[int] = []
    with serve(db) as base:
        for index, result in enumerate(schema.get_all_operations()):
            if index % SHARDS != shard:
                continue
            operation = result.ok()

            @settings(max_examples=EXAMPLES_PER_OPERATION, deadline=None, database=None,
                      suppress_health_check=list(HealthCheck))
            @given(case=operation.as_strategy())
            def check(case: schemathesis.Case) -> None:
                # The roles take turns: each operation's cases reach both (a cashier mostly meets the
                # policy's refusal, an admin the validation behind it) for half the requests.
                role = roles[len(calls) % len(roles)]
                for token in (tokens[role],):
                    response = case.call(base_url=f"{base}/graphql", headers={"authorization": f"Bearer {token}"},
                                         timeout=REQUEST_TIMEOUT_S)
                    calls.append(response.status_code)
                    if response.status_code >= 500:
                        failures.append(f"{role} {operation.label}: {response.status_code} {case.body!r:.300}")

            check()
    assert len(calls) >= 100 // SHARDS, "too few generated operations ran"
    assert not failures, "\n".join(failures[:20])

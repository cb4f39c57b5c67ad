"""Dedicated executors for the hottest trusted documents: the member read and ``transferFunds``.

graphql-core completes every field of a result through the same generic machinery (a
resolver call, a type check and a completion per field, ~240 of them for a 20-line
statement): most of the CPU of the member read. A trusted document's selection is known in
advance, so it is compiled once into a plan (response key, field, arguments, sub-plan) over
the few types these operations return, and run here by plain functions that read the same
data through the same code as the resolvers (``AccountType.resolve_nodes``, ``product_of``,
``statement_of``, the ``transfer_funds`` resolver itself, ``payload_entry`` / ``payload_account``)
with the same policy table (``allowed``), visibility, price (``requested_cost`` /
``actual_cost``, the same leaky buckets), control-character check and audit rows.

The member read asks the database once: the account, the caller's holding of it (the
visibility rule of ``graphql_api.scope``), its product and the statement page in one statement
(``account.account_rows``, on the statement service's own SQL), written straight into the answer; a
transfer's payload takes its entry from the posting's result and its account from one query.
Over HTTP, ``graphql_api.http`` hands these documents to ``execute_trusted`` before Strawberry's
view. The answer is the generic executor's, byte for byte (``tests/api/test_trusted_documents.py``).
Whatever the plan does not cover is left to the generic path, before anything is charged or
written: a role the policy refuses, an auditor's mutation, a variable of an unexpected type
or shape, a cost over the ceiling or the budget, a control character, a query whose
resolver refuses (a bad cursor). Every refusal thus reads exactly as it always did.
"""

from __future__ import annotations

import logging
from typing import Any

from graphql import GraphQLError
from strawberry.types import ExecutionResult

from graphql_api.context import Context, Role
from graphql_api.fast_exec.account import run_account
from graphql_api.fast_exec.plan import Plan, Unsupported, actual_cost_of, coerce_variables, compile_plan
from graphql_api.fast_exec.transfer import run_transfer

__all__ = ["compile_plan", "execute_trusted"]

log = logging.getLogger("graphql_api")

_requested: dict[tuple[Any, ...], int] = {}
RUNNERS = {"account": run_account, "transferFunds": run_transfer}


async def execute_trusted(schema: Any, trusted: Any, variable_values: dict[str, Any] | None, ctx: Any,
                          operation_name: str | None, allowed_kinds: set[str]) -> ExecutionResult | None:
    """Run ``trusted`` (a ``TrustedDocument`` with a plan) as the generic path would; None: take that path."""
    from graphql_api.cost import MAX_QUERY_COST, budget_key, budgets, requested_cost
    from graphql_api.extensions import audit_root_fields
    from graphql_api.input_guard import _bad_in_raw
    from graphql_api.policy import allowed

    plan: Plan = trusted.plan
    if (not isinstance(ctx, Context) or plan.kind not in allowed_kinds
            or (operation_name is not None and operation_name != trusted.name)
            or not allowed(ctx, plan.root.name)
            or (plan.kind == "mutation" and ctx.role is Role.AUDITOR)):
        return None
    try:
        variables = coerce_variables(plan, variable_values)
    except Unsupported:
        return None
    raw = variable_values or {}
    # Every argument of a plan is a variable (literals were checked once): any control character
    # in them sends the request to the generic path, which refuses it naming the field.
    if _bad_in_raw(raw, "variables") is not None:
        return None
    graphql_schema = schema._schema
    # The price depends on the variables only through `first`: remembered per value.
    memo_key = (trusted.sha256, *(raw.get(name) for name in plan.first_variables))
    requested = _requested.get(memo_key)
    if requested is None:
        requested = requested_cost(graphql_schema, trusted.document, None, raw)
        if len(_requested) < 10_000:
            _requested[memo_key] = requested
    if requested > MAX_QUERY_COST:
        return None
    key = budget_key(ctx)
    charged, _ = budgets.take(key, requested)
    if not charged:
        return None
    errors = None
    try:
        value = await RUNNERS[plan.root.name](plan, ctx, variables)
    except Unsupported:
        budgets.give_back(key, requested)  # a query's refusal: the generic path charges and answers it
        return None
    except Exception as exc:  # noqa: BLE001 - what MaskErrors and process_errors make of it
        if plan.kind != "mutation":
            budgets.give_back(key, requested)
            return None
        log.error("unexpected error", exc_info=exc)
        value = None
        errors = [GraphQLError("Unexpected error.", nodes=[plan.root_node], path=[plan.root.key])]
    data = {plan.root.key: value}
    actual = actual_cost_of((plan.root,), data)
    status = budgets.give_back(key, requested - actual)
    if plan.kind == "mutation":
        audit_root_fields(ctx, "mutation", [(plan.root.key, plan.root.name)], data, errors or [])
    cost = {"requestedQueryCost": requested, "actualQueryCost": actual, "throttleStatus": status.as_dict()}
    return ExecutionResult(data=data, errors=errors, extensions={"cost": cost})

"""Calculated query cost, in the manner of Shopify's GraphQL Admin API.

Every operation is priced before it runs, from its document and variables:

* an object costs 1 (a member, an account, an edge, a statement line), a scalar or enum 0;
  value objects that come with their parent's row cost 0 (``Money``, ``PageInfo``);
* a list costs its length times the cost of one item: a connection's ``edges`` and a
  statement's ``lines`` take the length from the field's ``first`` argument (or its
  default), other lists an estimate (``LIST_SIZES``, else ``DEFAULT_LIST_SIZE``);
* a mutation field costs ``MUTATION_COST`` plus its payload; a few fields that scan the
  whole ledger cost more (``FIELD_COSTS``); introspection costs ``INTROSPECTION_COST``.

An operation above ``MAX_QUERY_COST`` is refused before it runs (``QUERY_TOO_COSTLY``).
Each principal (or, signed out, each client address) also has a budget, a leaky bucket
of ``BUCKET_SIZE`` points that refills at ``RESTORE_PER_S`` points a second: an operation
is charged its requested cost up front and refused when the bucket holds less; after it
runs, the difference to its actual cost (the objects it really returned) is given back.
Buckets live in the process: each instance keeps its own (README, "Query cost limits");
``COOPBANK_QUERY_BUDGET`` and ``COOPBANK_QUERY_RESTORE_PER_S`` change their size and rate.

Every result reports ``extensions.cost``: ``requestedQueryCost``, ``actualQueryCost`` and
``throttleStatus`` (``maximumAvailable``, ``currentlyAvailable``, ``restoreRate``).
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLNamedType,
    GraphQLSchema,
    InlineFragmentNode,
    IntValueNode,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
    VariableNode,
    get_named_type,
    get_nullable_type,
    is_composite_type,
    is_list_type,
)
from strawberry.extensions import SchemaExtension

from graphql_api.context import Context
from graphql_api.pagination import DEFAULT_PAGE

MAX_QUERY_COST = 1_000
# The budget: operators may change it (a partner posting many transfers a second needs more).
BUCKET_SIZE = int(os.environ.get("COOPBANK_QUERY_BUDGET", "10000"))
RESTORE_PER_S = int(os.environ.get("COOPBANK_QUERY_RESTORE_PER_S", "1000"))  # 60,000 points a minute
MUTATION_COST = 10
INTROSPECTION_COST = 10
DEFAULT_LIST_SIZE = 10
FREE_TYPES = frozenset({"Money", "PageInfo", "ReportColumn", "ReportRow", "ReportCheck", "ReportSummaryItem"})
# Lists without `first` whose length is known to be small (or large), by item type.
LIST_SIZES = {"UserError": 1, "AccountHolder": 3, "Posting": 4, "CountByStatus": 5, "CashTotal": 2}
# Fields that read far more than the objects they return.
FIELD_COSTS = {("Query", "ledgerVerification"): 200, ("Query", "auditChainStatus"): 100}
# Reports (graphql_api/reports): each reads the whole ledger as of a date; rows come with it.
FIELD_COSTS.update({("Query", name): 50 for name in (
    "trialBalanceReport", "balanceSheet", "profitAndLoss", "dayBook", "cashBook", "generalLedger", "loansOutstanding",
    "npaStatement", "depositsReport", "crrReturn", "slrReturn", "dicgcReturn", "inoperativeAccounts", "kycDueList",
    "shareRegisterReport", "dividendRegisterReport", "tdsRegisterReport")})

_MISSING = object()


def _first(field: FieldNode, default: Any, variables: Mapping[str, Any]) -> int:
    for argument in field.arguments or ():
        if argument.name.value != "first":
            continue
        node = argument.value
        if isinstance(node, IntValueNode):
            return max(int(node.value), 0)
        if isinstance(node, VariableNode):
            value = variables.get(node.name.value)
            if isinstance(value, int) and not isinstance(value, bool):
                return max(value, 0)
        break
    return default if isinstance(default, int) else DEFAULT_PAGE


@dataclass
class _Walk:
    schema: GraphQLSchema
    fragments: dict[str, FragmentDefinitionNode]
    variables: Mapping[str, Any]

    def cost(self, parent: GraphQLNamedType, selection_set: SelectionSetNode | None, *, page: int | None,
             data: Any = _MISSING, root_mutation: bool = False) -> int:
        """Requested cost of ``selection_set`` on ``parent`` (``data`` missing), or actual cost over ``data``."""
        total = 0
        for selection in selection_set.selections if selection_set else ():
            if isinstance(selection, FieldNode):
                total += self._field(parent, selection, page=page, data=data, root_mutation=root_mutation)
            elif isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition
                target = self.schema.get_type(condition.name.value) if condition else parent
                total += self.cost(target or parent, selection.selection_set, page=page, data=data, root_mutation=root_mutation)
            elif isinstance(selection, FragmentSpreadNode):
                fragment = self.fragments.get(selection.name.value)
                if fragment is not None:
                    target = self.schema.get_type(fragment.type_condition.name.value) or parent
                    total += self.cost(target, fragment.selection_set, page=page, data=data, root_mutation=root_mutation)
        return total

    def _field(self, parent: GraphQLNamedType, node: FieldNode, *, page: int | None, data: Any, root_mutation: bool) -> int:
        name = node.name.value
        if name == "__typename":
            return 0
        if name in ("__schema", "__type"):
            return INTROSPECTION_COST
        fields = getattr(parent, "fields", None) or {}
        definition = fields.get(name)
        if definition is None:
            return 0
        item_type = get_named_type(definition.type)
        if root_mutation:
            base = MUTATION_COST
        elif (parent.name, name) in FIELD_COSTS:
            base = FIELD_COSTS[(parent.name, name)]
        else:
            base = 1 if is_composite_type(item_type) and item_type.name not in FREE_TYPES else 0
        child_page = None
        if "first" in definition.args:
            child_page = _first(node, definition.args["first"].default_value, self.variables)

        def one(item: Any) -> int:
            if node.selection_set is None:
                return base
            return base + self.cost(item_type, node.selection_set, page=child_page, data=item)

        if data is _MISSING:
            if is_list_type(get_nullable_type(definition.type)):
                size = page if page is not None else LIST_SIZES.get(item_type.name, DEFAULT_LIST_SIZE)
                return size * one(_MISSING)
            return one(_MISSING)
        value = data.get((node.alias or node.name).value) if isinstance(data, dict) else None
        if value is None:
            return 0
        if isinstance(value, list):
            return sum(one(item) for item in value if item is not None)
        return one(value)


def _operation(document: DocumentNode, operation_name: str | None) -> OperationDefinitionNode | None:
    for definition in document.definitions:
        if isinstance(definition, OperationDefinitionNode) and (
            operation_name is None or (definition.name is not None and definition.name.value == operation_name)
        ):
            return definition
    return None


def _walk_operation(schema: GraphQLSchema, document: DocumentNode, operation_name: str | None,
                    variables: Mapping[str, Any] | None, data: Any = _MISSING) -> int:
    operation = _operation(document, operation_name)
    if operation is None:
        return 0
    root = {
        OperationType.QUERY: schema.query_type,
        OperationType.MUTATION: schema.mutation_type,
        OperationType.SUBSCRIPTION: schema.subscription_type,
    }[operation.operation]
    if root is None:
        return 0
    fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
    walk = _Walk(schema, fragments, variables or {})
    return walk.cost(root, operation.selection_set, page=None, data=data,
                     root_mutation=operation.operation is OperationType.MUTATION)


def requested_cost(schema: GraphQLSchema, document: DocumentNode, operation_name: str | None = None,
                   variables: Mapping[str, Any] | None = None) -> int:
    """The cost of an operation before it runs (see the module), from its document and variables."""
    return _walk_operation(schema, document, operation_name, variables)


def actual_cost(schema: GraphQLSchema, document: DocumentNode, operation_name: str | None,
                variables: Mapping[str, Any] | None, data: Mapping[str, Any] | None) -> int:
    """The cost of what an operation returned: the same prices, over the objects really in ``data``."""
    return _walk_operation(schema, document, operation_name, variables, data=data or {})


@dataclass(frozen=True, slots=True)
class ThrottleStatus:
    maximum_available: int
    currently_available: int
    restore_rate: int

    def as_dict(self) -> dict[str, int]:
        return {"maximumAvailable": self.maximum_available, "currentlyAvailable": self.currently_available,
                "restoreRate": self.restore_rate}


class LeakyBuckets:
    """One bucket of points per key, refilled continuously; in-process and thread-safe."""

    MAX_KEYS = 100_000

    def __init__(self, size: int, restore_per_s: float, clock: Any = time.monotonic) -> None:
        self.size = size
        self.restore_per_s = restore_per_s
        self._clock = clock
        self._levels: dict[str, tuple[float, float]] = {}  # key -> (points available, when)
        self._lock = threading.Lock()

    def _available(self, key: str, now: float) -> float:
        points, since = self._levels.get(key, (float(self.size), now))
        return min(float(self.size), points + (now - since) * self.restore_per_s)

    def take(self, key: str, cost: int) -> tuple[bool, ThrottleStatus]:
        """Charge ``cost`` points to ``key`` if it has them; (charged?, status after)."""
        with self._lock:
            now = self._clock()
            available = self._available(key, now)
            charged = cost <= available
            if charged:
                available -= cost
                if len(self._levels) >= self.MAX_KEYS:
                    self._forget_full(now)
                self._levels[key] = (available, now)
            return charged, self._status(available)

    def give_back(self, key: str, points: int) -> ThrottleStatus:
        """Return ``points`` to ``key`` (what an operation was charged but did not use)."""
        with self._lock:
            now = self._clock()
            available = min(float(self.size), self._available(key, now) + max(points, 0))
            self._levels[key] = (available, now)
            return self._status(available)

    def _forget_full(self, now: float) -> None:
        for key in [k for k in self._levels if self._available(k, now) >= self.size]:
            del self._levels[key]
        if len(self._levels) >= self.MAX_KEYS:
            self._levels.clear()

    def _status(self, available: float) -> ThrottleStatus:
        return ThrottleStatus(self.size, int(available), int(self.restore_per_s))

    def reset(self) -> None:
        with self._lock:
            self._levels.clear()


budgets = LeakyBuckets(BUCKET_SIZE, RESTORE_PER_S)


def budget_key(context: Any) -> str:
    """Whose budget an operation spends: the principal's, or a signed-out client's address."""
    if isinstance(context, Context):
        return context.actor if context.principal is not None else f"anonymous@{context.client}"
    return "anonymous@unknown"


def too_costly(message: str, cost: dict[str, Any]) -> GraphQLError:
    return GraphQLError(message, extensions={"code": "QUERY_TOO_COSTLY", "cost": cost})


class QueryCost(SchemaExtension):
    """Prices every operation, refuses what is above the ceiling or the budget, reports the cost."""

    def __init__(self) -> None:
        self.report: dict[str, Any] | None = None

    def on_execute(self) -> Iterator[None]:
        context = self.execution_context
        document = context.graphql_document
        if document is None:
            yield
            return
        graphql_schema = context.schema._schema
        requested = requested_cost(graphql_schema, document, context.operation_name, context.variables)
        key = budget_key(context.context)
        if requested > MAX_QUERY_COST:
            status = budgets.give_back(key, 0)
            self.report = {"requestedQueryCost": requested, "actualQueryCost": None, "throttleStatus": status.as_dict()}
            raise too_costly(
                f"Query cost {requested} exceeds the maximum of {MAX_QUERY_COST} per request: "
                "ask for fewer objects (a smaller `first`, fewer aliases or nested lists).", self.report)
        charged, status = budgets.take(key, requested)
        if not charged:
            self.report = {"requestedQueryCost": requested, "actualQueryCost": None, "throttleStatus": status.as_dict()}
            raise too_costly(
                f"Query cost {requested} exceeds the {status.currently_available} points left in this minute's budget; "
                f"they refill at {RESTORE_PER_S} a second.", self.report)
        self.report = {"requestedQueryCost": requested, "actualQueryCost": None, "throttleStatus": status.as_dict()}
        yield
        data = getattr(context.result, "data", None)
        if isinstance(data, dict):
            actual = actual_cost(graphql_schema, document, context.operation_name, context.variables, data)
            status = budgets.give_back(key, requested - actual)
            self.report = {"requestedQueryCost": requested, "actualQueryCost": actual, "throttleStatus": status.as_dict()}

    def get_results(self) -> dict[str, Any]:
        return {"cost": self.report} if self.report is not None else {}

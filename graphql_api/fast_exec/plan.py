"""A trusted document compiled once into a plan: what it selects, what each object costs, and
its variables checked and coerced per request (anything else is ``Unsupported``: the generic path runs it)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from graphql import FieldNode, ListTypeNode, NamedTypeNode, NonNullTypeNode, OperationDefinitionNode
from graphql import VariableNode

# What a plan may select, per type: field -> the type of its object (None for a leaf).
FIELDS: dict[str, dict[str, str | None]] = {
    "Money": {"amount": None, "currency": None},
    "Product": {"code": None, "name": None, "kind": None, "currency": None},
    "StatementLine": {"entryId": None, "valueDate": None, "narration": None, "entryType": None, "debit": "Money",
                      "credit": "Money", "runningBalance": "Money"},
    "Statement": {"fromDate": None, "toDate": None, "openingBalance": "Money", "closingBalance": "Money",
                  "nextCursor": None, "lines": "StatementLine"},
    "Account": {"number": None, "status": None, "currency": None, "openedOn": None, "balance": "Money",
                "availableBalance": "Money", "heldBalance": "Money", "product": "Product", "statement": "Statement"},
    "JournalEntry": {"entryId": None, "entryType": None, "valueDate": None, "narration": None, "initiator": None},
    "UserError": {"field": None, "message": None, "code": None},
    "MoneyMovementPayload": {"replayed": None, "userErrors": "UserError", "entry": "JournalEntry", "account": "Account"},
}
# Root fields with a dedicated executor: (operation, field) -> (returned type, its arguments).
ROOTS = {("query", "account"): ("Account", ("number",)), ("mutation", "transferFunds"): ("MoneyMovementPayload", ("input",))}
# Arguments a nested field may take (from variables only).
FIELD_ARGS = {("Account", "statement"): {"fromDate", "toDate", "first", "after"}}


class Unsupported(Exception):
    """The document (or this request) is not one a plan covers: the generic path runs it."""


@dataclass(frozen=True, slots=True)
class Selection:
    key: str
    name: str
    args: tuple[tuple[str, str], ...]  # (argument, variable)
    plan: tuple[Selection, ...] | None
    price: int = 0  # what one object of this field costs (graphql_api.cost's prices)


@dataclass(frozen=True, slots=True)
class Plan:
    """A compiled trusted operation: one root field, its arguments and selection, its variables' types."""

    kind: str
    root: Selection
    root_node: FieldNode
    variables: tuple[tuple[str, str, bool], ...]  # (name, named type, non-null)
    first_variables: tuple[str, ...] = ()  # the variables passed as `first` (the price depends on them)


def _price(schema: Any, parent: str, name: str, *, root_mutation: bool) -> int:
    """``graphql_api.cost``'s price of one object of ``parent.name`` (its children priced apart)."""
    from graphql import get_named_type, is_composite_type

    from graphql_api.cost import FIELD_COSTS, FREE_TYPES, MUTATION_COST

    if root_mutation:
        return MUTATION_COST
    if (parent, name) in FIELD_COSTS:
        return FIELD_COSTS[(parent, name)]
    item_type = get_named_type(schema._schema.get_type(parent).fields[name].type)
    return 1 if is_composite_type(item_type) and item_type.name not in FREE_TYPES else 0


def _selection(schema: Any, type_name: str, selection_set: Any) -> tuple[Selection, ...]:
    fields = FIELDS[type_name]
    out: list[Selection] = []
    for node in selection_set.selections:
        if not isinstance(node, FieldNode) or node.directives or node.name.value not in fields:
            raise Unsupported(type_name)
        name = node.name.value
        allowed_args = FIELD_ARGS.get((type_name, name), set())
        args = []
        for argument in node.arguments or ():
            if argument.name.value not in allowed_args or not isinstance(argument.value, VariableNode):
                raise Unsupported(name)
            args.append((argument.name.value, argument.value.name.value))
        child = fields[name]
        if (child is None) != (node.selection_set is None):
            raise Unsupported(name)
        out.append(Selection((node.alias or node.name).value, name, tuple(args),
                             _selection(schema, child, node.selection_set) if child else None,
                             _price(schema, type_name, name, root_mutation=False)))
    if len({s.key for s in out}) != len(out):
        raise Unsupported("repeated response key")
    return tuple(out)


def actual_cost_of(plan: tuple[Selection, ...] | None, data: Any) -> int:
    """``graphql_api.cost.actual_cost`` over ``data`` answered for ``plan``, without the schema walk."""
    total = 0
    for s in plan or ():
        if s.plan is None:
            continue  # a scalar or enum costs nothing
        value = data.get(s.key) if isinstance(data, dict) else None
        if value is None:
            continue
        if isinstance(value, list):
            total += sum(s.price + actual_cost_of(s.plan, item) for item in value if item is not None)
        else:
            total += s.price + actual_cost_of(s.plan, value)
    return total


def _variable_type(node: Any) -> tuple[str, bool]:
    non_null = isinstance(node, NonNullTypeNode)
    inner = node.type if non_null else node
    if isinstance(inner, ListTypeNode) or not isinstance(inner, NamedTypeNode):
        raise Unsupported("list variable")
    return inner.name.value, non_null


def compile_plan(schema: Any, operation: OperationDefinitionNode) -> Plan | None:
    """The plan of ``operation`` (already validated), or None when a dedicated executor does not cover it."""
    try:
        kind = operation.operation.value
        if operation.directives or len(operation.selection_set.selections) != 1:
            raise Unsupported("one root field")
        node = operation.selection_set.selections[0]
        if not isinstance(node, FieldNode) or node.directives or (kind, node.name.value) not in ROOTS:
            raise Unsupported("root")
        type_name, root_args = ROOTS[(kind, node.name.value)]
        args = []
        for argument in node.arguments or ():
            if argument.name.value not in root_args or not isinstance(argument.value, VariableNode):
                raise Unsupported("root argument")
            args.append((argument.name.value, argument.value.name.value))
        variables = []
        for definition in operation.variable_definitions or ():
            if definition.default_value is not None or definition.directives:
                raise Unsupported("variable default")
            variables.append((definition.variable.name.value, *_variable_type(definition.type)))
        root = Selection((node.alias or node.name).value, node.name.value, tuple(args),
                         _selection(schema, type_name, node.selection_set),
                         _price(schema, "Mutation" if kind == "mutation" else "Query", node.name.value,
                                root_mutation=kind == "mutation"))
        firsts = []
        stack = [root]
        while stack:
            selection = stack.pop()
            firsts += [var for arg, var in selection.args if arg == "first"]
            stack += selection.plan or ()
        return Plan(kind=kind, root=root, root_node=node, variables=tuple(variables), first_variables=tuple(firsts))
    except Unsupported:
        return None


# --- variables: accepted only in exactly the shape the generic coercion accepts; else Unsupported


def _int(value: Any) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not -(2**31) <= value < 2**31:
        raise Unsupported("Int")
    return value


def _str(value: Any) -> str:
    if not isinstance(value, str):
        raise Unsupported("String")
    return value


def _date(value: Any) -> date:
    if not isinstance(value, str):
        raise Unsupported("Date")
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise Unsupported("Date") from None


_TRANSFER_KEYS = {"fromAccountNumber", "toAccountNumber", "amount", "idempotencyKey", "narration"}


def _transfer_input(value: Any) -> Any:
    from graphql_api.mutations.transfer_funds import TransferFundsInput
    from graphql_api.types.money import MoneyInput

    if not isinstance(value, dict) or not set(value) <= _TRANSFER_KEYS or not _TRANSFER_KEYS - {"narration"} <= set(value):
        raise Unsupported("TransferFundsInput")
    amount = value["amount"]
    if not isinstance(amount, dict) or set(amount) != {"amount", "currency"}:
        raise Unsupported("MoneyInput")
    narration = value.get("narration")
    return TransferFundsInput(
        from_account_number=_str(value["fromAccountNumber"]), to_account_number=_str(value["toAccountNumber"]),
        amount=MoneyInput(amount=_str(amount["amount"]), currency=_str(amount["currency"])),
        idempotency_key=_str(value["idempotencyKey"]), narration=None if narration is None else _str(narration),
    )


COERCE = {"String": _str, "ID": _str, "Int": _int, "Date": _date, "TransferFundsInput": _transfer_input}


def coerce_variables(plan: Plan, raw: dict[str, Any] | None) -> dict[str, Any]:
    raw = raw or {}
    if not isinstance(raw, dict) or set(raw) - {name for name, _, _ in plan.variables}:
        raise Unsupported("variables")
    out = {}
    for name, type_name, non_null in plan.variables:
        if name not in raw:
            if non_null:
                raise Unsupported("missing variable")
            continue  # omitted: the argument takes its default
        value = raw[name]
        if value is None:
            if non_null:
                raise Unsupported("null variable")
            out[name] = None
            continue
        coerce = COERCE.get(type_name)
        if coerce is None:
            raise Unsupported(type_name)
        out[name] = coerce(value)
    return out


def field_arguments(selection: Selection, variables: dict[str, Any]) -> dict[str, Any]:
    return {arg: variables[var] for arg, var in selection.args if var in variables}

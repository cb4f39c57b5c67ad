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
(``_account_rows``, on the statement service's own SQL), written straight into the answer; a
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
from dataclasses import dataclass
from datetime import date
from enum import Enum
from typing import Any

from graphql import FieldNode, GraphQLError, ListTypeNode, NamedTypeNode, NonNullTypeNode, OperationDefinitionNode
from graphql import VariableNode
from strawberry.types import ExecutionResult

from bankcore.errors import DomainError
from bankcore.models import AccountStatus, EntryType, ProductKind
from bankcore.services.statements import check_statement_arguments
from graphql_api.context import Context, Role

log = logging.getLogger("graphql_api")

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


def _coerce_variables(plan: Plan, raw: dict[str, Any] | None) -> dict[str, Any]:
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


def _arguments(selection: Selection, variables: dict[str, Any]) -> dict[str, Any]:
    return {arg: variables[var] for arg, var in selection.args if var in variables}


# --- projection: the same values the types' fields give, written as the generic executor writes them


def _money(money: Any, plan: tuple[Selection, ...]) -> dict[str, Any] | None:
    if money is None:
        return None
    return {s.key: money.amount if s.name == "amount" else money.currency for s in plan}


def _leaf(obj: Any, name: str) -> Any:
    value = getattr(obj, _SNAKE[name])
    if isinstance(value, Enum):
        return value.name
    if isinstance(value, str) and name in _ENUM_FIELDS:  # a service may hand over the enum's value
        return _ENUM_FIELDS[name](value).name
    if isinstance(value, date):
        return value.isoformat()
    return value


_ENUM_FIELDS = {"entryType": EntryType, "status": AccountStatus, "kind": ProductKind}
_SNAKE = {name: "".join("_" + c.lower() if c.isupper() else c for c in name)
          for fields in FIELDS.values() for name in fields}


def _object(obj: Any, plan: tuple[Selection, ...]) -> dict[str, Any]:
    """An object whose selected fields are plain attributes (no resolver, no database)."""
    out = {}
    for s in plan:
        if s.plan is None:
            out[s.key] = _leaf(obj, s.name)
        elif FIELDS_OF_MONEY.get(s.name):
            out[s.key] = _money(getattr(obj, _SNAKE[s.name]), s.plan)
        else:
            value = getattr(obj, _SNAKE[s.name])
            out[s.key] = [_object(item, s.plan) for item in value] if isinstance(value, list) else _object(value, s.plan)
    return out


FIELDS_OF_MONEY = {name: True for fields in FIELDS.values() for name, child in fields.items() if child == "Money"}


async def _account(account: Any, plan: tuple[Selection, ...], ctx: Context, variables: dict[str, Any]) -> dict[str, Any]:
    from graphql_api.types.account import product_of, statement_of

    out: dict[str, Any] = {}
    for s in plan:
        if s.name == "currency":
            out[s.key] = account._model.ledger_account.currency
        elif s.name == "product":
            out[s.key] = _object(await product_of(account._model, ctx), s.plan)
        elif s.name == "statement":
            arguments = _arguments(s, variables)
            if "fromDate" not in arguments or "toDate" not in arguments or arguments.get("first", 0) is None:
                raise Unsupported("statement arguments")
            statement = await statement_of(account._model, from_date=arguments["fromDate"], to_date=arguments["toDate"],
                                           first=arguments.get("first", 100), after=arguments.get("after"))
            out[s.key] = _object(statement, s.plan)
        elif s.plan is not None:
            out[s.key] = _money(getattr(account, _SNAKE[s.name]), s.plan)
        else:
            out[s.key] = _leaf(account, s.name)
    return out


class _Info:
    """What the resolvers called here read of ``info``: the context."""

    __slots__ = ("context",)

    def __init__(self, context: Context) -> None:
        self.context = context


async def _run_account(plan: Plan, ctx: Context, variables: dict[str, Any]) -> Any:
    number = _arguments(plan.root, variables)["number"].replace(" ", "")[:20]
    statements = [s for s in plan.root.plan if s.name == "statement"]
    if len(statements) > 1:
        return await _run_account_loaded(plan, ctx, variables, number)
    holder = _visibility(ctx)
    if holder is False:
        return None  # sees no account: null, as for an unknown one
    page = None
    if statements:
        arguments = _arguments(statements[0], variables)
        if "fromDate" not in arguments or "toDate" not in arguments or arguments.get("first", 0) is None:
            raise Unsupported("statement arguments")
        page = (arguments["fromDate"], arguments["toDate"], arguments.get("first", 100), arguments.get("after"))
        try:
            cursor = check_statement_arguments(from_date=page[0], to_date=page[1], limit=page[2], after=page[3])
        except DomainError as exc:
            # The generic path refuses it with its typed error, but only on an account the
            # caller may see: for any other there is no statement to refuse.
            if await _account_rows(number, holder, None) == []:
                return None
            raise Unsupported("refused") from exc
        page = (*page, cursor)
    rows = await _account_rows(number, holder, page)
    if not rows:
        return None
    return _account_from_row(rows, plan.root.plan, page)


def _visibility(ctx: Context) -> int | None | bool:
    """Whose holdings bound what the caller sees (``graphql_api.scope``): None for staff (every
    account), a member id for a member or partner bound to one, False for nobody."""
    if ctx.is_staff:
        return None
    member_id = ctx.principal.member_id if ctx.principal is not None else None
    if ctx.role not in (Role.MEMBER, Role.PARTNER) or member_id is None:
        return False
    return member_id


_ACCOUNT_COLUMNS = (
    "SELECT a.id AS account_id, a.number, a.status, a.opened_on, la.id AS ledger_id, la.currency, la.kind AS ledger_kind, "
    "la.balance_minor, la.held_minor, la.floor_minor, pr.code AS product_code, pr.name AS product_name, "
    "pr.kind AS product_kind, pr.currency AS product_currency "
    "FROM account a JOIN ledger_account la ON la.id = a.ledger_account_id JOIN product pr ON pr.id = a.product_id "
)


async def _account_rows(number: str, holder: int | None, page: tuple[Any, ...] | None) -> list[dict[str, Any]]:
    """The account, its product and (``page``: from, to, first, after, cursor) a statement page in
    one statement to the database; no rows when it is unknown or not ``holder``'s to see."""
    from tortoise.connection import get_connection

    from bankcore.ledger.sql import fetch, is_postgres
    from bankcore.services.statements import sql_arguments, statement_sql
    from graphql_api.scope import OPERATING_ROLES

    conn = get_connection("default")
    params: list[object] = []
    arg = sql_arguments(conn, params)
    query = _fetch_records if is_postgres(conn) else fetch
    account = _ACCOUNT_COLUMNS + f"WHERE a.number = {arg(number)}"
    if holder is not None:
        member = arg(holder)  # placeholders in text order (SQLite's are positional)
        roles = ", ".join(arg(role.value) for role in OPERATING_ROLES)
        account += (f" AND EXISTS (SELECT 1 FROM account_holder h WHERE h.account_id = a.id "
                    f"AND h.member_id = {member} AND h.role IN ({roles}))")
    if page is None:
        return await query(conn, account, params)
    from_date, to_date, first, _, cursor = page
    totals, lines = statement_sql(arg, lambda: "(SELECT ledger_id FROM acc)", from_date=from_date, to_date=to_date,
                                  cursor=cursor, limit=first)
    return await query(
        conn,
        f"WITH acc AS ({account}), totals AS ({totals}), page AS ({lines}) "
        "SELECT acc.*, t.start_minor, t.opening_minor, t.closing_minor, page.* "
        "FROM acc CROSS JOIN totals t LEFT JOIN page ON 1 = 1 ORDER BY page.value_date, page.id",
        params,
    )


async def _fetch_records(conn: Any, sql: str, params: list[object]) -> list[Any]:
    """asyncpg's own records (read by column name like ``fetch``'s dicts), without the ORM
    client's per-row dicts: the member read's rows, on its hot path."""
    async with conn.acquire_connection() as connection:
        return await connection.fetch(sql, *params)


class _Row:
    """What ``_leaf`` reads of an account or product, from a row of ``_account_rows``."""

    def __init__(self, **values: Any) -> None:
        self.__dict__.update(values)


def _as_date(value: Any) -> date:
    return date.fromisoformat(value) if isinstance(value, str) else value  # SQLite hands dates back as text


def _account_from_row(rows: list[dict[str, Any]], plan: tuple[Selection, ...], page: tuple[Any, ...] | None) -> dict[str, Any]:
    from bankcore.services.statements import statement_from_rows
    from graphql_api.types.account import balances_of

    row = rows[0]
    currency = row["currency"]
    account = _Row(number=row["number"], status=row["status"], opened_on=_as_date(row["opened_on"]),
                   **balances_of(row["balance_minor"], row["held_minor"], row["floor_minor"], currency))
    out: dict[str, Any] = {}
    for s in plan:
        if s.name == "currency":
            out[s.key] = currency
        elif s.name == "product":
            product = _Row(code=row["product_code"], name=row["product_name"], kind=row["product_kind"],
                           currency=row["product_currency"])
            out[s.key] = _object(product, s.plan)
        elif s.name == "statement":
            assert page is not None
            statement = statement_from_rows(rows, number=row["number"], currency=currency, kind=row["ledger_kind"],
                                            from_date=page[0], to_date=page[1], limit=page[2])
            out[s.key] = {c.key: _STATEMENT[c.name](statement, c) for c in s.plan}
        elif s.plan is not None:
            out[s.key] = _money(getattr(account, _SNAKE[s.name]), s.plan)
        else:
            out[s.key] = _leaf(account, s.name)
    return out


def _plain_money(money: Any, plan: tuple[Selection, ...]) -> dict[str, Any] | None:
    """A ``bankcore.money.Money`` as the schema's ``Money`` (``MoneyType.of``)."""
    if money is None:
        return None
    return {s.key: money.to_plain() if s.name == "amount" else money.currency for s in plan}


# A statement page (``bankcore.services.statements.Statement``) written straight from the service's
# result, field by field as ``statement_type`` and the schema's scalars and enums write it.
_LINE: dict[str, Any] = {
    "entryId": lambda line, s: str(line.entry_id),
    "valueDate": lambda line, s: line.value_date.isoformat(),
    "narration": lambda line, s: line.narration,
    "entryType": lambda line, s: EntryType(line.entry_type).name,
    "debit": lambda line, s: _plain_money(line.debit, s.plan),
    "credit": lambda line, s: _plain_money(line.credit, s.plan),
    "runningBalance": lambda line, s: _plain_money(line.running_balance, s.plan),
}
_STATEMENT: dict[str, Any] = {
    "fromDate": lambda st, s: st.from_date.isoformat(),
    "toDate": lambda st, s: st.to_date.isoformat(),
    "openingBalance": lambda st, s: _plain_money(st.opening_balance, s.plan),
    "closingBalance": lambda st, s: _plain_money(st.closing_balance, s.plan),
    "nextCursor": lambda st, s: st.next_cursor,
    "lines": lambda st, s: [{c.key: _LINE[c.name](line, c) for c in s.plan} for line in st.lines],
}


async def _run_account_loaded(plan: Plan, ctx: Context, variables: dict[str, Any], number: str) -> Any:
    """The member read through the resolvers' own code (a selection of two statements)."""
    from graphql_api.types.account import AccountType

    nodes = await AccountType.resolve_nodes(info=_Info(ctx), node_ids=[number])
    if nodes[0] is None:
        return None
    try:
        return await _account(nodes[0], plan.root.plan, ctx, variables)
    except DomainError as exc:  # e.g. a bad cursor: the generic path answers it with its typed error
        raise Unsupported("refused") from exc


# The entry's fields a posting's own result carries, as the entry row stores them.
_POSTED_FIELDS = {"entryId": "entry_id", "valueDate": "value_date", "narration": "narration", "entryType": "entry_type"}
_PAYLOAD_ACCOUNT_FIELDS = {"number", "status", "currency", "openedOn", "balance", "availableBalance", "heldBalance"}


async def _run_transfer(plan: Plan, ctx: Context, variables: dict[str, Any]) -> Any:
    from graphql_api.mutations._money import payload_account, payload_entry
    from graphql_api.mutations.transfer_funds import transfer_funds
    from graphql_api.scope import partner_lacks

    payload = await transfer_funds(_Info(ctx), variables[dict(plan.root.args)["input"]])
    out: dict[str, Any] = {}
    for s in plan.root.plan:
        if s.name == "replayed":
            out[s.key] = payload.replayed
        elif s.name == "userErrors":
            out[s.key] = [_object(error, s.plan) for error in payload.user_errors]
        elif s.name == "entry":
            posted = payload._posted
            if posted is not None and all(c.name in _POSTED_FIELDS for c in s.plan) and not partner_lacks(ctx, "entries:read"):
                # the entry as written (or, on a replay, as read back): no second read of it
                out[s.key] = {c.key: _posted_leaf(posted, c.name) for c in s.plan}
            else:
                entry = await payload_entry(payload, ctx)
                out[s.key] = None if entry is None else _object(entry, s.plan)
        elif all(c.name in _PAYLOAD_ACCOUNT_FIELDS for c in s.plan):
            # the account after the entry, in one hand-written query (payload_account's answer)
            if payload._account_number is None or partner_lacks(ctx, "accounts:read"):
                out[s.key] = None
                continue
            rows = await _account_rows(payload._account_number, None, None)
            if not rows:
                raise LookupError(f"account {payload._account_number} vanished after its entry")
            out[s.key] = _account_from_row(rows, s.plan, None)
        else:
            account = await payload_account(payload, ctx)
            out[s.key] = None if account is None else await _account(account, s.plan, ctx, variables)
    return out


def _posted_leaf(posted: Any, name: str) -> Any:
    value = getattr(posted, _POSTED_FIELDS[name])
    if name == "entryId":
        return str(value)
    if isinstance(value, Enum):
        return value.name
    return value.isoformat() if isinstance(value, date) else value


_requested: dict[tuple[Any, ...], int] = {}
RUNNERS = {"account": _run_account, "transferFunds": _run_transfer}


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
        variables = _coerce_variables(plan, variable_values)
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

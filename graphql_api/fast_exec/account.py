"""The member read (``account(number)`` with its product and a statement page) in one statement."""

from __future__ import annotations

from datetime import date
from typing import Any

from bankcore.errors import DomainError
from bankcore.models import EntryType
from bankcore.services.statements import check_statement_arguments
from graphql_api.context import Context, Role
from graphql_api.fast_exec.answer import SNAKE, leaf_answer, money_answer, object_answer
from graphql_api.fast_exec.plan import Plan, Selection, Unsupported, field_arguments

async def account_answer(account: Any, plan: tuple[Selection, ...], ctx: Context, variables: dict[str, Any]) -> dict[str, Any]:
    from graphql_api.types.account import product_of, statement_of

    out: dict[str, Any] = {}
    for s in plan:
        if s.name == "currency":
            out[s.key] = account._model.ledger_account.currency
        elif s.name == "product":
            out[s.key] = object_answer(await product_of(account._model, ctx), s.plan)
        elif s.name == "statement":
            arguments = field_arguments(s, variables)
            if "fromDate" not in arguments or "toDate" not in arguments or arguments.get("first", 0) is None:
                raise Unsupported("statement arguments")
            statement = await statement_of(account._model, from_date=arguments["fromDate"], to_date=arguments["toDate"],
                                           first=arguments.get("first", 100), after=arguments.get("after"))
            out[s.key] = object_answer(statement, s.plan)
        elif s.plan is not None:
            out[s.key] = money_answer(getattr(account, SNAKE[s.name]), s.plan)
        else:
            out[s.key] = leaf_answer(account, s.name)
    return out


class ResolverInfo:
    """What the resolvers called here read of ``info``: the context."""

    __slots__ = ("context",)

    def __init__(self, context: Context) -> None:
        self.context = context


async def run_account(plan: Plan, ctx: Context, variables: dict[str, Any]) -> Any:
    number = field_arguments(plan.root, variables)["number"].replace(" ", "")[:20]
    statements = [s for s in plan.root.plan if s.name == "statement"]
    if len(statements) > 1:
        return await _run_account_loaded(plan, ctx, variables, number)
    holder = _visibility(ctx)
    if holder is False:
        return None  # sees no account: null, as for an unknown one
    page = None
    if statements:
        arguments = field_arguments(statements[0], variables)
        if "fromDate" not in arguments or "toDate" not in arguments or arguments.get("first", 0) is None:
            raise Unsupported("statement arguments")
        page = (arguments["fromDate"], arguments["toDate"], arguments.get("first", 100), arguments.get("after"))
        try:
            cursor = check_statement_arguments(from_date=page[0], to_date=page[1], limit=page[2], after=page[3])
        except DomainError as exc:
            # The generic path refuses it with its typed error, but only on an account the
            # caller may see: for any other there is no statement to refuse.
            if await account_rows(number, holder, None) == []:
                return None
            raise Unsupported("refused") from exc
        page = (*page, cursor)
    rows = await account_rows(number, holder, page)
    if not rows:
        return None
    return account_from_row(rows, plan.root.plan, page)


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


async def account_rows(number: str, holder: int | None, page: tuple[Any, ...] | None) -> list[dict[str, Any]]:
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
    """What ``leaf_answer`` reads of an account or product, from a row of ``account_rows``."""

    def __init__(self, **values: Any) -> None:
        self.__dict__.update(values)


def _as_date(value: Any) -> date:
    return date.fromisoformat(value) if isinstance(value, str) else value  # SQLite hands dates back as text


def account_from_row(rows: list[dict[str, Any]], plan: tuple[Selection, ...], page: tuple[Any, ...] | None) -> dict[str, Any]:
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
            out[s.key] = object_answer(product, s.plan)
        elif s.name == "statement":
            assert page is not None
            statement = statement_from_rows(rows, number=row["number"], currency=currency, kind=row["ledger_kind"],
                                            from_date=page[0], to_date=page[1], limit=page[2])
            out[s.key] = {c.key: _STATEMENT[c.name](statement, c) for c in s.plan}
        elif s.plan is not None:
            out[s.key] = money_answer(getattr(account, SNAKE[s.name]), s.plan)
        else:
            out[s.key] = leaf_answer(account, s.name)
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

    nodes = await AccountType.resolve_nodes(info=ResolverInfo(ctx), node_ids=[number])
    if nodes[0] is None:
        return None
    try:
        return await account_answer(nodes[0], plan.root.plan, ctx, variables)
    except DomainError as exc:  # e.g. a bad cursor: the generic path answers it with its typed error
        raise Unsupported("refused") from exc

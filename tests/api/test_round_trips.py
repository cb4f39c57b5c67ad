"""A lean edge: a page of accounts is a constant number of queries; the member read is one round trip."""

from __future__ import annotations

import re
from pathlib import Path

from bankcore.models import Member
from tests.api.helpers import gql, member, staff
from tests.api.round_trips import counting_round_trips
from tests.ledger.factory import make_account, make_member, small_bank


def _ui_document(relative: str, name: str) -> str:
    """A GraphQL document the UI sends, read from its source without importing the page: importing
    a ``ui.pages`` module outside NiceGUI's User simulation registers its routes at the wrong time,
    and every later User-fixture test in the same process answered 404."""
    import ast

    tree = ast.parse((Path(__file__).resolve().parents[2] / relative).read_text())
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == name for t in node.targets):
            return ast.literal_eval(node.value)
    raise LookupError(f"{name} not in {relative}")


ACCOUNT_HISTORY = _ui_document("ui/pages/member/account.py", "ACCOUNT_HISTORY")

ACCOUNTS_PAGE = """
query AccountsPage { accounts(first: 50) { edges { node {
  number balance { amount currency } product { name kind } branch { code name } holders { role memberNumber fullName }
} } } }"""


async def _page_queries() -> tuple[int, int]:
    context = staff("clerk")
    result = await gql(context, ACCOUNTS_PAGE)
    assert result.errors is None, result.errors
    with counting_round_trips() as sent:
        result = await gql(staff("clerk"), ACCOUNTS_PAGE)
    assert result.errors is None
    return len(result.data["accounts"]["edges"]), len(sent)


async def test_a_page_of_accounts_is_a_constant_number_of_queries(db: str) -> None:
    # given two accounts, then six (each with its own member, product and branch lookups)
    await small_bank()
    for _ in range(2):
        await make_account("SB0")
    accounts_small, queries_small = await _page_queries()
    owner = await make_member()
    for _ in range(4):
        await make_account("SB0", owner=owner)
    # when the page is read again
    accounts_large, queries_large = await _page_queries()
    # then it took as many queries as before: products, branches and holders come in one query each
    assert (accounts_small, accounts_large) == (2, 6)
    assert queries_large == queries_small <= 5


async def test_the_member_read_is_one_round_trip(db: str) -> None:
    # given a member's account with more statement lines than one page
    await small_bank()
    number = await make_account("SB0", deposit="100.00")
    for _ in range(3):
        await make_account("SB0")  # others' accounts the member must not see
    holder = await Member.filter(holdings__account__number=number).first()
    variables = {"number": number, "fromDate": "1900-01-01", "toDate": "2999-12-31", "first": 20}
    await gql(member(holder.id), ACCOUNT_HISTORY, **variables)  # warm: prepared statements, settings
    # when the member portal's own AccountHistory operation runs
    with counting_round_trips() as sent:
        result = await gql(member(holder.id), ACCOUNT_HISTORY, **variables)
    # then it answered in one statement to the database: the account, the member's holding, the
    # product and the statement page (graphql_api.fast_exec)
    assert result.errors is None, result.errors
    assert result.data["account"]["number"] == number
    assert len(result.data["account"]["statement"]["lines"]) == 1
    assert len(sent) == 1, f"{len(sent)} round trips:\n{sent}"


# Session state a pooled PostgreSQL connection would carry to its next user now that the pool
# skips asyncpg's reset query (bankcore.db.PooledConnection). Each allowed file uses a
# connection of its own.
SESSION_STATE = re.compile(
    r"pg_(try_)?advisory_lock\(|\bLISTEN [a-z_\"{]|\bDECLARE \w+ (\w+ )*CURSOR|[\"']\s*SET (SESSION )?(?!LOCAL\b)\w+\s*(=|TO\b)"
    r"|set_config\([^)]*false\s*\)",
)
OWN_CONNECTION = {"bankcore/calendar/lock.py", "bankcore/events_relay.py", "bankcore/db.py"}


def test_no_code_leaves_session_state_on_pooled_connections() -> None:
    root = Path(__file__).resolve().parents[2]
    offenders = []
    for package in ("bankcore", "graphql_api", "coopbank", "ui", "migrations"):
        for path in (root / package).rglob("*.py"):
            relative = path.relative_to(root).as_posix()
            if relative in OWN_CONNECTION:
                continue
            for number, line in enumerate(path.read_text().splitlines(), start=1):
                if SESSION_STATE.search(line) and not line.lstrip().startswith("#"):
                    offenders.append(f"{relative}:{number}: {line.strip()}")
    assert not offenders, "session state on a pooled connection (see bankcore.db.PooledConnection):\n" + "\n".join(offenders)

"""Balance as of any date, for any account: a member's sub-ledger account, a GL account
or a control account (the roll-up of everything beneath it).

Every balance is derived from postings by value date (``value_date <= as_of``), so a
back-valued posting or an imported history counts on the day it belongs to, and the
cached ``balance_minor`` of tracked accounts is never trusted for a past date. The sums
are set-based: one statement per question, aggregated per ledger account first and rolled
up to GL level in SQL, so a report over 100,000 accounts moves a few dozen rows to Python.
(Historical balances in the manner of Blnk and TigerBeetle; measured fast enough on the
1,000,000-transaction bank without daily snapshots, see README "Reports".)
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from tortoise.connection import get_connection

from bankcore.errors import DomainError, ErrorCode
from bankcore.ledger.sql import fetch, placeholders
from bankcore.models import LedgerKind
from bankcore.money import Money
from bankcore.reports.snapshots import balance_source

NET = "SUM(CASE p.side WHEN 'D' THEN p.amount_minor ELSE -p.amount_minor END)"


@dataclass(frozen=True, slots=True)
class GlBalance:
    """A GL account's balance at the end of a date, sub-ledgers and children rolled in.

    ``net_debit_minor`` is debits minus credits; ``balance_minor`` the natural sign.
    ``debit_parts_minor``/``credit_parts_minor`` split a control account's sub-ledgers
    into those with debit and with credit balances (an overdrawn savings account is an
    advance, not a negative deposit); both 0 for accounts without sub-ledgers.
    """

    id: int
    code: str
    name: str
    kind: LedgerKind
    currency: str
    parent_id: int | None
    is_control: bool
    net_debit_minor: int
    debit_parts_minor: int = 0
    credit_parts_minor: int = 0

    @property
    def base(self) -> str:
        """The chart code without its currency: ``2100`` for ``2100-INR``."""
        return self.code.split("-", 1)[0]

    @property
    def balance_minor(self) -> int:
        return self.net_debit_minor if self.kind.debit_normal else -self.net_debit_minor


def _as_date(value: object) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


async def gl_balances(*, as_of: date, currency: str) -> dict[str, GlBalance]:
    """Every GL account of ``currency`` (not the members' sub-ledger accounts) at the end of ``as_of``.

    Keyed by code (``2100-INR``). A control account's figure is its own postings plus all
    its descendants'; sub-ledger balances are split into debit and credit parts per
    control account. One aggregate over postings, rolled up to GL level in SQL.
    """
    conn = get_connection("default")
    per_account, params = await balance_source(conn, as_of=as_of, currency=currency)
    rolled = await fetch(
        conn,
        "SELECT CASE WHEN la.tracks_balance THEN la.parent_id ELSE la.id END AS gl, SUM(s.net) AS net, "
        "SUM(CASE WHEN la.tracks_balance AND s.net > 0 THEN s.net ELSE 0 END) AS dr_parts, "
        "SUM(CASE WHEN la.tracks_balance AND s.net < 0 THEN -s.net ELSE 0 END) AS cr_parts "
        f"FROM ({per_account}) s JOIN ledger_account la ON la.id = s.id GROUP BY 1",
        params,
    )
    accounts = await fetch(
        conn,
        "SELECT id, code, name, kind, currency, parent_id, is_control FROM ledger_account "
        f"WHERE tracks_balance = {'false' if conn.capabilities.dialect == 'postgres' else '0'} "
        f"AND currency = {placeholders(conn, 1)[0]} ORDER BY code",
        [currency],
    )
    by_id = {r["id"]: r for r in accounts}
    net: dict[int, int] = defaultdict(int)
    parts: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for r in rolled:
        gl = r["gl"]
        if gl is None or gl not in by_id:
            continue  # a sub-ledger without a control account: not part of any GL
        node = by_id[gl]
        own_parts = (int(r["dr_parts"] or 0), int(r["cr_parts"] or 0))
        while node is not None:
            net[node["id"]] += int(r["net"] or 0)
            parts[node["id"]][0] += own_parts[0]
            parts[node["id"]][1] += own_parts[1]
            node = by_id.get(node["parent_id"])
    return {
        r["code"]: GlBalance(
            id=r["id"], code=r["code"], name=r["name"], kind=LedgerKind(r["kind"]), currency=r["currency"],
            parent_id=r["parent_id"], is_control=bool(r["is_control"]), net_debit_minor=net[r["id"]],
            debit_parts_minor=parts[r["id"]][0], credit_parts_minor=parts[r["id"]][1],
        )
        for r in accounts
    }


async def balance_as_of(*, code: str, as_of: date) -> Money:
    """The balance of ledger account ``code`` (a GL code such as ``1100-INR``, a control
    account, or a member's account number) at the end of ``as_of``, in its natural sign.

    A control account returns the roll-up of all its descendants. Raises
    ``DomainError(NOT_FOUND)`` for an unknown code.
    """
    conn = get_connection("default")
    one = placeholders(conn, 1)[0]
    code = code.replace(" ", "")[:32]
    found = await fetch(conn, f"SELECT id, kind, currency, is_control FROM ledger_account WHERE code = {one}", [code])
    if not found:
        raise DomainError(ErrorCode.NOT_FOUND, f"no ledger account {code}", field="code")
    account = found[0]
    kind = LedgerKind(account["kind"])
    m = placeholders(conn, 4)
    if account["is_control"]:
        # The chart is at most three deep (class -> GL or control -> sub-ledger account).
        rows = await fetch(
            conn,
            f"SELECT {NET} AS net FROM posting p JOIN ledger_account la ON la.id = p.ledger_account_id "
            f"LEFT JOIN ledger_account up ON up.id = la.parent_id "
            f"WHERE p.value_date <= {m[0]} AND (la.id = {m[1]} OR la.parent_id = {m[2]} OR up.parent_id = {m[3]})",
            [as_of, account["id"], account["id"], account["id"]],
        )
    else:
        rows = await fetch(
            conn, f"SELECT {NET} AS net FROM posting p WHERE p.ledger_account_id = {m[0]} AND p.value_date <= {m[1]}",
            [account["id"], as_of],
        )
    net_debit = int(rows[0]["net"] or 0) if rows else 0
    return Money(net_debit if kind.debit_normal else -net_debit, account["currency"])


@dataclass(frozen=True, slots=True)
class SubLedgerBalance:
    """A member's account balance at the end of a date (natural sign: deposits positive)."""

    account_id: int
    number: str
    product_code: str
    product_kind: str
    branch_code: str
    status: str
    balance_minor: int


async def subledger_balances(*, as_of: date, currency: str, kind: LedgerKind) -> list[SubLedgerBalance]:
    """Every member account of ``kind`` (``LIABILITY`` deposits, ``ASSET`` loans) in
    ``currency`` with a non-zero balance at the end of ``as_of``, by account number.

    One aggregate over postings joined to the accounts; natural sign.
    """
    conn = get_connection("default")
    source, params = await balance_source(conn, as_of=as_of, currency=currency)
    m = placeholders(conn, 1, len(params) + 1)
    sign = "" if kind.debit_normal else "-"
    rows = await fetch(
        conn,
        "SELECT a.id, a.number, pr.code AS product_code, pr.kind AS product_kind, b.code AS branch_code, a.status, "
        f"{sign}s.net AS balance FROM ({source}) s "
        "JOIN ledger_account la ON la.id = s.id JOIN account a ON a.ledger_account_id = la.id "
        "JOIN product pr ON pr.id = a.product_id JOIN branch b ON b.id = a.branch_id "
        f"WHERE la.kind = {m[0]} AND s.net <> 0 ORDER BY a.number",
        [*params, kind.value],
    )
    return [
        SubLedgerBalance(r["id"], r["number"], r["product_code"], r["product_kind"], r["branch_code"], r["status"],
                         int(r["balance"]))
        for r in rows
    ]


async def subledger_credit_totals(*, as_of: date, currency: str, kind: LedgerKind) -> dict[str, tuple[int, int]]:
    """Per product code: (accounts, total) of the member accounts of ``kind`` whose balance at
    the end of ``as_of`` is positive in its natural sign (deposits in credit, loans owed).

    The figures ``subledger_balances`` gives summed per product, aggregated in SQL (a report
    of totals needs no 100,000 rows moved to Python).
    """
    conn = get_connection("default")
    source, params = await balance_source(conn, as_of=as_of, currency=currency)
    m = placeholders(conn, 1, len(params) + 1)
    sign = "" if kind.debit_normal else "-"
    rows = await fetch(
        conn,
        f"SELECT pr.code AS product_code, COUNT(*) AS n, SUM({sign}s.net) AS total FROM ({source}) s "
        "JOIN ledger_account la ON la.id = s.id JOIN account a ON a.ledger_account_id = la.id "
        f"JOIN product pr ON pr.id = a.product_id WHERE la.kind = {m[0]} AND {sign}s.net > 0 GROUP BY pr.code",
        [*params, kind.value],
    )
    return {r["product_code"]: (int(r["n"]), int(r["total"])) for r in rows}


async def last_posting_date(*, currency: str | None = None) -> date | None:
    """The latest value date with postings (a default "as of" for imported histories)."""
    conn = get_connection("default")
    if currency:
        rows = await fetch(conn, f"SELECT MAX(value_date) AS d FROM posting WHERE currency = {placeholders(conn, 1)[0]}",
                           [currency])
    else:
        rows = await fetch(conn, "SELECT MAX(value_date) AS d FROM posting", [])
    value = rows[0]["d"] if rows else None
    return _as_date(value) if value is not None else None

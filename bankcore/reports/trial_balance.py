"""Trial balance and chart-of-accounts balances, derived from postings.

Every figure is a set-based sum over postings (``value_date <= as_of``), so GL accounts
that keep no cached balance (cash, clearing, income, expense) are reported exactly.
Control accounts show the roll-up of everything beneath them.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from tortoise.connection import get_connection

from bankcore.ledger.sql import fetch, placeholders
from bankcore.models import LedgerKind


@dataclass(frozen=True, slots=True)
class LedgerBalance:
    """An account's balance as of a date.

    ``net_debit_minor`` is debits minus credits (the trial-balance view);
    ``balance_minor`` is the same in the account's natural sign.
    """

    ledger_account_id: int
    code: str
    name: str
    kind: LedgerKind
    currency: str
    parent_id: int | None
    is_control: bool
    net_debit_minor: int

    @property
    def balance_minor(self) -> int:
        return self.net_debit_minor if self.kind.debit_normal else -self.net_debit_minor


@dataclass(frozen=True, slots=True)
class TrialBalance:
    """GL accounts (sub-ledgers rolled into their control accounts) with debit or credit balances.

    ``total_debit_minor == total_credit_minor`` when the ledger is sound.
    """

    as_of: date
    currency: str
    rows: tuple[LedgerBalance, ...]
    total_debit_minor: int
    total_credit_minor: int


async def chart_balances(*, as_of: date, currency: str | None = None, gl_only: bool = True) -> list[LedgerBalance]:
    """Every GL account (or every ledger account, ``gl_only=False``) with its balance at the end of ``as_of``.

    A control account's figure is the sum of its own postings and all its descendants'.
    """
    conn = get_connection("default")
    m = placeholders(conn, 2)
    where, params = ("WHERE la.currency = " + m[1], [as_of, currency]) if currency else ("", [as_of])
    rows = await fetch(
        conn,
        "SELECT la.id, la.code, la.name, la.kind, la.currency, la.parent_id, la.is_control, la.tracks_balance, "
        "COALESCE(s.net, 0) AS net FROM ledger_account la LEFT JOIN ("
        "SELECT p.ledger_account_id AS id, SUM(CASE p.side WHEN 'D' THEN p.amount_minor ELSE -p.amount_minor END) AS net "
        f"FROM posting p WHERE p.value_date <= {m[0]} GROUP BY p.ledger_account_id) s ON s.id = la.id {where} "
        "ORDER BY la.code",
        params,
    )
    by_id = {r["id"]: r for r in rows}
    totals: dict[int, int] = defaultdict(int)
    for r in rows:
        net = int(r["net"])
        node = r
        while node is not None:  # roll the figure up the control-account chain
            totals[node["id"]] += net
            node = by_id.get(node["parent_id"])
    result = []
    for r in rows:
        if gl_only and r["tracks_balance"]:
            continue
        result.append(
            LedgerBalance(
                ledger_account_id=r["id"],
                code=r["code"],
                name=r["name"],
                kind=LedgerKind(r["kind"]),
                currency=r["currency"],
                parent_id=r["parent_id"],
                is_control=bool(r["is_control"]),
                net_debit_minor=totals[r["id"]],
            )
        )
    return result


async def trial_balance(*, as_of: date, currency: str) -> TrialBalance:
    """Trial balance at the end of ``as_of`` in ``currency``: the top-level GL accounts' leaves.

    Rows are the postable GL accounts and the control accounts that hold sub-ledgers
    (savings, current deposits, loans), each once, so debits and credits total equal.
    """
    balances = await chart_balances(as_of=as_of, currency=currency)
    # Top-level class headers (no parent) are roll-ups of these rows, so they are left out.
    rows = tuple(b for b in balances if not b.is_control or b.parent_id is not None)
    debit = sum(b.net_debit_minor for b in rows if b.net_debit_minor > 0)
    credit = -sum(b.net_debit_minor for b in rows if b.net_debit_minor < 0)
    return TrialBalance(as_of=as_of, currency=currency, rows=rows, total_debit_minor=debit, total_credit_minor=credit)

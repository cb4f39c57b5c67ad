"""Figures for the staff dashboards: a cashier's cash totals for a day, and a branch overview.

Set-based SQL over postings (one statement per figure), amounts as integer minor units.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from tortoise.connection import get_connection

from bankcore.chart import CASH
from bankcore.ledger.sql import fetch, placeholders


@dataclass(frozen=True)
class CashTotal:
    """One currency's cash movements by one initiator on one value date."""

    currency: str
    deposits_count: int
    deposits_minor: int
    withdrawals_count: int
    withdrawals_minor: int

    @property
    def net_minor(self) -> int:
        """Cash the drawer should have gained (negative: paid out more than taken in)."""
        return self.deposits_minor - self.withdrawals_minor


async def cash_totals(*, initiator: str, on: date) -> list[CashTotal]:
    """Cash deposits and withdrawals ``initiator`` (e.g. ``staff:3``) posted with value date ``on``.

    Counted on the cash-in-hand GL legs (``1100-<currency>``): Dr is cash taken in, Cr paid out.
    """
    conn = get_connection("default")
    m = placeholders(conn, 3)
    rows = await fetch(
        conn,
        "SELECT p.currency, p.side, COUNT(*) AS n, SUM(p.amount_minor) AS total "
        "FROM posting p JOIN journal_entry je ON je.id = p.entry_id "
        "JOIN ledger_account la ON la.id = p.ledger_account_id "
        f"WHERE je.initiator = {m[0]} AND p.value_date = {m[1]} AND la.code LIKE {m[2]} "
        "AND je.entry_type IN ('cash_deposit', 'cash_withdrawal') "
        "GROUP BY p.currency, p.side ORDER BY p.currency",
        [initiator, on, f"{CASH}-%"],
    )
    by_currency: dict[str, dict[str, tuple[int, int]]] = {}
    for r in rows:
        by_currency.setdefault(r["currency"], {})[r["side"]] = (int(r["n"]), int(r["total"] or 0))
    return [
        CashTotal(currency, *sides.get("D", (0, 0)), *sides.get("C", (0, 0)))
        for currency, sides in sorted(by_currency.items())
    ]


@dataclass(frozen=True)
class DayVolume:
    value_date: date
    currency: str
    entries: int
    amount_minor: int


@dataclass(frozen=True)
class BranchOverview:
    """Counts and totals for one branch (or the whole bank when ``branch_code`` is None)."""

    branch_code: str | None
    members: int
    members_kyc_pending: int
    accounts_by_status: dict[str, int]
    deposits_minor: dict[str, int]  # currency -> sum of member deposit balances (credit-normal)
    daily_volume: list[DayVolume]
    last_activity: date | None


async def branch_overview(*, branch_code: str | None = None, days: int = 30, to_date: date | None = None) -> BranchOverview:
    """Members, accounts, deposit balances and daily volume over ``days`` days ending ``to_date``
    (default: the last value date with postings, so an imported history shows too).

    Daily volume: entries touching the branch's member accounts and the amount moved on them.
    """
    conn = get_connection("default")
    days = max(1, min(days, 366))
    one = placeholders(conn, 1)[0]
    branch_filter, params = ("WHERE b.code = " + one, [branch_code]) if branch_code else ("", [])
    join_branch = "JOIN branch b ON b.id = {t}.branch_id "
    members = await fetch(
        conn,
        f"SELECT m.kyc_status, COUNT(*) AS n FROM member m {join_branch.format(t='m')}{branch_filter} GROUP BY m.kyc_status",
        params,
    )
    accounts = await fetch(
        conn,
        f"SELECT a.status, COUNT(*) AS n FROM account a {join_branch.format(t='a')}{branch_filter} GROUP BY a.status",
        params,
    )
    deposits = await fetch(
        conn,
        "SELECT la.currency, SUM(la.balance_minor) AS total FROM account a "
        f"JOIN ledger_account la ON la.id = a.ledger_account_id {join_branch.format(t='a')}"
        f"{branch_filter}{' AND' if branch_filter else 'WHERE'} la.kind = 'liability' GROUP BY la.currency",
        params,
    )
    if to_date is None:
        last = await fetch(
            conn,
            "SELECT MAX(p.value_date) AS d FROM posting p JOIN account a ON a.ledger_account_id = p.ledger_account_id "
            f"{join_branch.format(t='a')}{branch_filter}",
            params,
        )
        raw = last[0]["d"] if last else None
        to_date = date.fromisoformat(raw) if isinstance(raw, str) else raw
    volume: list[DayVolume] = []
    if to_date is not None:
        m = placeholders(conn, 3 if branch_code else 2)
        rows = await fetch(
            conn,
            "SELECT p.value_date AS d, p.currency, COUNT(DISTINCT p.entry_id) AS n, SUM(p.amount_minor) AS total "
            "FROM posting p JOIN account a ON a.ledger_account_id = p.ledger_account_id "
            f"{join_branch.format(t='a')}WHERE p.value_date >= {m[0]} AND p.value_date <= {m[1]}"
            f"{' AND b.code = ' + m[2] if branch_code else ''} GROUP BY p.value_date, p.currency ORDER BY p.value_date",
            [to_date - timedelta(days=days - 1), to_date, *([branch_code] if branch_code else [])],
        )
        volume = [
            DayVolume(date.fromisoformat(r["d"]) if isinstance(r["d"], str) else r["d"], r["currency"], int(r["n"]),
                      int(r["total"] or 0))
            for r in rows
        ]
    return BranchOverview(
        branch_code=branch_code,
        members=sum(int(r["n"]) for r in members),
        members_kyc_pending=sum(int(r["n"]) for r in members if r["kyc_status"] == "pending"),
        accounts_by_status={r["status"]: int(r["n"]) for r in accounts},
        deposits_minor={r["currency"]: int(r["total"] or 0) for r in deposits},
        daily_volume=volume,
        last_activity=to_date,
    )

"""Regulatory returns: CRR (Form B), SLR (Form I) and the DICGC premium (with DI-01 figures).

Net demand and time liabilities (NDTL) are taken from the balance sheet's liabilities as
of the date: members' deposits (credit balances only), demand deposits (savings and
current accounts) apart from time deposits (every other deposit control account, e.g.
term deposits), plus other liabilities to others. Provisions and the overdue interest
reserve are not liabilities to others and are left out (listed in the return as
excluded, so the figures still tie to the balance sheet). The bank has no inter-bank
liabilities or assets in its chart, so NDTL here is the gross figure.

Percentages and the DICGC cover are effective-dated settings (``bankcore.reports.settings``).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from tortoise.connection import get_connection

from bankcore import chart
from bankcore.ledger.sql import fetch, is_postgres, placeholders
from bankcore.models import LedgerKind
from bankcore.reports.balances import GlBalance, gl_balances
from bankcore.reports.base import STATEMENT_COLUMNS, Amount, Check, Column, ColumnKind, Report, Row, statement_row
from bankcore.reports.snapshots import balance_source
from bankcore.reports.settings import CRR_PERCENT, DICGC_COVER, DICGC_PREMIUM_PAISE_PER_100, SLR_PERCENT
from bankcore.reports.statements import DEPOSITS, OTHER_LIABILITIES, leaves, line_of
from bankcore.settings import SettingSpec

# Liabilities that are not owed to others (RBI excludes them from NDTL).
NOT_NDTL = frozenset({"2366", "2367"})  # loans: overdue interest reserve, provisions
DEMAND_DEPOSIT_CODES = frozenset({chart.SAVINGS_DEPOSITS, chart.CURRENT_DEPOSITS})
# Assets that count towards SLR: cash, balances with other banks, approved securities.
SLR_ASSET_CODES = frozenset({chart.CASH, chart.CLEARING, "1150", "1400", "1410"})
CRR_ASSET_CODES = frozenset({"1150"})  # balance with the Reserve Bank


@dataclass(frozen=True, slots=True)
class Ndtl:
    demand: list[tuple[str, str, int]]
    time: list[tuple[str, str, int]]
    excluded: list[tuple[str, str, int]]

    @property
    def demand_minor(self) -> int:
        return sum(a for _, _, a in self.demand)

    @property
    def time_minor(self) -> int:
        return sum(a for _, _, a in self.time)

    @property
    def total_minor(self) -> int:
        return self.demand_minor + self.time_minor


def ndtl_of(balances: dict[str, GlBalance]) -> Ndtl:
    """Split the liabilities of a balance sheet into demand, time and excluded parts."""
    demand: list[tuple[str, str, int]] = []
    time: list[tuple[str, str, int]] = []
    excluded: list[tuple[str, str, int]] = []
    for gl in sorted(leaves(balances), key=lambda b: b.code):
        if gl.kind is not LedgerKind.LIABILITY:
            continue
        line = line_of(gl)
        amount = gl.credit_parts_minor if (gl.debit_parts_minor or gl.credit_parts_minor) else gl.balance_minor
        if not amount:
            continue
        if gl.base in NOT_NDTL:
            excluded.append((gl.code, gl.name, amount))
        elif line is DEPOSITS and gl.base not in DEMAND_DEPOSIT_CODES:
            time.append((gl.code, gl.name, amount))
        elif line in (DEPOSITS, OTHER_LIABILITIES):
            demand.append((gl.code, gl.name, amount))
        else:
            demand.append((gl.code, gl.name, amount))  # borrowings and anything else owed
    return Ndtl(demand, time, excluded)


def percent_of(amount_minor: int, percent: Decimal) -> int:
    """``percent``% of an amount, rounded half up to the minor unit."""
    return int((Decimal(amount_minor) * percent / 100).to_integral_value(rounding=ROUND_HALF_UP))


def _held(balances: dict[str, GlBalance], codes: frozenset[str]) -> list[tuple[str, str, int]]:
    return [(gl.code, gl.name, gl.balance_minor) for gl in sorted(leaves(balances), key=lambda b: b.code)
            if gl.kind is LedgerKind.ASSET and gl.base in codes and gl.balance_minor]


def _ndtl_rows(ndtl: Ndtl, currency: str) -> list[Row]:
    rows: list[Row] = []
    for section, parts, total in (("DEMAND", ndtl.demand, ndtl.demand_minor), ("TIME", ndtl.time, ndtl.time_minor)):
        for code, name, amount in parts:
            rows.append(statement_row(section, code, name, amount, currency))
        rows.append(statement_row(section, "TOTAL", f"Total {section.lower()} liabilities", total, currency, "total"))
    rows.append(statement_row("NDTL", "TOTAL", "Net demand and time liabilities", ndtl.total_minor, currency, "total"))
    for code, name, amount in ndtl.excluded:
        rows.append(statement_row("EXCLUDED", code, f"Not a liability to others: {name}", amount, currency))
    return rows


async def _reserve(*, as_of: date, currency: str, ratio: str, percent_setting: SettingSpec[Decimal],
                   asset_codes: frozenset[str], held_label: str) -> tuple[Ndtl, Decimal, int, int, list[Row]]:
    """What the CRR and SLR returns share: NDTL as of ``as_of``, the percentage in force that
    day, the reserve required (paisa), what ``asset_codes`` hold, and the return's rows."""
    balances = await gl_balances(as_of=as_of, currency=currency)
    ndtl = ndtl_of(balances)
    percent = await percent_setting.get(on=as_of)
    required = percent_of(ndtl.total_minor, percent)
    held_parts = _held(balances, asset_codes)
    held = sum(a for _, _, a in held_parts)
    rows = _ndtl_rows(ndtl, currency)
    rows.append(statement_row(ratio, "REQUIRED", f"{ratio} required at {percent}% of NDTL", required, currency, "line"))
    for code, name, amount in held_parts:
        rows.append(statement_row(ratio, code, name, amount, currency))
    rows.append(statement_row(ratio, "HELD", held_label, held, currency, "line"))
    rows.append(statement_row(ratio, "SURPLUS", "Surplus (shortfall)", held - required, currency, "total"))
    return ndtl, percent, required, held, rows


async def crr_return(*, as_of: date, currency: str) -> Report:
    """CRR return (Form B) as of ``as_of``: NDTL by component, the CRR required at the
    percentage in force that day, the balance held with the Reserve Bank, and the checks
    that NDTL equals the liabilities listed and that the required reserve is held."""
    ndtl, percent, required, held, rows = await _reserve(
        as_of=as_of, currency=currency, ratio="CRR", percent_setting=CRR_PERCENT, asset_codes=CRR_ASSET_CODES,
        held_label="Balance with the Reserve Bank")
    listed = sum(a for _, _, a in ndtl.demand + ndtl.time)
    return Report(
        name="crr", title="Cash reserve ratio return (Form B)", as_of=as_of, currency=currency,
        columns=STATEMENT_COLUMNS, rows=tuple(rows), subtitle=f"As at the end of {as_of.isoformat()}; CRR {percent}%",
        checks=(
            Check("NDTL equals the liabilities listed", listed == ndtl.total_minor, f"{listed} vs {ndtl.total_minor}"),
            Check("Required reserve held with the Reserve Bank", held >= required, f"held {held}, required {required}"),
        ),
        summary=(("NDTL", Amount(ndtl.total_minor, currency)), ("CRR required", Amount(required, currency))),
    )


async def slr_return(*, as_of: date, currency: str) -> Report:
    """SLR return (Form I) as of ``as_of``: NDTL, the SLR required at the percentage in
    force, the liquid assets held (cash, balances with banks, approved securities)."""
    ndtl, percent, required, held, rows = await _reserve(
        as_of=as_of, currency=currency, ratio="SLR", percent_setting=SLR_PERCENT, asset_codes=SLR_ASSET_CODES,
        held_label="Liquid assets held")
    return Report(
        name="slr", title="Statutory liquidity ratio return (Form I)", as_of=as_of, currency=currency,
        columns=STATEMENT_COLUMNS, rows=tuple(rows), subtitle=f"As at the end of {as_of.isoformat()}; SLR {percent}%",
        checks=(Check("Liquid assets cover the SLR", held >= required, f"held {held}, required {required}"),),
        summary=(("NDTL", Amount(ndtl.total_minor, currency)), ("SLR required", Amount(required, currency))),
        gaps=("Investments in government and approved securities: the chart has no investment accounts yet "
              "(codes 1400/1410 are counted when they exist).",),
    )


DICGC_COLUMNS = (
    Column("depositor_count", "Depositors", ColumnKind.COUNT),
    Column("assessable_deposits", "Assessable deposits", ColumnKind.MONEY),
    Column("insured_deposits", "Insured deposits", ColumnKind.MONEY),
    Column("premium_half_year", "Premium for the half year", ColumnKind.MONEY),
)


async def dicgc_return(*, as_of: date, currency: str) -> Report:
    """DICGC premium as of ``as_of``: assessable deposits are the depositors' credit
    balances in members' deposit accounts; a depositor is the set of holders of an account
    in the same capacity (one owner alone, or the same joint holders), so the cover
    (``reports.dicgc_cover_minor``) applies per such set; the premium for a half year is
    half the yearly rate (paise per ₹100) on the assessable deposits, rounded half up.

    One CSV row: ``depositor_count,assessable_deposits,insured_deposits,premium_half_year``.
    """
    conn = get_connection("default")
    cover = await DICGC_COVER.get(on=as_of)
    rate = await DICGC_PREMIUM_PAISE_PER_100.get(on=as_of)
    source, params = await balance_source(conn, as_of=as_of, currency=currency)
    m = placeholders(conn, 1, len(params) + 1)
    credit = (f"SELECT a.id AS account_id, -s.net AS balance FROM ({source}) s "
              "JOIN ledger_account la ON la.id = s.id JOIN account a ON a.ledger_account_id = la.id "
              f"WHERE la.kind = {m[0]} AND s.net < 0")
    if is_postgres(conn):
        # In SQL: a depositor is the sorted list of an account's owner and joint holders
        # (or the account alone), so only the four totals leave the database.
        c = placeholders(conn, 2, len(params) + 2)
        [found] = await fetch(conn, (
            f"WITH bal AS ({credit}), dep AS (SELECT COALESCE((SELECT string_agg(h.member_id::text, ',' "
            "ORDER BY h.member_id) FROM account_holder h WHERE h.account_id = bal.account_id "
            "AND h.role IN ('owner', 'joint')), '-' || bal.account_id::text) AS depositor, SUM(bal.balance) AS total "
            "FROM bal GROUP BY 1) "
            f"SELECT (SELECT COUNT(*) FROM bal) AS accounts, COUNT(*) AS depositors, COALESCE(SUM(total), 0) AS assessable, "
            f"COALESCE(SUM(LEAST(total, {c[0]}::bigint)), 0) AS insured, "
            f"COALESCE(SUM(CASE WHEN total <= {c[1]}::bigint THEN 1 ELSE 0 END), 0) AS fully FROM dep"
        ), [*params, LedgerKind.LIABILITY.value, cover, cover])
        accounts, depositors = int(found["accounts"]), int(found["depositors"])
        assessable, insured, fully = int(found["assessable"]), int(found["insured"]), int(found["fully"])
    else:
        rows = await fetch(conn, credit, [*params, LedgerKind.LIABILITY.value])
        holders = await fetch(
            conn, "SELECT account_id, member_id FROM account_holder WHERE role IN ('owner', 'joint')", [])
        by_account: dict[int, list[int]] = defaultdict(list)
        for h in holders:
            by_account[h["account_id"]].append(h["member_id"])
        per_depositor: dict[tuple[int, ...], int] = defaultdict(int)
        for r in rows:
            key = tuple(sorted(by_account.get(r["account_id"], []))) or (-int(r["account_id"]),)
            per_depositor[key] += int(r["balance"])
        accounts, depositors = len(rows), len(per_depositor)
        assessable = sum(per_depositor.values())
        insured = sum(min(total, cover) for total in per_depositor.values())
        fully = sum(1 for t in per_depositor.values() if t <= cover)
    # rate paise per ₹100 a year = rate/10,000 of the amount; half a year is half of it.
    premium = int((Decimal(assessable) * rate / Decimal(10_000) / 2).to_integral_value(rounding=ROUND_HALF_UP))
    return Report(
        name="dicgc", title="DICGC deposit insurance premium", as_of=as_of, currency=currency,
        columns=DICGC_COLUMNS,
        rows=(Row((depositors, Amount(assessable, currency), Amount(insured, currency),
                   Amount(premium, currency))),),
        subtitle=f"Deposits as at the end of {as_of.isoformat()}; premium {rate} paise per 100 a year, half-yearly",
        summary=(
            ("Cover per depositor", Amount(cover, currency)),
            ("DI-01: assessable deposits", Amount(assessable, currency)),
            ("DI-01: insured deposits", Amount(insured, currency)),
            ("DI-01: premium payable", Amount(premium, currency)),
            ("Depositors fully covered", fully),
            ("Deposit accounts in credit", accounts),
        ),
        checks=(Check("Insured deposits do not exceed assessable deposits", insured <= assessable,
                      f"insured {insured}, assessable {assessable}"),),
    )

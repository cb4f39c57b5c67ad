"""Month-end snapshots change no figure: every report reads the same with and without
them, also after a back-valued posting written after the snapshot."""

from __future__ import annotations

from datetime import date

from tortoise.connection import get_connection

from bankcore.models import BalanceSnapshotRun
from bankcore.reports.base import cell_text
from bankcore.reports.registry import REPORT_NAMES, ReportRequest, run_report
from bankcore.reports.snapshots import snapshot_history, take_snapshot
from bankcore.services.money_movement import deposit_cash, transfer_funds
from tests.ledger.factory import inr
from tests.reports.test_ledger_reports import D1, TODAY, _bank

DATES = (date(2026, 1, 31), date(2026, 2, 15), date(2026, 2, 28), date(2026, 3, 5), TODAY)


async def _all_figures() -> dict[tuple[str, date], list[list[str]]]:
    out = {}
    for name in REPORT_NAMES:
        for day in DATES:
            report = await run_report(name, ReportRequest(as_of=day, from_date=D1))
            out[(name, day)] = [[cell_text(c) for c in r.cells] for r in report.rows]
    return out


async def _drop_snapshots() -> None:
    conn = get_connection("default")
    await conn.execute_script("DELETE FROM balance_snapshot")
    await conn.execute_script("DELETE FROM balance_snapshot_run")


async def test_reports_read_the_same_with_snapshots_and_back_values(db: str) -> None:
    a, b = await _bank()
    without = await _all_figures()
    taken = await snapshot_history(through=date(2026, 3, 31))
    assert taken == [date(2026, 1, 31), date(2026, 2, 28), date(2026, 3, 31)]
    assert await snapshot_history(through=date(2026, 3, 31)) == []  # idempotent
    assert (await take_snapshot(as_of=date(2026, 1, 31))).accounts == (await BalanceSnapshotRun.get(as_of=date(2026, 1, 31))).accounts
    assert await _all_figures() == without

    # back-values after the snapshots: valued in January and February, written now
    await deposit_cash(account_number=a, amount=inr("70.00"), initiator="t", value_date=date(2026, 1, 20))
    await transfer_funds(from_account_number=a, to_account_number=b, amount=inr("30.00"), initiator="t",
                         value_date=date(2026, 2, 28))
    with_snapshots = await _all_figures()
    await _drop_snapshots()
    assert with_snapshots == await _all_figures()
    sheet = with_snapshots[("balance-sheet", date(2026, 1, 31))]
    assert ["ASSETS", "TOTAL", "Total assets", "1570.00"] in sheet


async def _snapshot_rows(as_of: date) -> list[tuple]:
    run = await BalanceSnapshotRun.get(as_of=as_of)
    conn = get_connection("default")
    rows = await conn.execute_query_dict(
        "SELECT ledger_account_id, currency, net_debit_minor, last_customer_on FROM balance_snapshot "
        f"WHERE run_id = {int(run.id)} ORDER BY ledger_account_id")
    return [(r["ledger_account_id"], r["currency"], r["net_debit_minor"], str(r["last_customer_on"])) for r in rows]


async def test_a_snapshot_built_on_the_previous_one_equals_one_built_from_the_whole_history(db: str) -> None:
    # given January and February snapshots, then back-values into both months written after them
    a, b = await _bank()
    await snapshot_history(through=date(2026, 2, 28))
    await deposit_cash(account_number=a, amount=inr("70.00"), initiator="t", value_date=date(2026, 1, 20))
    await transfer_funds(from_account_number=a, to_account_number=b, amount=inr("30.00"), initiator="t",
                         value_date=date(2026, 2, 28))
    # when March is taken from February's snapshot plus what it lacks, and again from nothing
    await take_snapshot(as_of=date(2026, 3, 31))
    incremental = await _snapshot_rows(date(2026, 3, 31))
    await _drop_snapshots()
    await take_snapshot(as_of=date(2026, 3, 31))
    # then the two are the same, account by account
    assert incremental == await _snapshot_rows(date(2026, 3, 31)) and incremental

"""Benchmark: every report over the synthetic 100,000-account / 1,000,000-transaction bank.

Builds the synthetic bank of ``benchmarks/synthetic_scale.py`` on PostgreSQL (or reuses a
database kept by an earlier run with ``--keep``), then times each report of
``bankcore.reports.registry.REPORTS`` the way ``coopbank report NAME`` runs it (the
figures plus CSV and PDF rendering), as of the last day of the history and, for the
balance sheet, also as of a past date. Prints a table of seconds and the ratio to the
5 s target; not a test.

    python benchmarks/reports.py [--accounts 100000] [--transactions 1000000] [--db NAME] [--keep]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import time
from datetime import UTC, date, datetime
from pathlib import Path

from bankcore.db import migrate_database, open_database
from benchmarks.cpu import cpu_seconds

PG_SERVER = os.environ.get("COOPBANK_BENCH_PG", "postgresql://postgres@127.0.0.1:5432")
DEFAULT_DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "berka"
TARGET_S = 5.0


async def _pg(sql: str) -> list:
    import asyncpg

    conn = await asyncpg.connect(PG_SERVER + "/postgres")
    try:
        return await conn.fetch(sql)
    finally:
        await conn.close()


async def _build(url: str, args: argparse.Namespace) -> None:
    from bankcore.berka.importer import import_berka_data
    from bankcore.berka.parse import read_all
    from benchmarks.synthetic_scale import generate

    started = time.perf_counter()
    data = generate(read_all(args.data), accounts=args.accounts, transactions=args.transactions, seed=1999)
    print(f"generated {len(data.accounts):,} accounts, {len(data.transactions):,} transactions "
          f"in {time.perf_counter() - started:.1f}s", flush=True)
    await migrate_database(url)
    async with open_database(url):
        started = time.perf_counter()
        await import_berka_data(data)
        print(f"imported in {time.perf_counter() - started:.1f}s", flush=True)


async def _time_reports(url: str, database: str) -> list[tuple[str, str, float, int]]:
    from bankcore.reports.export import report_csv, report_pdf
    from bankcore.reports.registry import REPORTS, ReportRequest, run_report
    from tortoise.connection import get_connection

    results: list[tuple[str, str, float, int]] = []
    async with open_database(url):
        from bankcore.reports.snapshots import snapshot_history

        conn = get_connection("default")
        last = (await conn.execute_query_dict("SELECT MAX(value_date) AS d FROM posting"))[0]["d"]
        first = (await conn.execute_query_dict("SELECT MIN(value_date) AS d FROM posting"))[0]["d"]
        started = time.perf_counter()
        taken = await snapshot_history(through=last)
        print(f"month-end snapshots: {len(taken)} taken in {time.perf_counter() - started:.1f}s "
              "(day-end takes one a month)", flush=True)
        await conn.execute_script("ANALYZE")
        busiest = (await conn.execute_query_dict(
            "SELECT value_date AS d FROM journal_entry GROUP BY value_date ORDER BY COUNT(*) DESC LIMIT 1"))[0]["d"]
        account = (await conn.execute_query_dict(
            "SELECT a.number FROM account a ORDER BY a.id LIMIT 1"))[0]["number"]
        past = date(last.year, 6, 30) if last.month > 6 else date(last.year - 1, 12, 31)
        cases: list[tuple[str, ReportRequest]] = []
        for name in REPORTS:
            day = busiest if name in ("day-book", "cash-book") else last
            cases.append((name, ReportRequest(as_of=day, from_date=first, currency="CZK", account=account)))
        cases.append(("balance-sheet", ReportRequest(as_of=past, currency="CZK")))
        cases.append(("general-ledger", ReportRequest(as_of=last, from_date=first, currency="CZK", account="1100-CZK")))
        print(f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC, load average {os.getloadavg()[0]:.1f}; "
              "each report: wall time (figures / CSV / PDF), CPU of this process and of the database's backends", flush=True)
        for name, request in cases:
            cpu_before = cpu_seconds(database)
            started = time.perf_counter()
            report = await run_report(name, request)
            figures = time.perf_counter()
            report_csv(report)
            csv_done = time.perf_counter()
            report_pdf(report)
            elapsed = time.perf_counter() - started
            cpu_after = cpu_seconds(database)
            cpu = (f", CPU {sum(cpu_after) - sum(cpu_before):.2f}s" if cpu_before and cpu_after else "")
            label = f"{request.as_of.isoformat()}" + (f" {request.account}" if name == "general-ledger" else "")
            results.append((name, label, elapsed, len(report.rows)))
            print(f"  {name:<20} {label:<26} {elapsed:6.2f}s ({figures - started:.2f} / {csv_done - figures:.2f} / "
                  f"{elapsed - (csv_done - started):.2f}){cpu} {len(report.rows):>8,} rows "
                  f"({elapsed / TARGET_S:5.0%} of {TARGET_S:.0f} s), load average {os.getloadavg()[0]:.1f}", flush=True)
    return results


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=100_000)
    parser.add_argument("--transactions", type=int, default=1_000_000)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--db", default=None, help="database name; reused when it exists")
    parser.add_argument("--keep", action="store_true", help="keep the database for another run")
    parser.add_argument("--build-only", action="store_true")
    args = parser.parse_args()

    name = args.db or f"coopbank_reports_bench_{os.getpid()}"
    url = f"{PG_SERVER.replace('postgresql://', 'postgres://', 1)}/{name}"
    exists = bool(await _pg(f"SELECT 1 FROM pg_database WHERE datname = '{name}'"))
    try:
        if not exists:
            await _pg(f'CREATE DATABASE "{name}"')
            await _build(url, args)
        else:
            await migrate_database(url)
            print(f"reusing database {name}", flush=True)
        if args.build_only:
            return
        results = await _time_reports(url, name)
        worst = max(results, key=lambda r: r[2])
        print(f"slowest: {worst[0]} {worst[2]:.2f}s; all under {TARGET_S:.0f} s: "
              f"{'yes' if all(r[2] < TARGET_S for r in results) else 'NO'}")
    finally:
        if not args.keep:
            await _pg(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


if __name__ == "__main__":
    # (an ImportError raised inside main() must not run it a second time)
    try:
        import uvloop
    except ImportError:  # pragma: no cover
        uvloop = None
    uvloop.run(main()) if uvloop is not None else asyncio.run(main())

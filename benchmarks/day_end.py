"""Benchmark: day-end on the synthetic 100,000-account / 1,000,000-transaction bank (PostgreSQL).

Builds the bank of ``benchmarks/synthetic_scale.py`` (same generator, same importer), whose
business date is then 28 Feb 1994, and times the close of business:

* 28 Feb 1994: a month-end (savings accrual over every account; the first day-end after
  the import also dates every account's last customer transaction, once);
* 1 Mar 1994: an ordinary day (target < 2 s);
* 2-30 Mar: ordinary days, in one run (mean per day);
* 31 Mar 1994: the quarter-end interest credit over all accounts (target < 10 s):
  one INTEREST entry per account with a positive balance, set-based SQL.

Prints each date's time and its steps' times and rows, and the ratios to the targets;
then ``verify_ledger``. Not a test.

    python benchmarks/day_end.py [--accounts 100000] [--transactions 1000000]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import time
from datetime import UTC, date, datetime
from pathlib import Path

from benchmarks.cpu import cpu_seconds
from benchmarks.synthetic_scale import DEFAULT_DATA, PG_SERVER, _pg_admin, generate
from bankcore.berka.importer import import_berka_data
from bankcore.berka.parse import read_all
from bankcore.db import migrate_database, open_database

ORDINARY_TARGET_S = 2.0
QUARTER_END_TARGET_S = 10.0


async def _pg_admin_fetch(sql: str) -> list:
    import asyncpg

    conn = await asyncpg.connect(PG_SERVER + "/postgres")
    try:
        return await conn.fetch(sql)
    finally:
        await conn.close()


async def _close(through: date, label: str, database: str) -> float:
    from bankcore.calendar.runner import run_day_end
    from bankcore.models import DayEndRun, DayEndStepRun

    cpu_before = cpu_seconds(database)
    started = time.perf_counter()
    summary = await run_day_end(through=through, initiator="benchmark")
    elapsed = time.perf_counter() - started
    cpu_after = cpu_seconds(database)
    days = len(summary.closed)
    cpu = ""
    if cpu_before and cpu_after:
        python, backends = (cpu_after[0] - cpu_before[0]) / max(days, 1), (cpu_after[1] - cpu_before[1]) / max(days, 1)
        cpu = f"; CPU {python + backends:.2f}s a date (Python {python:.2f}s, PostgreSQL {backends:.2f}s)"
    print(f"{label}: {days} date(s) through {through} in {elapsed:.2f}s ({elapsed / max(days, 1):.2f}s a date){cpu}, "
          f"load average {os.getloadavg()[0]:.1f}")
    if days == 1:
        run = await DayEndRun.get(business_date=through)
        for step in await DayEndStepRun.filter(run_id=run.id).order_by("position"):
            seconds = (step.finished_at - step.started_at).total_seconds()
            print(f"    {step.step:<32} {seconds:7.2f}s {step.rows:>9,} rows")
    return elapsed / max(days, 1)


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=100_000)
    parser.add_argument("--transactions", type=int, default=1_000_000)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--template", default=None,
                        help="copy this database (the synthetic bank as imported, e.g. kept by "
                             "`python -m benchmarks.reports --db NAME --keep --build-only`) instead of building it")
    args = parser.parse_args()

    name = f"coopbank_bench_eod_{os.getpid()}"
    data = None
    if args.template:
        started = time.perf_counter()
        await _pg_admin(f'CREATE DATABASE "{name}" TEMPLATE "{args.template}"')
        # A copy does not inherit the template's ALTER DATABASE settings (migration 0021's
        # jit = off among them) and its migrations are already recorded: carry them over.
        for setting in await _pg_admin_fetch(
                "SELECT unnest(s.setconfig) AS c FROM pg_db_role_setting s JOIN pg_database d "
                f"ON d.oid = s.setdatabase WHERE d.datname = '{args.template}' AND s.setrole = 0"):
            key, _, value = setting["c"].partition("=")
            await _pg_admin(f'ALTER DATABASE "{name}" SET {key} = \'{value}\'')
        print(f"copied {args.template} in {time.perf_counter() - started:.1f}s", flush=True)
    else:
        data = generate(read_all(args.data), accounts=args.accounts, transactions=args.transactions)
        await _pg_admin(f'CREATE DATABASE "{name}"')
    print(f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC, load average {os.getloadavg()[0]:.1f}, PostgreSQL", flush=True)
    url = f"{PG_SERVER.replace('postgresql://', 'postgres://', 1)}/{name}"
    try:
        await migrate_database(url)
        async with open_database(url):
            from bankcore.calendar.business_date import business_date
            from bankcore.models import SavingsInterestCredit
            from bankcore.verify import verify_ledger

            if data is not None:
                started = time.perf_counter()
                await import_berka_data(data, savings_rate_bps=400)
                print(f"built {len(data.accounts):,} accounts / {len(data.transactions):,} transactions in "
                      f"{time.perf_counter() - started:.1f}s; business date {await business_date()}", flush=True)
            # (a copied bank keeps the importer's default savings rate: the same work at another rate)
            await _close(date(1994, 2, 28), "month-end 28 Feb (first after the import)", name)
            ordinary = await _close(date(1994, 3, 1), "ordinary day 1 Mar", name)
            mean = await _close(date(1994, 3, 30), "ordinary days 2-30 Mar", name)
            quarter = await _close(date(1994, 3, 31), "quarter-end 31 Mar (interest credit)", name)
            credited = await SavingsInterestCredit.filter(period_end=date(1994, 3, 31), interest_minor__gt=0).count()
            print(f"credited {credited:,} accounts their Q1 1994 interest")
            print(f"ordinary day: {ordinary:.2f}s = {ordinary / ORDINARY_TARGET_S:.0%} of the {ORDINARY_TARGET_S:.0f} s target "
                  f"(2-30 Mar mean {mean:.2f}s)")
            print(f"load average now {os.getloadavg()}")
            print(f"quarter-end: {quarter:.2f}s = {quarter / QUARTER_END_TARGET_S:.0%} of the "
                  f"{QUARTER_END_TARGET_S:.0f} s target")
            started = time.perf_counter()
            verified = await verify_ledger()
            print(f"verify_ledger: {time.perf_counter() - started:.1f}s, {'OK' if verified.ok else verified.problems[:3]}")
    finally:
        await _pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


if __name__ == "__main__":
    # (an ImportError raised inside main() must not run it a second time)
    try:
        import uvloop
    except ImportError:  # pragma: no cover
        uvloop = None
    uvloop.run(main()) if uvloop is not None else asyncio.run(main())

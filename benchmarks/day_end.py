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

    python -m benchmarks.day_end [--accounts 100000] [--transactions 1000000]
    python -m benchmarks.day_end --template BANK --db BANK_MAR30 --until 1994-03-30 --keep
    python -m benchmarks.day_end --template BANK_MAR30      # the quarter-end alone
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

    # Each step's wall and CPU time (this process, the database's backends), sampled by the
    # runner's progress callback as the step starts and ends: under load from other work
    # on the machine the wall time says little, the CPU time what the step itself cost.
    steps: dict[str, list] = {}
    marks: dict[str, tuple[float, tuple[float, float] | None]] = {}

    def on_progress(event) -> None:
        if event.status == "started":
            marks[event.step] = (time.perf_counter(), cpu_seconds(database))
        elif event.status == "completed" and event.step in marks:
            began, cpu0 = marks.pop(event.step)
            cpu1 = cpu_seconds(database)
            row = steps.setdefault(event.step, [0.0, 0.0, 0.0, 0])
            row[0] += time.perf_counter() - began
            if cpu0 and cpu1:
                row[1] += cpu1[0] - cpu0[0]
                row[2] += cpu1[1] - cpu0[1]
            row[3] += event.rows

    cpu_before = cpu_seconds(database)
    started = time.perf_counter()
    summary = await run_day_end(through=through, initiator="benchmark", on_progress=on_progress)
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
        for name, (wall, python, backends, rows) in steps.items():
            print(f"    {name:<36} {wall:7.2f}s wall, CPU Python {python:5.2f}s PostgreSQL {backends:5.2f}s "
                  f"{rows:>9,} rows", flush=True)
    return elapsed / max(days, 1)


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=100_000)
    parser.add_argument("--transactions", type=int, default=1_000_000)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--template", default=None,
                        help="copy this database (the synthetic bank as imported, e.g. kept by "
                             "`python -m benchmarks.reports --db NAME --keep --build-only`) instead of building it; "
                             "dates it has closed already are not closed again, so a copy kept with --until 1994-03-30 "
                             "times the quarter-end alone")
    parser.add_argument("--until", type=date.fromisoformat, default=date(1994, 3, 31),
                        help="close no date after this one (default 1994-03-31)")
    parser.add_argument("--db", default=None, help="name of the database to create (default coopbank_bench_eod_PID)")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards (e.g. as a --template)")
    parser.add_argument("--no-verify", action="store_true", help="skip verify_ledger at the end")
    args = parser.parse_args()

    name = args.db or f"coopbank_bench_eod_{os.getpid()}"
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
            ordinary = mean = quarter = None
            closes = ((date(1994, 2, 28), "month-end 28 Feb (first after the import)"),
                      (date(1994, 3, 1), "ordinary day 1 Mar"), (date(1994, 3, 30), "ordinary days 2-30 Mar"),
                      (date(1994, 3, 31), "quarter-end 31 Mar (interest credit)"))
            for through, label in closes:
                if through < await business_date() or through > args.until:
                    continue
                seconds = await _close(through, label, name)
                if through == date(1994, 3, 1):
                    ordinary = seconds
                elif through == date(1994, 3, 30):
                    mean = seconds
                elif through == date(1994, 3, 31):
                    quarter = seconds
            if ordinary is not None:
                print(f"ordinary day: {ordinary:.2f}s = {ordinary / ORDINARY_TARGET_S:.0%} of the "
                      f"{ORDINARY_TARGET_S:.0f} s target" + (f" (2-30 Mar mean {mean:.2f}s)" if mean is not None else ""))
            if quarter is not None:
                credited = await SavingsInterestCredit.filter(period_end=date(1994, 3, 31), interest_minor__gt=0).count()
                print(f"credited {credited:,} accounts their Q1 1994 interest")
                print(f"quarter-end: {quarter:.2f}s = {quarter / QUARTER_END_TARGET_S:.0%} of the "
                      f"{QUARTER_END_TARGET_S:.0f} s target")
            print(f"load average now {os.getloadavg()}")
            if args.no_verify:
                return
            started = time.perf_counter()
            verified = await verify_ledger()
            print(f"verify_ledger: {time.perf_counter() - started:.1f}s, {'OK' if verified.ok else verified.problems[:3]}")
    finally:
        if args.keep:
            print(f"kept database {name}")
        else:
            await _pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


if __name__ == "__main__":
    # (an ImportError raised inside main() must not run it a second time)
    try:
        import uvloop
    except ImportError:  # pragma: no cover
        uvloop = None
    uvloop.run(main()) if uvloop is not None else asyncio.run(main())

"""Benchmark: the Berka import on SQLite and PostgreSQL (prints figures; not a test).

Each backend runs in its own process (Tortoise 1.1.9 keeps SQLite's ``?`` placeholders
after a SQLite context, see STACK_NOTES.md) and gets a fresh database (a temporary SQLite file; a PostgreSQL database
``coopbank_bench_<pid>`` created and dropped here), migrated first, then imported twice:
the first run writes everything, the second proves idempotency and times the no-op.

    python benchmarks/berka_import.py [--data DIR] [--backend sqlite|postgres|both]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bankcore.berka.importer import ImportReport, import_berka
from bankcore.db import migrate_database, open_database

DEFAULT_DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "berka"
PG_SERVER = os.environ.get("COOPBANK_BENCH_PG", "postgresql://postgres@127.0.0.1:5432")


async def _pg_admin(sql: str) -> None:
    import asyncpg

    conn = await asyncpg.connect(PG_SERVER + "/postgres")
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


def _line(backend: str, label: str, report: ImportReport) -> str:
    entries = report.stage("journal entries")
    rows = sum(s.rows for s in report.stages)
    rate = entries.rows / entries.seconds if entries.seconds else 0.0
    return (f"{backend:<10} {label:<7} total {report.seconds:6.2f}s  "
            f"entries {entries.rows:,} in {entries.seconds:5.2f}s = {rate:8,.0f}/s  "
            f"all rows {rows:,} = {rows / report.seconds:8,.0f}/s  new rows {report.inserted:,}")


async def bench(url: str, backend: str, data: Path) -> None:
    started = time.perf_counter()
    await migrate_database(url)
    print(f"{backend:<10} migrate {time.perf_counter() - started:6.2f}s")
    async with open_database(url):
        first = await import_berka(path=data)
        print(_line(backend, "first", first))
        second = await import_berka(path=data)
        print(_line(backend, "re-run", second))
        rec = first.reconciliation
        print(f"{backend:<10} reconciliation: {rec.accounts:,} accounts, {len(rec.differences)} differ by rounding "
              f"(total {rec.total_abs_difference_minor / 100:.2f}), {len(rec.unexplained)} unexplained, "
              f"{len(rec.cache_faults)} cache faults")


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--backend", choices=["sqlite", "postgres", "both"], default="both")
    args = parser.parse_args()
    if args.backend == "both":
        for backend in ("sqlite", "postgres"):
            subprocess.run([sys.executable, __file__, "--data", str(args.data), "--backend", backend], check=True)
        return
    if args.backend == "sqlite":
        with tempfile.TemporaryDirectory() as tmp:
            await bench(f"sqlite://{tmp}/bench.sqlite3", "sqlite", args.data)
    else:
        name = f"coopbank_bench_{os.getpid()}"
        await _pg_admin(f'CREATE DATABASE "{name}"')
        try:
            await bench(f"{PG_SERVER.replace('postgresql://', 'postgres://', 1)}/{name}", "postgres", args.data)
        finally:
            await _pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


if __name__ == "__main__":
    try:
        import uvloop

        uvloop.run(main())
    except ImportError:  # pragma: no cover
        asyncio.run(main())

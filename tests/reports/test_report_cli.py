"""`coopbank report NAME --as-of ... --format csv|pdf` end to end, in subprocesses on a SQLite file."""

from __future__ import annotations

import csv
import io
import os
from pathlib import Path

import pytest

from tests.cli.test_verify_cli import run
from tests.conftest import BACKEND

SEED = """
import asyncio
from tortoise import Tortoise
from bankcore.db import tortoise_config
from tests.reports.test_ledger_reports import _bank

async def go():
    await Tortoise.init(config=tortoise_config())
    try:
        print(*(await _bank()))
    finally:
        await Tortoise.close_connections()

asyncio.run(go())
"""


@pytest.mark.skipif(BACKEND == "postgres", reason="the command runs on its own SQLite file; the SQLite run covers it")
def test_report_command_writes_csv_and_pdf(tmp_path: Path, migrated_sqlite) -> None:
    env = {**os.environ, "DATABASE_URL": migrated_sqlite(tmp_path / "bank.sqlite3")}
    seeded = run(["-c", SEED], env)
    assert seeded.returncode == 0, seeded.stderr
    a, _ = seeded.stdout.split()[-2:]

    sheet = run(["-m", "coopbank.cli", "report", "balance-sheet", "--as-of", "2026-03-31", "--format", "csv"], env)
    assert sheet.returncode == 0, sheet.stderr
    rows = list(csv.DictReader(io.StringIO(sheet.stdout)))
    assert {r["section"] for r in rows} == {"LIABILITIES", "ASSETS"}
    assert {(r["section"], r["amount"]) for r in rows if r["code"] == "TOTAL"} == {("LIABILITIES", "800.00"),
                                                                                  ("ASSETS", "800.00")}
    pnl = run(["-m", "coopbank.cli", "report", "profit-and-loss", "--as-of", "2026-03-31", "--from", "2026-03-01",
               "--format", "csv"], env)
    assert "PROFIT,III,Net profit (loss) for the period,5.00" in pnl.stdout.splitlines()
    dicgc = run(["-m", "coopbank.cli", "report", "dicgc", "--as-of", "2026-03-31", "--format", "csv"], env)
    assert dicgc.stdout.splitlines() == ["depositor_count,assessable_deposits,insured_deposits,premium_half_year",
                                         "1,795.00,795.00,0.48"]
    demand = run(["-m", "coopbank.cli", "report", "demand", "--as-of", "2026-03-31", "--format", "csv"], env)
    assert demand.returncode == 0, demand.stderr
    assert demand.stdout.splitlines() == ["loan_number,member_number,member_name,due_date,principal_due,interest_due,"
                                          "charges_due,total_due,days_past_due"]  # no loans in this bank
    out = tmp_path / "gl.pdf"
    ledger = run(["-m", "coopbank.cli", "report", "general-ledger", "--as-of", "2026-03-31", "--from", "2026-01-01",
                  "--account", a, "--format", "pdf", "--output", str(out)], env)
    assert ledger.returncode == 0, ledger.stderr
    assert out.read_bytes().startswith(b"%PDF")
    bad = run(["-m", "coopbank.cli", "report", "balance-sheet", "--as-of", "31-03-2026", "--format", "csv"], env)
    assert bad.returncode == 2 and "YYYY-MM-DD" in bad.stderr
    unknown = run(["-m", "coopbank.cli", "report", "general-ledger", "--as-of", "2026-03-31", "--account", "NOPE",
                   "--format", "csv"], env)
    assert unknown.returncode == 2 and "NOPE" in unknown.stderr

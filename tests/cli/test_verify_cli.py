"""`coopbank verify` end to end on a migrated SQLite file: OK, then a tampered balance and audit row.

The commands run in subprocesses, as a user runs them: Tortoise's connections are
process-global, and this test must not disturb the test database of the other tests.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

SEED = """
import asyncio
from tortoise import Tortoise
from bankcore.audit import append_audit
from bankcore.db import tortoise_config
from tests.ledger.factory import make_account, small_bank

async def go():
    await Tortoise.init(config=tortoise_config())
    try:
        await small_bank()
        print(await make_account("SB0", deposit="10.00"))
        await append_audit(actor="cli", action="test.seed", outcome="ok")
    finally:
        await Tortoise.close_connections()

asyncio.run(go())
"""


def run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, *args], env=env, capture_output=True, text=True, timeout=120,
                          cwd=Path(__file__).resolve().parents[2])


def test_verify_passes_then_names_what_was_tampered_with(tmp_path: Path, migrated_sqlite) -> None:
    path = tmp_path / "bank.sqlite3"
    env = {**os.environ, "DATABASE_URL": migrated_sqlite(path)}
    again = run(["-m", "coopbank.cli", "migrate"], env)  # on a migrated file: nothing to do, and says so
    assert again.returncode == 0 and "up to date" in again.stdout, again.stderr
    seeded = run(["-c", SEED], env)
    assert seeded.returncode == 0, seeded.stderr
    number = seeded.stdout.strip().splitlines()[-1]
    ok = run(["-m", "coopbank.cli", "verify"], env)
    assert ok.returncode == 0 and "ledger OK" in ok.stdout and "audit log OK" in ok.stdout
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE ledger_account SET balance_minor = balance_minor + 1 WHERE code = ?", (number,))
        conn.execute("UPDATE audit_log SET actor = 'someone else'")
    bad = run(["-m", "coopbank.cli", "verify"], env)
    assert bad.returncode == 1
    assert number in bad.stderr and "audit log NOT OK" in bad.stderr

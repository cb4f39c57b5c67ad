"""`coopbank deposits --format csv` end to end on a migrated SQLite file (subprocesses, as a user
runs it), checked against `coopbank calc fd`."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

SEED = """
import asyncio
from tortoise import Tortoise
from bankcore.db import tortoise_config
from bankcore.deposits.service import open_deposit
from bankcore.models import DepositKind, InterestPayout
from tests.deposits.factory import deposit_bank, saver
from tests.ledger.factory import inr

async def go():
    await Tortoise.init(config=tortoise_config())
    try:
        await deposit_bank()
        member, savings = await saver(balance="150000.00")
        fd = await open_deposit(kind=DepositKind.FIXED, product_code="FD1", amount=inr("100000.00"), tenure_months=12,
                                from_account_number=savings, initiator="test")
        rd = await open_deposit(kind=DepositKind.RECURRING, product_code="RD1", amount=inr("5000.00"), tenure_months=6,
                                from_account_number=savings, initiator="test")
        print(member.member_number, fd.deposit.number, rd.deposit.number)
    finally:
        await Tortoise.close_connections()

asyncio.run(go())
"""


def run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, *args], env=env, capture_output=True, text=True, timeout=400,
                          cwd=Path(__file__).resolve().parents[2])


def test_deposits_csv(tmp_path: Path, migrated_sqlite) -> None:
    env = {**os.environ, "DATABASE_URL": migrated_sqlite(tmp_path / "bank.sqlite3")}
    seeded = run(["-c", SEED], env)
    assert seeded.returncode == 0, seeded.stderr
    member, fd, rd = seeded.stdout.strip().splitlines()[-1].split()
    listed = run(["-m", "coopbank.cli", "deposits", "--format", "csv"], env)
    assert listed.returncode == 0, listed.stderr
    lines = listed.stdout.splitlines()
    assert lines[0] == ("account_number,member_number,kind,principal,rate,opened_on,maturity_date,status,interest_paid,"
                        "tds_deducted,maturity_value")
    assert lines[1] == f"{fd},{member},FIXED,100000.00,7.00,2026-04-01,2027-04-01,ACTIVE,0.00,0.00,107185.90"
    assert lines[2].startswith(f"{rd},{member},RECURRING,5000.00,6.00,2026-04-01,2026-10-01,ACTIVE,0.00,0.00,")
    calc = run(["-m", "coopbank.cli", "calc", "fd", "--principal", "100000", "--rate", "7", "--months", "12",
                "--start", "2026-04-01"], env)
    assert "maturity value  107185.90" in calc.stdout

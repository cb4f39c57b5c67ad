"""`coopbank backup` and `coopbank restore`, run as commands against the test database."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from bankcore.audit_batch import audit_writer
from tests.conftest import BACKEND, PG_SERVER, _pg_admin
from tests.ledger.factory import inr, make_account, small_bank


def coopbank(url: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DATABASE_URL": url}
    return subprocess.run([sys.executable, "-m", "coopbank.cli", *args], capture_output=True, text=True, env=env,
                          timeout=120, check=False)


@pytest.fixture
async def empty_database(tmp_path: Path) -> Iterator[str]:
    """A second, empty database to restore into."""
    if BACKEND == "postgres":
        name = f"coopbank_restore_{os.getpid()}_{uuid.uuid4().hex[:6]}"
        await _pg_admin(f'CREATE DATABASE "{name}"')
        try:
            yield f"{PG_SERVER}/{name}"
        finally:
            await _pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    else:
        yield f"sqlite://{tmp_path}/restored.sqlite3"


async def test_a_backup_restores_the_books_as_they_were_and_they_verify(db: str, empty_database: str,
                                                                        tmp_path: Path) -> None:
    from bankcore.services.money_movement import deposit_cash

    await small_bank()
    account = await make_account(deposit="1500.00")
    await deposit_cash(account_number=account, amount=inr("25.50"), initiator="test")
    await audit_writer.flush()
    backup = tmp_path / "bank.backup"
    made = coopbank(db, "backup", str(backup))
    assert made.returncode == 0, made.stderr
    await deposit_cash(account_number=account, amount=inr("1.00"), initiator="test")  # after the backup: not in it

    refused = coopbank(empty_database, "restore", str(backup))
    assert refused.returncode == 2 and "--yes" in refused.stderr

    for _ in range(2):  # into an empty database, then over the restored one (clean replace)
        restored = coopbank(empty_database, "restore", "--yes", str(backup))
        assert restored.returncode == 0, restored.stderr
        assert "checked 2 entries" in restored.stdout
        assert "ledger OK" in restored.stdout and "audit log OK" in restored.stdout
    balances = coopbank(empty_database, "balances")
    assert "1,525.50" in balances.stdout or "1525.50" in balances.stdout, balances.stdout


async def test_restore_refuses_a_file_that_is_not_a_backup(db: str, empty_database: str, tmp_path: Path) -> None:
    junk = tmp_path / "junk.backup"
    junk.write_bytes(b"this is not a database")
    done = coopbank(empty_database, "restore", "--yes", str(junk))
    assert done.returncode == 1 and "restore failed" in done.stderr
    missing = coopbank(empty_database, "restore", "--yes", str(tmp_path / "nowhere"))
    assert missing.returncode == 1 and "no backup file" in missing.stderr

"""``coopbank create-admin`` through ``coopbank.cli.main`` on its own migrated SQLite file.

The CLI opens and closes its own Tortoise context, which would tear down the test
session's (and, on the PostgreSQL run, trip Tortoise 1.1.9's SQLite-then-PostgreSQL
placeholder bug, STACK_NOTES.md). So ``main`` runs in a spawned worker process: the
environment set here with monkeypatch is handed to it, and prompts are answered there.
"""

from __future__ import annotations

import contextlib
import io
import multiprocessing
import os
import sqlite3
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pytest

from tests.identity.conftest import PASSWORD


def _run_cli(argv: list[str], env: dict[str, str], answers: list[str]) -> tuple[int, str, str]:
    """In the worker: apply ``env``, answer getpass prompts from ``answers``, run ``coopbank.cli.main``."""
    import getpass

    from bankcore.identity import passwords
    from coopbank.cli import main

    passwords.use_parameters(passwords.TEST_PARAMETERS)
    os.environ.update(env)
    replies = iter(answers)
    getpass.getpass = lambda prompt="": next(replies)
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(argv)
    return code, out.getvalue(), err.getvalue()


@pytest.fixture(scope="module")
def worker() -> Iterator[ProcessPoolExecutor]:
    with ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn")) as pool:
        yield pool


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, worker: ProcessPoolExecutor, migrated_sqlite):
    monkeypatch.setenv("DATABASE_URL", migrated_sqlite(tmp_path / "cli.sqlite3"))

    def run(*argv: str, answers: tuple[str, ...] = ()) -> tuple[int, str, str]:
        env = {k: os.environ[k] for k in ("DATABASE_URL", "ADMIN_PW") if k in os.environ}
        return worker.submit(_run_cli, list(argv), env, list(answers)).result(timeout=60)

    return run


def _staff(tmp_path: Path) -> list[tuple[str, str, int]]:
    with contextlib.closing(sqlite3.connect(tmp_path / "cli.sqlite3")) as conn:
        return conn.execute("SELECT username, role, totp_secret IS NOT NULL FROM staff_user ORDER BY id").fetchall()


def test_create_admin_from_env_prints_totp_and_refuses_a_second(
    cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ADMIN_PW", PASSWORD)
    code, out, _ = cli("create-admin", "--username", "Asha", "--full-name", "Asha Rao", "--password-env", "ADMIN_PW")
    assert code == 0
    assert "TOTP secret: " in out and "otpauth://totp/coopbank:asha?" in out
    assert PASSWORD not in out
    assert _staff(tmp_path) == [("asha", "admin", 1)]

    code, _, err = cli("create-admin", "--username", "bina", "--full-name", "Bina", "--password-env", "ADMIN_PW")
    assert (code, "ADMIN_EXISTS" in err) == (2, True)
    code, _, _ = cli("create-admin", "--username", "bina", "--full-name", "Bina", "--password-env", "ADMIN_PW", "--force")
    assert code == 0
    assert [row[0] for row in _staff(tmp_path)] == ["asha", "bina"]


def test_create_admin_prompts_and_checks_the_policy(cli, tmp_path: Path) -> None:
    code, _, err = cli("create-admin", "--username", "asha", "--full-name", "Asha Rao",
                       answers=("password123", "password123"))
    assert (code, "WEAK_PASSWORD" in err) == (2, True)
    code, _, err = cli("create-admin", "--username", "asha", "--full-name", "Asha Rao",
                       answers=(PASSWORD, "something else entirely"))
    assert (code, "differ" in err) == (2, True)
    code, out, _ = cli("create-admin", "--username", "asha", "--full-name", "Asha Rao", answers=(PASSWORD, PASSWORD))
    assert code == 0 and "provisioning URI: otpauth://" in out
    assert _staff(tmp_path) == [("asha", "admin", 1)]


def test_missing_password_variable_is_an_error(cli) -> None:
    code, _, err = cli("create-admin", "--username", "asha", "--full-name", "A", "--password-env", "NO_SUCH_VAR_X")
    assert (code, "NO_SUCH_VAR_X" in err) == (2, True)

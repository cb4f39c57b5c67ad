"""Database fixtures shared by the service tests.

One test database per pytest process, chosen by ``COOPBANK_TEST_DATABASE``:
``sqlite`` (default: a temporary file) or ``postgres`` (a fresh database on
``COOPBANK_TEST_PG`` / 127.0.0.1:5432, created here and dropped at the end). The schema
comes from the real migrations, so every run also tests them. Tables are emptied before
each test that asks for ``db``. Pure tests don't ask for it and need no database.
"""

from __future__ import annotations

import os
import tempfile
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_asyncio
from tortoise import Tortoise
from tortoise.connection import get_connection

from bankcore.db import migrate_database, tortoise_config
from bankcore.ledger.account_facts import forget_cached_facts
from bankcore.services._lookup import forget_cached_account_keys, forget_cached_gl_ids
from bankcore.settings import forget_cached_settings
from tests.pg_template import create_from_template, pg_admin

BACKEND = os.environ.get("COOPBANK_TEST_DATABASE", "sqlite")
PG_SERVER = os.environ.get("COOPBANK_TEST_PG", "postgres://postgres@127.0.0.1:5432")
BERKA_DIR = Path(os.environ.get("BERKA_DIR", Path(__file__).resolve().parents[2] / "shared" / "data" / "berka"))
# Apps started in this process (NiceGUI's User fixture runs the app's start-up) run no outbox worker
# and no payout poller: tests drain with ``run_once`` when they mean to, and a worker torn down
# with a test's event loop left a drain job ``doing`` that held the drain lock for later tests.
# Servers started as subprocesses (tests/live/server.py) run them as in production.
IN_PROCESS_ONLY_ENV = {"COOPBANK_WORKER": "off", "COOPBANK_PAYOUT_POLLING": "off"}
for _name, _value in IN_PROCESS_ONLY_ENV.items():
    os.environ.setdefault(_name, _value)
# Tests of the full data set (4,500 accounts) skip on a fresh clone without ../shared; the
# bundled 50-account slice (coopbank/commands/demo_data/berka) covers the import elsewhere.
needs_full_berka = pytest.mark.skipif(
    not (BERKA_DIR / "trans.asc.gz").exists(),
    reason=f"needs the full Berka data set at {BERKA_DIR} (../shared/data/berka, or set BERKA_DIR)",
)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    # Headless-Chromium tests run one at a time (one xdist worker, with `--dist loadgroup`): two
    # browsers and two servers at once on a 2-core machine starve each other into timeouts.
    for item in items:
        if "chromium" in item.keywords:
            item.add_marker(pytest.mark.xdist_group("chromium"))
    # Longest first (the browser chain, then the whole-Berka imports): started last, one of them
    # kept a process busy after the other had finished everything else. A stable sort on
    # module-wide marks keeps each module's tests together (module-scoped servers start once).
    items.sort(key=lambda item: 0 if "chromium" in item.keywords else 1 if "slow" in item.keywords else 2)
    if BACKEND == "postgres":
        _run_once_on_sqlite(config, items)
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL (COOPBANK_TEST_DATABASE=postgres)")
    for item in items:
        if "postgres" in item.keywords:
            item.add_marker(skip)


def _runs_on_both_backends(item: pytest.Item) -> bool:
    """Whether a test means something different on PostgreSQL than on SQLite.

    Not: a test that opens no bank database (pure maths, property tests, CLI tests on their own
    SQLite file), and the NiceGUI ``User`` tests of ``tests/ui``, which reach the bank only through
    the in-process GraphQL schema that ``tests/api`` and the service tests run on both backends
    (the browser flows are split between the two: ``browser_test``). Each ran twice, and the CI run
    is held to 15 minutes on 2 cores.
    """
    if "postgres" in item.keywords or "chromium" in item.keywords:
        return True
    if "database_url" not in getattr(item, "fixturenames", ()):
        return False
    return not item.nodeid.startswith("tests/ui/")


def _run_once_on_sqlite(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Deselect, on the PostgreSQL pass, the tests the SQLite pass already ran to the same effect."""
    kept = [item for item in items if _runs_on_both_backends(item)]
    if len(kept) != len(items):
        config.hook.pytest_deselected(items=[item for item in items if not _runs_on_both_backends(item)])
        items[:] = kept


async def _pg_admin(sql: str) -> None:
    """Run one statement on the server's ``postgres`` database (create and drop test databases)."""
    await pg_admin(sql)


@pytest_asyncio.fixture(scope="session")
async def database_url() -> AsyncIterator[str]:
    """URL of this process's migrated test database."""
    if BACKEND == "postgres":
        name = f"coopbank_test_{os.getpid()}_{uuid.uuid4().hex[:6]}"
        url = f"{PG_SERVER}/{name}"
        template = os.environ.get("COOPBANK_TEST_PG_TEMPLATE")
        try:
            if template:  # migrated once by scripts/test for the run (tests/pg_template.py)
                await create_from_template(name, template)
            else:
                await _pg_admin(f'CREATE DATABASE "{name}"')
                await migrate_database(url)
            yield url
        finally:
            await Tortoise.close_connections()
            await _pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    else:
        with tempfile.TemporaryDirectory() as tmp:
            url = f"sqlite://{tmp}/test.sqlite3"
            template = _shared_sqlite_template()
            if template is not None:
                import shutil

                shutil.copyfile(template, f"{tmp}/test.sqlite3")
            else:
                await migrate_database(url)
            yield url
            await Tortoise.close_connections()


def _shared_sqlite_template() -> Path | None:
    """The SQLite bank ``scripts/test`` migrated once for all of a run's pytest processes
    (``COOPBANK_TEST_SQLITE_TEMPLATE``), or None to migrate here.

    Each migration from empty costs about 10 s of CPU (Tortoise re-renders its model state for
    every operation); a run used to migrate eight times (two backends, two processes each, a
    test database and a command-line template in each). The template is made by the real
    `coopbank migrate`, so the run still tests the migrations.
    """
    path = os.environ.get("COOPBANK_TEST_SQLITE_TEMPLATE")
    return Path(path) if path and Path(path).is_file() else None


@pytest.fixture(scope="session")
def migrated_sqlite(tmp_path_factory: pytest.TempPathFactory):  # noqa: ANN201
    """Copy a freshly migrated SQLite bank to a path: ``migrated_sqlite(path) -> "sqlite://path"``.

    `coopbank migrate` on an empty file costs about 10 s of CPU (Tortoise re-renders its model
    state for every operation), so the command-line tests that need their own file share one
    migration per test process. The migration runs as the user runs it, in a subprocess with the
    CLI (and so on SQLite whatever this run's backend is).
    """
    import shutil
    import subprocess
    import sys

    shared = _shared_sqlite_template()
    if shared is not None:
        def copy_shared(path: Path) -> str:
            shutil.copyfile(shared, path)
            return f"sqlite://{path}"

        return copy_shared
    template = tmp_path_factory.mktemp("template") / "bank.sqlite3"
    done = subprocess.run([sys.executable, "-m", "coopbank.cli", "migrate"],
                          env={**os.environ, "DATABASE_URL": f"sqlite://{template}"},
                          capture_output=True, text=True, timeout=600, cwd=Path(__file__).resolve().parents[1])
    assert done.returncode == 0, done.stderr

    def copy(path: Path) -> str:
        shutil.copyfile(template, path)
        return f"sqlite://{path}"

    return copy


@pytest_asyncio.fixture(scope="session")
async def _tortoise(database_url: str) -> AsyncIterator[str]:
    await Tortoise.init(config=tortoise_config(database_url))
    yield database_url
    await Tortoise.close_connections()


async def truncate_all() -> None:
    """Empty every bank table (not the migration history) and restart its ids."""
    conn = get_connection("default")
    tables = [m._meta.db_table for m in Tortoise.apps.get_models_iterable()]
    if conn.capabilities.dialect == "postgres":
        await conn.execute_script(await _pg_reset_script(conn, tables))
    else:
        await conn.execute_script("PRAGMA foreign_keys = OFF;"
                                  + "".join(f'DELETE FROM "{table}";' for table in tables)
                                  + "DELETE FROM sqlite_sequence; PRAGMA foreign_keys = ON;")


_PG_RESET_SCRIPTS: dict[tuple[str, ...], str] = {}


async def _pg_reset_script(conn, tables: list[str]) -> str:  # noqa: ANN001
    """One script that empties ``tables`` and procrastinate's queue, and restarts their sequences.

    ``TRUNCATE ... RESTART IDENTITY CASCADE`` of the 67 tables cost 0.5-2 s a test (a new file for
    every table and index), most of the PostgreSQL pass. A test leaves a few rows in a few tables,
    so deleting them is milliseconds. ``session_replication_role = replica`` (superuser, as the
    tests connect) turns off the triggers for the script: the append-only ledger's refusal of
    DELETE, and the foreign keys, whose order would otherwise matter. Procrastinate's queue is
    emptied too: a test server of an earlier test ran a worker on this database, and its drain
    job, left 'doing' when the server stopped, held the drain lock for the next test.
    """
    present = await conn.execute_query_dict(
        "SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE n.nspname = current_schema() AND c.relkind = 'r' AND c.relname LIKE 'procrastinate%'")
    every = tuple(tables) + tuple(sorted(row["name"] for row in present))
    script = _PG_RESET_SCRIPTS.get(every)
    if script is None:
        sequences = await conn.execute_query_dict(
            "SELECT s.relname AS name, q.seqstart AS start FROM pg_class s "
            "JOIN pg_sequence q ON q.seqrelid = s.oid "
            "JOIN pg_depend d ON d.objid = s.oid AND d.classid = 'pg_class'::regclass "
            " AND d.refclassid = 'pg_class'::regclass AND d.deptype IN ('a', 'i') "
            "JOIN pg_class t ON t.oid = d.refobjid WHERE s.relkind = 'S' AND t.relname = ANY($1::text[])",
            [list(every)])
        script = _PG_RESET_SCRIPTS[every] = (
            "SET session_replication_role = replica;"
            + "".join(f'DELETE FROM "{table}";' for table in every)
            + "".join(f"SELECT setval('\"{row['name']}\"', {row['start']}, false);" for row in sequences)
            + "RESET session_replication_role;")
    return script


@pytest_asyncio.fixture
async def db(_tortoise: str) -> AsyncIterator[str]:
    """An empty, migrated bank database; yields its URL."""
    from bankcore.audit_batch import audit_writer

    await audit_writer.flush()  # rows queued by the previous test belong to its database state
    await truncate_all()
    # Ids restart after truncation: drop what the services cached about the old rows.
    forget_cached_facts()
    forget_cached_gl_ids()
    forget_cached_account_keys()
    forget_cached_settings()
    _forget_query_budgets()
    yield _tortoise


def _forget_query_budgets() -> None:
    """Every test starts with full query-cost buckets (the API helpers share one principal id)."""
    from graphql_api.cost import budgets

    budgets.reset()


@pytest.fixture
def document_folder(tmp_path: Path) -> AsyncIterator[Path]:
    """KYC scans go to a throwaway folder for this test (not ./coopbank-documents)."""
    from bankcore.documents.store import LocalFolderStore, set_document_store

    previous = set_document_store(LocalFolderStore(tmp_path / "documents"))
    yield tmp_path / "documents"
    set_document_store(previous)

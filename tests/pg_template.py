"""A migrated PostgreSQL database for every pytest process of a run to copy.

``scripts/test`` runs ``python -m tests.pg_template create NAME`` before the PostgreSQL pass
(it runs ``coopbank migrate`` into a new database NAME) and ``drop NAME`` after it; the
processes find NAME in ``COOPBANK_TEST_PG_TEMPLATE`` and create their own database with
``CREATE DATABASE ... TEMPLATE NAME``, a file copy of about a second, where a migration from
empty costs about 23 s of CPU in each process (Tortoise re-renders its model state for every
operation). The run still tests the migrations: the template is made by them.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys

PG_SERVER = os.environ.get("COOPBANK_TEST_PG", "postgres://postgres@127.0.0.1:5432")


async def pg_admin(sql: str, *args: object) -> list:
    """Run one statement on the server's ``postgres`` database; returns its rows."""
    import asyncpg

    conn = await asyncpg.connect(PG_SERVER.replace("postgres://", "postgresql://", 1) + "/postgres")
    try:
        return await conn.fetch(sql, *args)
    finally:
        await conn.close()


async def create_from_template(name: str, template: str) -> None:
    """``CREATE DATABASE name TEMPLATE template``, with the template's per-database settings.

    A copy does not carry ``ALTER DATABASE ... SET`` settings (migration 0021 turns JIT off that
    way), so they are applied to the copy. Two processes copying at once can meet PostgreSQL's
    "source database is being accessed by other users" while the other's copy holds it: retried.
    """
    for attempt in range(20):
        try:
            await pg_admin(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
            break
        except Exception as exc:  # asyncpg.ObjectInUseError; imported lazily
            if "being accessed by other users" not in str(exc) or attempt == 19:
                raise
            await asyncio.sleep(0.5)
    rows = await pg_admin(
        "SELECT unnest(s.setconfig) AS setting FROM pg_db_role_setting s "
        "JOIN pg_database d ON d.oid = s.setdatabase WHERE d.datname = $1 AND s.setrole = 0", template)
    for row in rows:
        key, _, value = row["setting"].partition("=")
        await pg_admin(f'ALTER DATABASE "{name}" SET "{key}" = \'{value}\'')


def _create(name: str) -> None:
    asyncio.run(pg_admin(f'CREATE DATABASE "{name}"'))
    env = {**os.environ, "DATABASE_URL": f"{PG_SERVER}/{name}"}
    subprocess.run([sys.executable, "-m", "coopbank.cli", "migrate"], env=env, check=True,
                   stdout=subprocess.DEVNULL)


def _drop(name: str) -> None:
    asyncio.run(pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


if __name__ == "__main__":
    command, database = sys.argv[1], sys.argv[2]
    {"create": _create, "drop": _drop}[command](database)

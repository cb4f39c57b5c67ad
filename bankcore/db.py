"""Database configuration from the environment, and the Tortoise lifecycle.

``DATABASE_URL`` selects the backend: ``sqlite://path`` (the zero-setup default, one
process only) or ``postgres://user@host:port/db`` (production; several instances).
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import asyncpg
from tortoise import Tortoise
from tortoise.backends.base.config_generator import expand_db_url
from tortoise.connection import get_connection

DEFAULT_DATABASE_URL = "sqlite://coopbank.sqlite3"
APP_LABEL = "bankcore"
# Sized for a 2-core database: 2-4x its cores (see ARCHITECTURE.md 5a).
DEFAULT_PG_POOL_MAX = 8


def database_url() -> str:
    """The configured ``DATABASE_URL``, or the SQLite file in the working directory."""
    return os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL


def _normalise(url: str) -> str:
    parts = urlsplit(url)
    scheme = parts.scheme
    if scheme in ("postgresql", "postgres", "asyncpg"):
        query = dict(parse_qsl(parts.query))
        query.setdefault("maxsize", str(DEFAULT_PG_POOL_MAX))
        query.setdefault("minsize", "1")
        return urlunsplit(("postgres", parts.netloc, parts.path, urlencode(query), parts.fragment))
    return url


class PooledConnection(asyncpg.Connection):
    """A pooled PostgreSQL connection that skips asyncpg's reset query on release.

    asyncpg sends ``SELECT pg_advisory_unlock_all(); CLOSE ALL; UNLISTEN *; RESET ALL`` each
    time a connection goes back to the pool: one more round trip for every query run outside
    a transaction (measured +6-11% on transfers when it was left out, issue 15). The bank
    leaves no session state on pooled connections: advisory locks are transaction-scoped
    (``pg_advisory_xact_lock``) or taken on a connection of their own (day-end), LISTEN runs
    on the relay's own connection, settings are ``SET LOCAL``, and there are no cursors
    (``tests/api/test_round_trips.py`` fails on code that would change that). An open
    transaction is still rolled back on release (asyncpg's ``_reset`` does it, locally known).
    """

    def get_reset_query(self) -> str:
        return ""


def _connection(url: str) -> str | dict[str, Any]:
    normalised = _normalise(url)
    if not normalised.startswith("postgres://"):
        return normalised
    config = expand_db_url(normalised)
    config["credentials"]["connection_class"] = PooledConnection
    return config


def tortoise_config(url: str | None = None) -> dict[str, Any]:
    """Tortoise config for ``url`` (default: ``database_url()``), with migrations in ``migrations``."""
    return {
        "connections": {"default": _connection(url or database_url())},
        "apps": {
            APP_LABEL: {
                "models": ["bankcore.models"],
                "default_connection": "default",
                "migrations": "migrations",
            }
        },
        "use_tz": True,
        "timezone": "UTC",
    }


# For the ``tortoise`` developer CLI (makemigrations / sqlmigrate), see pyproject.toml.
TORTOISE_ORM = tortoise_config()


def dialect() -> str:
    """``"postgres"`` or ``"sqlite"`` for the default connection."""
    return get_connection("default").capabilities.dialect


async def migrate_database(url: str | None = None) -> None:
    """Apply every pending migration to the database at ``url`` (new or existing)."""
    from tortoise.migrations.api import migrate

    await migrate(config=tortoise_config(url))
    await Tortoise.close_connections()


@asynccontextmanager
async def open_database(url: str | None = None) -> AsyncIterator[None]:
    """Connect Tortoise for a command-line run; closes the connections on exit."""
    await Tortoise.init(config=tortoise_config(url))
    try:
        yield
    finally:
        await Tortoise.close_connections()

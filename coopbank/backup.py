"""Backing up and restoring the bank's database.

SQLite: the online backup API (``sqlite3.Connection.backup``), consistent while the bank
runs. PostgreSQL: ``pg_dump --format=custom`` and ``pg_restore --clean``, the tools of the
server's own distribution (they must be on ``PATH``). A restore replaces the whole
database with the backup's content; callers verify the books afterwards.
"""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit


class BackupError(Exception):
    """A backup or restore could not be made (message says why)."""


def _is_sqlite(url: str) -> bool:
    return url.startswith("sqlite://")


def _sqlite_path(url: str) -> Path:
    path = url.removeprefix("sqlite://").split("?")[0]
    if not path or path == ":memory:":
        raise BackupError("an in-memory SQLite database cannot be backed up")
    return Path(path)


def _libpq_url(url: str) -> str:
    """``postgres://…?maxsize=…`` (Tortoise's form) as a libpq URL without pool options."""
    parts = urlsplit(url)
    return urlunsplit(("postgresql", parts.netloc, parts.path, "", ""))


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BackupError(f"{name} is not on PATH (install the PostgreSQL client tools)")
    return found


def backup_database(url: str, target: Path) -> None:
    """Write a consistent copy of the database at ``url`` to the file ``target``.

    Raises ``BackupError`` when the database is in memory, a tool is missing or the dump fails.
    """
    if _is_sqlite(url):
        source = sqlite3.connect(_sqlite_path(url))
        try:
            copy = sqlite3.connect(target)
            try:
                source.backup(copy)
            finally:
                copy.close()
        finally:
            source.close()
        return
    done = subprocess.run(
        [_tool("pg_dump"), "--format=custom", "--no-owner", "--file", str(target), _libpq_url(url)],
        capture_output=True, text=True, check=False,
    )
    if done.returncode != 0:
        raise BackupError(f"pg_dump failed: {done.stderr.strip()[:500]}")


def restore_database(url: str, source: Path) -> None:
    """Replace the database at ``url`` with the backup file ``source`` (made by ``backup_database``).

    Raises ``BackupError`` when the file is missing or not a backup of this kind, or the
    restore fails; on PostgreSQL the restore runs in one transaction, so a failure leaves
    the database as it was.
    """
    if not source.is_file():
        raise BackupError(f"no backup file at {source}")
    if _is_sqlite(url):
        backup = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
        try:
            try:
                backup.execute("SELECT count(*) FROM sqlite_master").fetchone()
            except sqlite3.DatabaseError as exc:
                raise BackupError(f"{source} is not a SQLite backup: {exc}") from None
            target = sqlite3.connect(_sqlite_path(url))
            try:
                backup.backup(target)
            finally:
                target.close()
        finally:
            backup.close()
        return
    done = subprocess.run(
        [_tool("pg_restore"), "--clean", "--if-exists", "--no-owner", "--single-transaction",
         "--dbname", _libpq_url(url), str(source)],
        capture_output=True, text=True, check=False,
    )
    if done.returncode != 0:
        raise BackupError(f"pg_restore failed: {done.stderr.strip()[:500]}")

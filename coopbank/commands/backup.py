from __future__ import annotations

import argparse
import sys
from pathlib import Path

from bankcore.db import database_url
from coopbank.backup import BackupError, backup_database


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "backup",
        help="Write a consistent copy of the bank's database to FILE (SQLite online backup; pg_dump on PostgreSQL).",
    )
    parser.add_argument("file", type=Path, help="the backup file to write")
    parser.set_defaults(func=_run)


def _run(args: argparse.Namespace) -> int:
    try:
        backup_database(database_url(), args.file)
    except BackupError as exc:
        print(f"backup failed: {exc}", file=sys.stderr)
        return 1
    print(f"backed up to {args.file} ({args.file.stat().st_size} bytes)")
    return 0

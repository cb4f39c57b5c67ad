from __future__ import annotations

import argparse

from bankcore.db import database_url, migrate_database
from coopbank.commands._run import run_async


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("migrate", help="Bring the database schema up to date (new or existing).")
    parser.set_defaults(func=_run)


def _run(args: argparse.Namespace) -> int:
    run_async(migrate_database)
    print(f"database up to date: {database_url().split('@')[-1]}")
    return 0

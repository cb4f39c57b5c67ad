from __future__ import annotations

import argparse
import sys
from pathlib import Path

from bankcore.db import database_url
from coopbank.backup import BackupError, restore_database


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "restore",
        help="Replace the bank's database with a backup FILE, then verify the books (exit 1 if they do not verify).",
    )
    parser.add_argument("file", type=Path, help="a file written by `coopbank backup`")
    parser.add_argument("--yes", action="store_true", help="confirm: everything after the backup is lost")
    parser.set_defaults(func=_run)


def _run(args: argparse.Namespace) -> int:
    if not args.yes:
        print("restore replaces the whole database with the backup; run again with --yes to confirm", file=sys.stderr)
        return 2
    try:
        restore_database(database_url(), args.file)
    except BackupError as exc:
        print(f"restore failed: {exc}", file=sys.stderr)
        return 1
    print(f"restored from {args.file}; verifying the books")
    from coopbank.commands.verify import _run as verify

    return verify(args)

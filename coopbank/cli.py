"""The ``coopbank`` command. Each subcommand lives in ``coopbank/commands/<name>.py``.

A command module exposes ``register(subparsers)``, which adds its parser and sets
``func`` to a callable taking the parsed args and returning the exit status.
"""

from __future__ import annotations

import argparse
import importlib
import sys

COMMANDS = [
    "migrate", "import_berka", "verify", "balances", "deposits", "calc", "create_admin", "serve", "demo", "business_date", "day_end",
    "gateway_sim", "settlement", "report", "backup", "restore", "rotate_keys", "worker", "loans",
]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="coopbank",
        description="Core banking for co-operative banks. Database from DATABASE_URL "
        "(default: sqlite://coopbank.sqlite3 in the working directory).",
    )
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name in COMMANDS:
        importlib.import_module(f"coopbank.commands.{name}").register(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return int(args.func(args) or 0)


if __name__ == "__main__":
    sys.exit(main())

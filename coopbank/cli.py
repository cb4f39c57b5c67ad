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


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The ``coopbank`` parser with every command, or with command module ``only`` alone."""
    parser = argparse.ArgumentParser(
        prog="coopbank",
        description="Core banking for co-operative banks. Database from DATABASE_URL "
        "(default: sqlite://coopbank.sqlite3 in the working directory).",
    )
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name in COMMANDS if only is None else [only]:
        importlib.import_module(f"coopbank.commands.{name}").register(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    # Only the named command's module is imported: each brings its part of the bank, and all of
    # them together cost about 1 s of start-up that a `coopbank gateway-sim` or `business-date`
    # never uses. Anything else (no command, --help, a typo) gets the full parser and its message.
    named = argv[0].replace("-", "_") if argv and not argv[0].startswith("-") else None
    args = build_parser(named if named in COMMANDS else None).parse_args(argv)
    return int(args.func(args) or 0)


if __name__ == "__main__":
    sys.exit(main())

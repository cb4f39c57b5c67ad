"""``coopbank business-date``: print the bank's business date (ISO, on the last line)."""

from __future__ import annotations

import argparse
import sys

from bankcore.calendar.business_date import business_date
from bankcore.db import open_database
from coopbank.commands._run import run_async
from coopbank.commands.import_berka import describe_failure


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "business-date", help="Print the bank's business date (the value date of today's postings), ISO format."
    )
    parser.set_defaults(func=_run)


def _run(args: argparse.Namespace) -> int:
    async def main() -> str:
        async with open_database():
            return (await business_date()).isoformat()

    try:
        print(run_async(main))
    except Exception as exc:  # noqa: BLE001 - one line for the operator
        print(f"business-date: {describe_failure(exc)}", file=sys.stderr)
        return 2
    return 0

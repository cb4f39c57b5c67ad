"""``coopbank loans --format csv``: every loan as of the business date (issue 11's contract header)."""

from __future__ import annotations

import argparse
import csv
import sys

from bankcore.db import open_database
from bankcore.loans.book import CSV_HEADER, loan_book
from coopbank.commands._run import run_async
from coopbank.commands.import_berka import describe_failure


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "loans",
        help="Print every loan as of the business date: status, outstanding, dues, days past due, asset class.",
    )
    parser.add_argument("--format", choices=["csv"], default="csv", help="output format (csv)")
    parser.set_defaults(func=_run)


def _run(args: argparse.Namespace) -> int:
    async def main() -> list[tuple[str, ...]]:
        async with open_database():
            return [row.csv_row() for row in await loan_book()]

    try:
        rows = run_async(main)
    except Exception as exc:  # noqa: BLE001 - a CLI answers with one line, not a traceback
        print(f"loans: {describe_failure(exc)}", file=sys.stderr)
        return 2
    try:
        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(CSV_HEADER)
        writer.writerows(rows)
        sys.stdout.flush()
    except BrokenPipeError:  # piped into `head`: the reader has what it wanted
        pass
    return 0

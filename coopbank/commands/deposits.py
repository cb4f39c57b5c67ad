"""``coopbank deposits --format csv``: every fixed and recurring deposit as of the business date."""

from __future__ import annotations

import argparse
import csv
import sys

from bankcore.db import open_database
from bankcore.deposits.report import HEADER, deposit_rows
from coopbank.commands._run import run_async
from coopbank.commands.import_berka import describe_failure


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "deposits",
        help="Print every term deposit (CSV: account_number,member_number,kind,principal,rate,opened_on,maturity_date,"
             "status,interest_paid,tds_deducted,maturity_value), by number.",
    )
    parser.add_argument("--format", choices=["csv"], default="csv", help="output format (csv)")
    parser.set_defaults(func=_run)


def _run(args: argparse.Namespace) -> int:
    async def main() -> list[tuple[str, ...]]:
        async with open_database():
            return await deposit_rows()

    try:
        rows = run_async(main)
    except Exception as exc:  # noqa: BLE001 - a CLI answers with one line, not a traceback
        print(f"deposits: {describe_failure(exc)}", file=sys.stderr)
        return 2
    try:
        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(HEADER)
        writer.writerows(rows)
        sys.stdout.flush()
    except BrokenPipeError:
        sys.stdout = None  # type: ignore[assignment]
    return 0

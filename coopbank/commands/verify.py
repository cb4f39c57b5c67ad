from __future__ import annotations

import argparse
import sys

from bankcore.db import open_database
from bankcore.verify import VerifyReport, verify_ledger
from coopbank.commands._run import run_async


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "verify",
        help="Recompute every balance from postings and check the ledger; exit 1 naming what is wrong.",
    )
    parser.set_defaults(func=_run)


def _run(args: argparse.Namespace) -> int:
    async def main() -> VerifyReport:
        async with open_database():
            return await verify_ledger()

    report = run_async(main)
    print(f"checked {report.entries} entries, {report.postings} postings, {report.tracked_accounts} member accounts")
    if report.ok:
        print("ledger OK: every entry balances, every cached balance equals its postings, trial balance nets to zero")
        return 0
    for problem in report.problems:
        print(f"PROBLEM {problem}", file=sys.stderr)
    print(f"ledger NOT OK: {len(report.problems)} problem(s)", file=sys.stderr)
    return 1

"""``coopbank report NAME --as-of YYYY-MM-DD [--from YYYY-MM-DD] --format csv|pdf``.

Writes the report to standard output (or ``--output FILE``); PDF to a terminal is
refused. Exit 0 when the report's own checks pass, 1 when one fails (the figures are
still written), 2 for bad input.
"""

from __future__ import annotations

import argparse
import sys
from datetime import date

from bankcore.db import open_database
from bankcore.errors import DomainError
from bankcore.reports.registry import REPORT_NAMES, ReportRequest, run_report
from coopbank.commands._run import run_async


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from None


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "report", help="Write a report as of a date as CSV or PDF (trial-balance, balance-sheet, profit-and-loss, ...).",
    )
    parser.add_argument("name", choices=REPORT_NAMES, metavar="NAME", help="one of: " + ", ".join(REPORT_NAMES))
    parser.add_argument("--as-of", type=_day, required=True, help="the date (inclusive), YYYY-MM-DD")
    parser.add_argument("--from", dest="from_date", type=_day, default=None,
                        help="start of the period for profit-and-loss and general-ledger, YYYY-MM-DD")
    parser.add_argument("--format", choices=("csv", "pdf"), required=True)
    parser.add_argument("--currency", default=None, help="ISO 4217 (default: the bank's currency)")
    parser.add_argument("--account", default=None,
                        help="general-ledger: a GL code (1100-INR) or account number (default: cash in hand)")
    parser.add_argument("--output", "-o", default=None, help="file to write (default: standard output)")
    parser.set_defaults(func=_run)


def _run(args: argparse.Namespace) -> int:
    from bankcore.reports.export import report_csv, report_pdf

    if args.format == "pdf" and args.output is None and sys.stdout.isatty():
        print("report: PDF to a terminal; pass --output FILE or redirect", file=sys.stderr)
        return 2
    request = ReportRequest(as_of=args.as_of, from_date=args.from_date, currency=args.currency, account=args.account)

    async def main():
        async with open_database():
            return await run_report(args.name, request)

    try:
        report = run_async(main)
    except DomainError as exc:
        print(f"report: {exc}", file=sys.stderr)
        return 2
    data = report_csv(report) if args.format == "csv" else report_pdf(report)
    if args.output:
        with open(args.output, "wb") as fh:
            fh.write(data)
    else:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
    for check in report.checks:
        if not check.ok:
            print(f"report: CHECK FAILED {check.name}: {check.detail}", file=sys.stderr)
    for gap in report.gaps:
        print(f"report: not included: {gap}", file=sys.stderr)
    return 0 if report.ok else 1

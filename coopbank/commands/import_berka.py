"""``coopbank import-berka PATH``: import the Berka / PKDD'99 data set, then reconcile."""

from __future__ import annotations

import argparse
import csv
from decimal import Decimal, InvalidOperation
import sys
from pathlib import Path

from bankcore.berka.importer import ImportReport, ProgressEvent, import_berka
from bankcore.berka.parse import BerkaFormatError
from bankcore.db import open_database
from bankcore.errors import DomainError
from bankcore.money import Money
from coopbank.commands._run import run_async


def describe_failure(exc: BaseException) -> str:
    """One line for a database failure a user can act on (shared with ``balances``)."""
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    lowered = text.lower()
    if "no such table" in lowered or ("relation" in lowered and "does not exist" in lowered):
        return "the database has no bank tables yet: run `coopbank migrate` first"
    if isinstance(exc, OSError):
        return f"cannot reach the database: {text}"
    return f"{type(exc).__name__}: {text}"


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "import-berka",
        help="Import the Berka (PKDD'99) data set from a directory of .asc.gz files; idempotent.",
        description="Import the Berka data set into the database (run `coopbank migrate` first). "
        "A second run adds nothing; an interrupted run resumes. Ends with a reconciliation of every "
        "account against the data set's own balances.",
    )
    parser.add_argument("path", type=Path, help="directory holding account.asc.gz, trans.asc.gz, ...")
    parser.add_argument("--currency", default="CZK", help="ISO 4217 currency of the amounts (default CZK)")
    parser.add_argument("--report", type=Path, metavar="FILE", help="write every differing account to FILE (CSV)")
    parser.add_argument("--show", type=int, default=20, metavar="N", help="list at most N differing accounts (default 20)")
    parser.add_argument("--savings-rate", type=_percent, default=Decimal("3.0"), metavar="PERCENT",
                        help="annual interest rate of the imported savings product, in percent (default 3.0)")
    parser.add_argument("--shift-years", type=int, default=0, metavar="N",
                        help="move every date of the data by N whole years (default 0: the data's own dates; "
                        "use a multiple of 4 so leap days stay leap days; `coopbank demo` uses 32)")
    parser.add_argument("--quiet", action="store_true", help="no progress lines")
    parser.set_defaults(func=_run)


def _percent(text: str) -> Decimal:
    """A rate in percent with at most two decimals, 0-100 (argparse type)."""
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise argparse.ArgumentTypeError(f"not a percentage: {text!r}") from None
    if not value.is_finite() or not 0 <= value <= 100 or (value * 100) != (value * 100).to_integral_value():
        raise argparse.ArgumentTypeError("a percentage from 0 to 100 with at most two decimals, e.g. 4.0")
    return value


def _print_progress(event: ProgressEvent) -> None:
    if event.stage == "journal entries" or event.final:
        rate = f", {event.rows_per_s:,.0f} rows/s" if event.elapsed_s > 0.05 else ""
        print(f"  {event.stage}: {event.done:,}/{event.total:,} ({event.inserted:,} new) "
              f"in {event.elapsed_s:.2f}s{rate}", flush=True)


def _money(minor: int, currency: str) -> str:
    return Money(minor, currency).to_plain()


def _write_report(path: Path, report: ImportReport, currency: str) -> None:
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["account_number", "source_ref", "ledger", "data", "difference", "rounding_steps", "cached"])
        for a in report.reconciliation.differences + report.reconciliation.cache_faults:
            writer.writerow([a.number, a.source_ref, _money(a.postings_minor, currency), _money(a.data_minor, currency),
                             _money(a.difference_minor, currency), a.rounding_steps, _money(a.cached_minor, currency)])


def _print_summary(report: ImportReport, currency: str, show: int) -> None:
    rec = report.reconciliation
    entries = report.stage("journal entries")
    print(f"imported in {report.seconds:.2f}s: {report.inserted:,} new rows, "
          f"{entries.inserted:,} new journal entries of {entries.rows:,}")
    print(f"same-day order: {report.rounding_steps:,} rows carry a 0.10 rounding step in the data; "
          f"{len(report.unchained_accounts)} account(s) could not be chained")
    print(f"reconciliation: {rec.accounts:,} accounts, {rec.matching:,} equal to the data's last balance, "
          f"{len(rec.differences):,} differ (total {_money(rec.total_abs_difference_minor, currency)}, "
          f"largest {_money(rec.max_abs_difference_minor, currency)} {currency}); "
          f"{len(rec.unexplained)} not explained by rounding steps; "
          f"{len(rec.cache_faults)} cached balance(s) differ from their postings")
    if rec.differences:
        print("  account_number  source_ref        ledger        data  difference  steps")
        for a in rec.differences[:show]:
            print(f"  {a.number:<14}  {a.source_ref:<14} {_money(a.postings_minor, currency):>10} "
                  f"{_money(a.data_minor, currency):>11} {_money(a.difference_minor, currency):>11} {a.rounding_steps:>6}")
        if len(rec.differences) > show:
            print(f"  ... and {len(rec.differences) - show:,} more (use --report FILE for all)")
    for a in rec.cache_faults:
        print(f"LEDGER FAULT {a.number}: cached {_money(a.cached_minor, currency)} but postings give "
              f"{_money(a.postings_minor, currency)}", file=sys.stderr)


def _run(args: argparse.Namespace) -> int:
    async def main() -> ImportReport:
        async with open_database():
            return await import_berka(
                path=args.path, currency=args.currency, progress=None if args.quiet else _print_progress,
                savings_rate_bps=int(args.savings_rate * 100), shift_years=args.shift_years,
            )

    try:
        report = run_async(main)
    except (BerkaFormatError, DomainError) as exc:
        print(f"import-berka: {getattr(exc, 'message', None) or exc}", file=sys.stderr)
        return 2
    except Exception as exc:  # noqa: BLE001 - a CLI answers with one line, not a traceback
        print(f"import-berka: {describe_failure(exc)}", file=sys.stderr)
        return 2
    _print_summary(report, args.currency, args.show)
    if args.report:
        _write_report(args.report, report, args.currency)
        print(f"differences written to {args.report}")
    return 1 if report.reconciliation.cache_faults else 0

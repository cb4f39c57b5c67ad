"""``coopbank settlement reconcile``: match a day's gateway settlement report against the books."""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path

from coopbank.commands._run import run_async


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "settlement",
        help="Reconcile the payment gateway's settlement report for a date (a CSV in Razorpay's recon shape, "
        "or fetched from the gateway); unmatched items go to the suspense account.",
    )
    parser.add_argument("action", choices=["reconcile"])
    parser.add_argument("--date", type=date.fromisoformat, required=True, metavar="YYYY-MM-DD", help="settlement date")
    parser.add_argument("--file", type=Path, default=None, help="the report CSV; default: fetch from the gateway")
    parser.set_defaults(func=_run)


def _run(args: argparse.Namespace) -> int:
    from bankcore.db import migrate_database, open_database
    from bankcore.errors import DomainError
    from bankcore.payments.gateway import payment_gateway
    from bankcore.payments.settlement import lines_from_recon, parse_settlement_csv, reconcile_settlement

    async def main() -> int:
        async with open_database():
            gateway = payment_gateway()
            try:
                if args.file is not None:
                    lines = parse_settlement_csv(args.file.read_text(encoding="utf-8"))
                else:
                    d = args.date
                    lines = lines_from_recon(await gateway.fetch_settlement_recon(year=d.year, month=d.month, day=d.day))
                run = await reconcile_settlement(gateway=gateway.config.kind, settlement_date=args.date, lines=lines,
                                                 initiator="cli")
            except DomainError as exc:
                print(f"settlement: {exc.message} ({exc.code})", file=sys.stderr)
                return 1
        print(f"{args.date.isoformat()}: {run.rows} rows, {run.matched} matched, {run.unmatched} to suspense, "
              f"charges {run.fees_minor} paise")
        return 0 if run.unmatched == 0 else 3

    run_async(migrate_database)
    return run_async(main)

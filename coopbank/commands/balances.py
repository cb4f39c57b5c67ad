"""``coopbank balances --format csv``: every member account and its ledger balance."""

from __future__ import annotations

import argparse
import csv
import sys

from tortoise.connection import get_connection

from bankcore.db import open_database
from bankcore.money import Money
from coopbank.commands._run import run_async
from coopbank.commands.import_berka import describe_failure

HEADER = ("account_number", "source_ref", "currency", "balance")


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "balances",
        help="Print every account's ledger balance (natural sign, plain decimal), ordered by account number.",
    )
    parser.add_argument("--format", choices=["csv"], default="csv", help="output format (csv)")
    parser.set_defaults(func=_run)


async def account_balances() -> list[tuple[str, str, str, str]]:
    """(account number, source_ref or "", currency, balance as plain decimal) for every account.

    The balance is the ledger account's cached balance in its natural sign (a savings
    account in credit is positive, a loan outstanding is positive); ``coopbank verify``
    proves it equals the postings.
    """
    rows = await get_connection("default").execute_query_dict(
        "SELECT a.number, a.source_ref, la.currency, la.balance_minor FROM account a "
        "JOIN ledger_account la ON la.id = a.ledger_account_id ORDER BY a.number"
    )
    return [
        (r["number"], r["source_ref"] or "", r["currency"], Money(int(r["balance_minor"]), r["currency"]).to_plain())
        for r in rows
    ]


def _run(args: argparse.Namespace) -> int:
    async def main() -> list[tuple[str, str, str, str]]:
        async with open_database():
            return await account_balances()

    try:
        rows = run_async(main)
    except Exception as exc:  # noqa: BLE001 - a CLI answers with one line, not a traceback
        print(f"balances: {describe_failure(exc)}", file=sys.stderr)
        return 2
    try:
        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(HEADER)
        writer.writerows(rows)
        sys.stdout.flush()
    except BrokenPipeError:  # e.g. piped into `head`: the reader has what it wanted
        sys.stdout = None  # type: ignore[assignment]  # keep the interpreter from flushing a closed pipe
    return 0

from __future__ import annotations

import argparse
import sys

from bankcore.audit import ChainReport, seal_audit_chain, verify_audit_chain
from bankcore.db import open_database
from bankcore.verify import VerifyReport, verify_ledger
from coopbank.commands._run import run_async


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "verify",
        help="Recompute every balance from postings, seal and check the audit hash chain; exit 1 naming what is wrong.",
    )
    parser.set_defaults(func=_run)


def _run(args: argparse.Namespace) -> int:
    async def main() -> tuple[VerifyReport, ChainReport]:
        async with open_database():
            # Seal first, so everything committed so far is checked, not left in the unsealed tail.
            await seal_audit_chain()
            return await verify_ledger(), await verify_audit_chain()

    report, audit_problems = run_async(main)
    print(f"checked {report.entries} entries, {report.postings} postings, {report.tracked_accounts} member accounts")
    if report.ok:
        print("ledger OK: every entry balances, every cached balance equals its postings, trial balance nets to zero")
    else:
        for problem in report.problems:
            print(f"PROBLEM {problem}", file=sys.stderr)
        print(f"ledger NOT OK: {len(report.problems)} problem(s)", file=sys.stderr)
    if audit_problems:
        for problem in audit_problems[:50]:
            print(f"PROBLEM audit log: {problem}", file=sys.stderr)
        print(f"audit log NOT OK: {len(audit_problems)} broken link(s)", file=sys.stderr)
    else:
        print(f"audit log OK: the hash chain is unbroken ({audit_problems.sealed} sealed rows)")
    if audit_problems.unsealed:
        # Rows committed while verify ran: the next background pass seals them.
        print(f"audit log: {audit_problems.unsealed} row(s) not sealed yet, the oldest row "
              f"{audit_problems.oldest_unsealed_id} appended at {audit_problems.oldest_unsealed_at}")
    return 0 if report.ok and not audit_problems else 1

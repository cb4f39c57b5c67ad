"""``coopbank worker``: the background worker that sends notifications and partners' webhooks.

It drains the outboxes (``bankcore.background``) through procrastinate: on PostgreSQL
jobs live in the bank's database and any number of workers may run (one per instance,
or separate processes with ``COOPBANK_WORKER=external`` on the web instances); on SQLite
the web process runs it itself and this command is for a one-off drain (``--once``).
"""

from __future__ import annotations

import argparse
import logging

from coopbank.commands._run import run_async


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "worker",
        help="Send queued SMS, e-mail, WhatsApp and partners' webhooks (procrastinate; runs until stopped).",
    )
    parser.add_argument("--once", action="store_true", help="drain what is due now and exit")
    parser.set_defaults(func=_run)


def _run(args: argparse.Namespace) -> int:
    from bankcore.background import run_worker
    from bankcore.db import database_url, migrate_database, open_database

    import graphql_api.notifications.webhook_payloads  # noqa: F401 - renders webhook payloads from their documents

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")

    async def main() -> int:
        await migrate_database()
        async with open_database():
            await run_worker(database_url(), wait=not args.once)
        return 0

    return run_async(main)

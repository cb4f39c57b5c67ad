from __future__ import annotations

import argparse
import os
import secrets

from bankcore.db import migrate_database
from coopbank.commands._run import run_async


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("serve", help="Serve the web app and /graphql (HTTP and WebSocket).")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8080)
    parser.set_defaults(func=_run)


def _run(args: argparse.Namespace) -> int:
    run_async(migrate_database)
    from nicegui import ui

    from coopbank.app import wire

    wire()
    ui.run(
        host=args.host,
        port=args.port,
        reload=False,
        show=False,
        title="coopbank",
        storage_secret=os.environ.get("COOPBANK_STORAGE_SECRET") or secrets.token_urlsafe(32),
        uvicorn_logging_level="warning",
    )
    return 0

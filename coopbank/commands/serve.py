from __future__ import annotations

import argparse
import os
import secrets
import sys

from bankcore.db import migrate_database
from coopbank.commands._run import run_async


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("serve", help="Serve the web app and /graphql (HTTP and WebSocket).")
    add_serve_arguments(parser)
    parser.set_defaults(func=_run)


def add_serve_arguments(parser: argparse.ArgumentParser) -> None:
    """The options ``_run`` reads; every command that ends by serving (``demo``) takes them too."""
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8080)
    parser.add_argument(
        "--insecure-dev-keys", action="store_true",
        help="serve a PostgreSQL database with the public development PII and secret keys (never in production)",
    )
    parser.add_argument(
        "--log-format", choices=("json", "text"), default=os.environ.get("COOPBANK_LOG_FORMAT", "json"),
        help="json: one JSON object per line with the request id (default; COOPBANK_LOG_FORMAT); text: readable lines",
    )


def insecure_keys_refusal(url: str) -> str | None:
    """Why ``serve`` must not start against ``url`` with the keys in the environment, or None.

    PostgreSQL means real members: Aadhaar digests need ``COOPBANK_PII_KEY`` and TOTP secrets
    ``COOPBANK_SECRET_KEYS``, not the public development keys. SQLite (the demo) may use them.
    """
    from bankcore.identity import secretbox

    if not url.startswith(("postgres", "asyncpg")):
        return None
    missing = []
    if not os.environ.get("COOPBANK_PII_KEY"):
        missing.append("COOPBANK_PII_KEY")
    try:
        if secretbox.using_development_key():
            missing.append("COOPBANK_SECRET_KEYS")
    except secretbox.SecretKeyError as exc:
        return str(exc)
    if not missing:
        return None
    return (f"refusing to serve PostgreSQL with the public development keys: set {' and '.join(missing)} "
            "(`coopbank rotate-keys --generate` prints a secret key), or pass --insecure-dev-keys for a throwaway database")


def _run(args: argparse.Namespace) -> int:
    from bankcore.db import database_url

    refusal = insecure_keys_refusal(database_url())
    if refusal and not getattr(args, "insecure_dev_keys", False):
        print(f"coopbank serve: {refusal}", file=sys.stderr)
        return 2
    run_async(migrate_database)
    from nicegui import ui

    from bankcore.identity.sessions import STAFF_ABSOLUTE_TIMEOUT_S
    from coopbank.app import wire
    from coopbank.logs import configure_logging
    from coopbank.web_security import (
        KEEP_ALIVE_S,
        gzip_with_page_csp,
        header_timeout_protocol,
        https_public_url,
        trusted_proxies,
    )

    configure_logging(args.log_format)
    wire()
    proxies = trusted_proxies()
    ui.run(
        host=args.host,
        port=args.port,
        reload=False,
        show=False,
        title="coopbank",
        storage_secret=os.environ.get("COOPBANK_STORAGE_SECRET") or secrets.token_urlsafe(32),
        # NiceGUI's browser-storage cookie: never longer than a staff session may last,
        # Secure when the bank is served over https.
        session_middleware_kwargs={"max_age": STAFF_ABSOLUTE_TIMEOUT_S, "https_only": https_public_url(), "same_site": "lax"},
        gzip_middleware_factory=gzip_with_page_csp,
        uvicorn_logging_level="warning",
        # Slow clients: a header read timeout (our protocol), idle keep-alive (uvicorn's);
        # bodies are timed by coopbank.web_security.SecurityHeaders.
        http=header_timeout_protocol(),
        timeout_keep_alive=KEEP_ALIVE_S,
        # X-Forwarded-For is believed only from the proxies the operator names.
        proxy_headers=bool(proxies),
        forwarded_allow_ips=proxies or None,
    )
    return 0

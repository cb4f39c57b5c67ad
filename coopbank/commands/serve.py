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
        "--api-workers", type=int, default=1, metavar="N",
        help="serve /graphql also from N separate worker processes on --api-port (N > 1, PostgreSQL only); "
             "the web app stays one process and keeps its own /graphql",
    )
    parser.add_argument("--api-port", type=int, default=None, help="port of the API workers (default: --port + 1)")
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


def api_workers_refusal(url: str, workers: int) -> str | None:
    """Why ``--api-workers workers`` cannot run against ``url``, or None.

    Several processes on one SQLite file fail with "database is locked" (Tortoise opens a
    deferred transaction; STACK_NOTES), and SQLite has no NOTIFY to carry events between them.
    """
    if workers < 1:
        return "--api-workers must be at least 1"
    if workers > 1 and not url.startswith(("postgres://", "postgresql://")):
        return (f"--api-workers {workers} needs PostgreSQL: SQLite serves one process only "
                "(set DATABASE_URL=postgres://..., or leave out --api-workers)")
    return None


def _run(args: argparse.Namespace) -> int:
    from bankcore.db import database_url

    workers = getattr(args, "api_workers", 1)
    refusal = api_workers_refusal(database_url(), workers)
    if refusal:
        print(f"coopbank serve: {refusal}", file=sys.stderr)
        return 2
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
    os.environ["COOPBANK_LOG_FORMAT"] = args.log_format  # for the API workers
    wire()
    if workers > 1:
        _start_api_workers(workers=workers, host=args.host, port=args.api_port or args.port + 1)
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


def _start_api_workers(*, workers: int, host: str, port: int) -> None:
    """Start ``coopbank.api_server`` (its supervisor and ``workers`` processes) beside this one;
    stopped when this process shuts down."""
    import atexit
    import subprocess

    from nicegui import app

    from coopbank.api_server import api_worker_command

    proc = subprocess.Popen(api_worker_command(workers=workers, host=host, port=port))

    def stop() -> None:
        if proc.poll() is None:
            proc.terminate()  # uvicorn's supervisor stops its workers on SIGTERM
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()

    app.on_shutdown(stop)
    atexit.register(stop)

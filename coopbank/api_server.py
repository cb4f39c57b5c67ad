"""API worker processes: ``coopbank serve --api-workers N`` runs /graphql in N processes.

The web app (NiceGUI) runs in one process only (it keeps its clients' state in memory and
refuses ``workers > 1``). The API has no such state: sessions, rate limits and idempotency
live in PostgreSQL, and each process's ``PgEventRelay`` LISTENs for the ledger's and the
sessions' notifications, so a subscription on any worker sees postings made by any other
process or instance. So the API scales by processes: uvicorn's supervisor binds the API
port once and N worker processes accept on the same socket (the kernel spreads the
connections), each with its own event loop, database pool and relay connection. A worker
that dies is replaced by the supervisor.

Each worker serves only what ``coopbank.edge`` serves (``/graphql`` over HTTP and
WebSocket, ``/healthz``, ``/metrics`` of that worker, the gateway webhook); everything
else is 404. Background work (the outbox worker, payout polling) stays in the web app's
process, so it runs once per instance.

    python -m coopbank.api_server --workers 4 --port 8081   # what ``serve`` starts
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import os
import sys
from collections.abc import AsyncIterator

from typing import Any

# This module is imported again by every worker before uvicorn's health-check thread runs:
# the schema and the ORM are imported in ``create_app``, once the worker answers pings.


def __getattr__(name: str) -> Any:
    """``HeaderTimeoutProtocol``, made on first use. uvicorn takes the HTTP protocol of its
    workers as an import string (the supervisor pickles its config for each worker, and a
    class made inside a function does not pickle)."""
    if name == "HeaderTimeoutProtocol":
        from coopbank.web_security import header_timeout_protocol

        globals()[name] = protocol = header_timeout_protocol()
        return protocol
    raise AttributeError(name)


@contextlib.asynccontextmanager
async def _lifespan(_app: Any) -> AsyncIterator[None]:
    from tortoise.contrib.fastapi import RegisterTortoise

    from bankcore.db import tortoise_config
    from coopbank.edge import start_event_relay, stop_event_relay

    async with RegisterTortoise(config=tortoise_config()):
        await start_event_relay()
        # As in the web app's process: start-up objects out of the collector's generations.
        gc.freeze()
        try:
            yield
        finally:
            await stop_event_relay()


def create_app() -> Any:
    """The ASGI app of one API worker (uvicorn calls this in each worker process)."""
    from starlette.applications import Starlette

    from coopbank.edge import ApiShortcut
    from coopbank.logs import configure_logging
    from coopbank.web_security import SecurityHeaders

    configure_logging(os.environ.get("COOPBANK_LOG_FORMAT", "json"))
    return SecurityHeaders(ApiShortcut(Starlette(lifespan=_lifespan)))


def api_worker_command(*, workers: int, host: str, port: int) -> list[str]:
    """The command line ``coopbank serve`` runs for its API workers."""
    return [sys.executable, "-m", "coopbank.api_server", "--workers", str(workers), "--host", host, "--port", str(port)]


def main(argv: list[str] | None = None) -> int:
    import uvicorn

    from bankcore.db import database_url
    from coopbank.web_security import KEEP_ALIVE_S, header_timeout_protocol, trusted_proxies

    parser = argparse.ArgumentParser(prog="coopbank-api", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8081)
    args = parser.parse_args(argv)
    if not database_url().startswith(("postgres://", "postgresql://")):
        print("coopbank api workers: several processes need PostgreSQL (SQLite is for one process)", file=sys.stderr)
        return 2
    proxies = trusted_proxies()
    uvicorn.run(
        "coopbank.api_server:create_app",
        factory=True,
        host=args.host,
        port=args.port,
        workers=args.workers,
        http="auto" if isinstance(header_timeout_protocol(), str) else "coopbank.api_server:HeaderTimeoutProtocol",
        timeout_keep_alive=KEEP_ALIVE_S,
        proxy_headers=bool(proxies),
        forwarded_allow_ips=proxies or None,
        # A worker imports the schema before it serves: seconds on a busy machine, and
        # uvicorn's default 5 s would kill and restart it for ever.
        timeout_worker_healthcheck=60,
        log_level="warning",
        access_log=False,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

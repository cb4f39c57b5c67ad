"""The composition root: one ASGI process with the web app and /graphql.

NiceGUI's ``app`` is the root (so its ``User`` test fixture and pages share the same
lifespan); Strawberry is mounted on it for HTTP and WebSocket; Tortoise is registered
with ``register_tortoise`` so its context is visible to every handler (STACK_NOTES).
"""

from __future__ import annotations

import asyncio
import gc
import os

from nicegui import app
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse
from starlette.routing import Route
from starlette.types import ASGIApp, Receive, Scope, Send
from tortoise.connection import get_connection
from tortoise.contrib.fastapi import register_tortoise

from bankcore.audit_batch import audit_writer
from bankcore.db import database_url, tortoise_config
from bankcore.events_relay import PgEventRelay
from coopbank.logs import request_id, request_id_for
from coopbank.metrics import metrics_endpoint
from coopbank.webhooks import razorpay_webhook
from coopbank.web_security import SecurityHeaders
from graphql_api.graphiql import ASSETS_PATH, assets_app
from graphql_api.http import BankGraphQL
from graphql_api.schema import schema

_wired = False


async def healthz(request: Request) -> JSONResponse:
    """For load balancers: 200 when the database answers, 503 otherwise."""
    try:
        await get_connection("default").execute_query("SELECT 1")
    except Exception:  # noqa: BLE001 - any failure means "not ready"
        return JSONResponse({"status": "unavailable"}, status_code=503)
    return JSONResponse({"status": "ok"})


_relay: PgEventRelay | None = None


async def _start_event_relay() -> None:
    """On PostgreSQL, receive every instance's ledger events (LISTEN/NOTIFY)."""
    global _relay
    url = database_url()
    if url.startswith(("postgres://", "postgresql://")) and _relay is None:
        _relay = PgEventRelay(url.split("?")[0])
        await _relay.start()


async def _stop_event_relay() -> None:
    global _relay
    await audit_writer.stop()
    if _relay is not None:
        await _relay.stop()
        _relay = None


_poller: asyncio.Task | None = None


async def _start_payout_polling() -> None:
    """Status checks of payouts without a final word, every 15 s (see bankcore.payments.polling)."""
    global _poller
    from bankcore.payments.polling import run_periodically

    if _poller is None and os.environ.get("COOPBANK_PAYOUT_POLLING", "on") != "off":
        _poller = asyncio.get_running_loop().create_task(run_periodically(), name="payout status checks")


async def _stop_payout_polling() -> None:
    global _poller
    if _poller is not None:
        _poller.cancel()
        _poller = None


_worker: asyncio.Task | None = None


async def _start_outbox_worker() -> None:
    """Send notifications and webhooks from this process (procrastinate; see bankcore.background),
    unless ``COOPBANK_WORKER=external`` (separate ``coopbank worker`` processes, PostgreSQL) or ``off``."""
    global _worker
    from bankcore.background import run_worker

    if _worker is None and os.environ.get("COOPBANK_WORKER", "inprocess") not in ("external", "off"):
        _worker = asyncio.get_running_loop().create_task(run_worker(database_url()), name="outbox worker")


async def _stop_outbox_worker() -> None:
    global _worker
    if _worker is not None:
        _worker.cancel()
        _worker = None


class ApiShortcut:
    """ASGI middleware, outermost: /graphql, GraphiQL's assets and /healthz go straight to their handlers.

    They need none of the web app's middleware (sessions storage, gzip, request
    tracking: BaseHTTPMiddleware alone costs a task per request), and the API is the
    busiest path of the process.
    """

    def __init__(self, asgi_app: ASGIApp) -> None:
        self.app = asgi_app
        self.graphql = BankGraphQL(schema)
        self.health = Route("/healthz", healthz, methods=["GET"])
        self.razorpay = Route("/webhooks/razorpay", razorpay_webhook, methods=["POST"])

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] in ("http", "websocket"):
            rid = request_id_for(_header(scope, b"x-request-id"))
            token = request_id.set(rid)
            try:
                await self._route(scope, receive, _with_request_id(send, rid) if scope["type"] == "http" else send)
            finally:
                request_id.reset(token)
            return
        await self.app(scope, receive, send)

    async def _route(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        if path == "/metrics" and scope["type"] == "http":
            await metrics_endpoint(scope, receive, send)
            return
        if path == "/graphql":
            await self.graphql(scope, receive, send)
            return
        if path.startswith(ASSETS_PATH + "/") and scope["type"] == "http":
            await assets_app()(scope, receive, send)  # GraphiQL's own scripts and styles
            return
        if path == "/healthz" and scope["type"] == "http":
            if scope["method"] not in ("GET", "HEAD"):
                # Route.handle would raise HTTPException, and out here nothing turns it into a 405.
                await PlainTextResponse("Method Not Allowed", status_code=405, headers={"Allow": "GET, HEAD"})(
                    scope, receive, send)
                return
            await self.health.handle(scope, receive, send)
            return
        if path == "/webhooks/razorpay" and scope["type"] == "http":
            await self.razorpay.handle(scope, receive, send)
            return
        await self.app(scope, receive, send)


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", ()):
        if key.lower() == name:
            return value.decode("latin-1")
    return None


def _with_request_id(send: Send, rid: str) -> Send:
    """Echo the request id in the response headers."""

    async def sending(message: dict) -> None:
        if message["type"] == "http.response.start":
            message = {**message, "headers": [*message.get("headers", []), (b"x-request-id", rid.encode("latin-1"))]}
        await send(message)

    return sending


def wire() -> None:
    """Put /graphql and /healthz in front of NiceGUI's app and register the database (once)."""
    global _wired
    if _wired:
        return
    _wired = True
    # Outermost of all: NiceGUI adds its own middleware later (at ui.run), and
    # add_middleware would put this inside them. Starlette builds the stack on the
    # first request by calling build_middleware_stack, so wrap what it builds.
    build_stack = app.build_middleware_stack
    app.build_middleware_stack = lambda: SecurityHeaders(ApiShortcut(build_stack()))  # type: ignore[method-assign]
    register_tortoise(app, config=tortoise_config())
    app.on_startup(_start_event_relay)
    app.on_shutdown(_stop_event_relay)
    # Start-up objects (schema, modules, caches) live for the whole process: moving them out
    # of the collector's generations shortens the ~100 ms full collections under load.
    app.on_startup(gc.freeze)
    app.on_startup(_start_payout_polling)
    app.on_shutdown(_stop_payout_polling)
    app.on_startup(_start_outbox_worker)
    app.on_shutdown(_stop_outbox_worker)
    try:  # the web app's pages, when present
        import ui.pages  # noqa: F401
    except ImportError:
        pass

"""The API edge: /graphql, /healthz, /metrics and the gateway webhook, without the web app.

Shared by the web app's process (``coopbank.app`` puts ``ApiShortcut`` in front of NiceGUI)
and by the API worker processes of ``coopbank serve --api-workers N``
(``coopbank.api_server``), which import nothing of NiceGUI.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse
from starlette.routing import Route
from starlette.types import ASGIApp, Receive, Scope, Send
from tortoise.connection import get_connection

from bankcore.audit_batch import audit_writer
from bankcore.db import database_url
from bankcore.events_relay import PgEventRelay
from bankcore.ledger.group_commit import group_committer
from coopbank.logs import request_id, request_id_for
from coopbank.metrics import metrics_endpoint
from coopbank.webhooks import razorpay_webhook
from graphql_api.graphiql import ASSETS_PATH, assets_app
from graphql_api.http import BankGraphQL
from graphql_api.schema import schema
from graphql_api.trusted import trusted_registry


async def healthz(request: Request) -> JSONResponse:
    """For load balancers: 200 when the database answers, 503 otherwise."""
    try:
        await get_connection("default").execute_query("SELECT 1")
    except Exception:  # noqa: BLE001 - any failure means "not ready"
        return JSONResponse({"status": "unavailable"}, status_code=503)
    return JSONResponse({"status": "ok"})


_relay: PgEventRelay | None = None


async def start_event_relay() -> None:
    """On PostgreSQL, receive every instance's ledger events (LISTEN/NOTIFY)."""
    global _relay
    url = database_url()
    if url.startswith(("postgres://", "postgresql://")) and _relay is None:
        _relay = PgEventRelay(url.split("?")[0])
        await _relay.start()


async def stop_event_relay() -> None:
    global _relay
    await group_committer.drain()  # batches in flight commit (or refuse) before the pool closes
    await audit_writer.stop()
    if _relay is not None:
        await _relay.stop()
        _relay = None


class ApiShortcut:
    """ASGI middleware, outermost: /graphql, GraphiQL's assets and /healthz go straight to their handlers.

    They need none of the web app's middleware (sessions storage, gzip, request
    tracking: BaseHTTPMiddleware alone costs a task per request), and the API is the
    busiest path of the process.
    """

    def __init__(self, asgi_app: ASGIApp) -> None:
        self.app = asgi_app
        self.graphql = BankGraphQL(schema)
        trusted_registry(schema)  # the manifest read before start-up's gc.freeze(), not on a request
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

"""Serving the schema over HTTP and WebSocket (Strawberry's ASGI view, hardened).

* HTTP: only ``POST`` with a JSON body runs operations (no forms, no multipart, so a
  cross-site form cannot post a mutation with the session cookie); ``GET`` serves
  GraphiQL to signed-in staff and auditors and nothing else.
* The principal comes from ``Authorization: Bearer <token>``, or from the
  ``coopbank_token`` cookie the web app sets (HttpOnly, SameSite=Strict).
* WebSocket (``graphql-transport-ws``): the token travels in the ``connection_init``
  payload (``{"authorization": "Bearer <token>"}``); a connection without a live session
  is refused with 4403, a subscribe before ``connection_init`` is closed with 4401 (by
  Strawberry), and each connection may hold at most ``MAX_SUBSCRIPTIONS`` operations.
  Once open, the socket is closed (4401 / 4403) when its session ends: see ``ws``.
"""

from __future__ import annotations

import os
from datetime import timedelta
from typing import Any

from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, Response
from starlette.types import Receive, Scope, Send
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.exceptions import ConnectionRejectionError
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL

from graphql_api.auth_cache import principal_for
from graphql_api.context import Context
from graphql_api.ws import SessionBoundHandler

TOKEN_COOKIE = "coopbank_token"
MAX_SUBSCRIPTIONS = 10
MAX_BODY_BYTES = 256 * 1024


def public_url() -> str:
    """``COOPBANK_PUBLIC_URL``: where members and staff reach the bank (``https://bank.example``), or ""."""
    return os.environ.get("COOPBANK_PUBLIC_URL", "").strip().rstrip("/")


def https_public_url() -> bool:
    """True when the bank is served over https (cookies must then be ``Secure``)."""
    return public_url().lower().startswith("https://")


def secure_cookies(request: Any) -> bool:
    """Whether cookies must carry ``Secure``: the public URL is https, or this request came over
    https. Behind a TLS-terminating proxy the request itself looks like http, so the public URL
    is what an operator sets."""
    return https_public_url() or getattr(getattr(request, "url", None), "scheme", "") == "https"


def bearer(value: str | None) -> str | None:
    if not value:
        return None
    scheme, _, token = value.strip().partition(" ")
    return token.strip() or None if scheme.lower() == "bearer" else None


class BankGraphQL(GraphQL):
    """The /graphql endpoint."""

    # Every WebSocket lives and dies with its session (graphql_api/ws.py).
    graphql_transport_ws_handler_class = SessionBoundHandler

    def __init__(self, schema: Any) -> None:
        super().__init__(
            schema,
            graphql_ide="graphiql",
            allow_queries_via_get=False,
            subscription_protocols=(GRAPHQL_TRANSPORT_WS_PROTOCOL,),
            connection_init_wait_timeout=timedelta(seconds=10),
            multipart_uploads_enabled=False,
            max_subscriptions_per_connection=MAX_SUBSCRIPTIONS,
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] == "POST":
            headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
            content_type = headers.get("content-type", "").split(";")[0].strip().lower()
            if content_type != "application/json":
                await PlainTextResponse("POST bodies must be application/json", status_code=415)(scope, receive, send)
                return
            length = headers.get("content-length")
            if length is not None and length.isdigit() and int(length) > MAX_BODY_BYTES:
                await PlainTextResponse("request body too large", status_code=413)(scope, receive, send)
                return
        await super().__call__(scope, receive, send)

    async def get_context(self, request: Request | WebSocket, response: Response | WebSocket) -> Context:
        token = None
        if isinstance(request, Request):
            token = bearer(request.headers.get("authorization")) or request.cookies.get(TOKEN_COOKIE)
        principal = await principal_for(token)
        return Context(principal=principal, request=request, response=response, access_token=token if principal else None)

    async def on_ws_connect(self, context: Context) -> Any:
        params = context.connection_params if isinstance(context.connection_params, dict) else {}
        raw = params.get("authorization") or params.get("Authorization")
        token = bearer(raw) if isinstance(raw, str) else None
        principal = await principal_for(token)
        if principal is None:
            raise ConnectionRejectionError({"reason": "sign in first"})
        context.principal = principal
        context.access_token = token
        return {"role": context.role.value}

    async def render_graphql_ide(self, request: Request) -> Response:
        context = await self.get_context(request, Response())
        if not context.is_staff:
            return HTMLResponse("<p>GraphiQL is for signed-in staff and auditors.</p>", status_code=403)
        return await super().render_graphql_ide(request)

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
import time
from datetime import timedelta
from typing import Any

import orjson
from starlette.requests import Request, cookie_parser
from starlette.responses import HTMLResponse, PlainTextResponse, Response
from starlette.types import Message, Receive, Scope, Send
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.exceptions import ConnectionRejectionError
from strawberry.http import process_result
from strawberry.types.graphql import OperationType
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL

from bankcore.members.kyc import document_size_limit
from bankcore.models import PrincipalKind, StaffRole
from bankcore.observability import GRAPHQL_SECONDS, REFUSALS
from graphql_api.auth_cache import principal_for
from graphql_api.context import Context
from graphql_api.fast_exec import execute_trusted
from graphql_api.graphiql import graphiql_html
from graphql_api.trusted import trusted_registry
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


_seen_operations: set[str] = set()
MAX_OPERATION_LABELS = 200


def operation_label(name: str | None) -> str:
    """The operation's name as a metrics label; clients choose names, so their number is capped."""
    if not name or len(name) > 64 or not name.isidentifier():
        return "anonymous"
    if name not in _seen_operations:
        if len(_seen_operations) >= MAX_OPERATION_LABELS:
            return "other"
        _seen_operations.add(name)
    return name


def refusal_codes(result: Any) -> list[str]:
    """Codes of the ``userErrors`` in a result's top-level payloads and of its GraphQL errors."""
    codes: list[str] = []
    for error in getattr(result, "errors", None) or ():
        code = (getattr(error, "extensions", None) or {}).get("code")
        codes.append(code if isinstance(code, str) else "GRAPHQL_ERROR")
    data = getattr(result, "data", None)
    if isinstance(data, dict):
        for payload in data.values():
            if isinstance(payload, dict):
                for user_error in payload.get("userErrors") or ():
                    if isinstance(user_error, dict) and isinstance(user_error.get("code"), str):
                        codes.append(user_error["code"])
    return codes


def bearer(value: str | None) -> str | None:
    if not value:
        return None
    scheme, _, token = value.strip().partition(" ")
    return token.strip() or None if scheme.lower() == "bearer" else None


UPLOADING_ROLES = frozenset({StaffRole.ADMIN, StaffRole.MANAGER, StaffRole.CLERK})  # uploadKycDocument's policy


async def body_limit(headers: dict[str, str]) -> int:
    """The largest POST body accepted from this request's sender, in bytes.

    ``MAX_BODY_BYTES`` (256 KiB) for everyone, which no document of the bank's needs to exceed;
    staff who may upload KYC scans get room for the largest scan the setting
    ``kyc.document_max_bytes`` allows, base64-encoded, plus 64 KiB for the rest of the request.
    The sender is known from the bearer token or session cookie (the same cached lookup the
    request's context makes), so an anonymous client never gets the larger cap.
    """
    token = bearer(headers.get("authorization")) or cookie_parser(headers.get("cookie", "")).get(TOKEN_COOKIE)
    principal = await principal_for(token) if token else None
    if principal is None or principal.kind is not PrincipalKind.STAFF or principal.role not in UPLOADING_ROLES:
        return MAX_BODY_BYTES
    return max(MAX_BODY_BYTES, (await document_size_limit() + 2) // 3 * 4 + 64 * 1024)


class _BodyTooLarge(Exception):
    """The request body went past the cap while it was being read (before any answer was sent)."""


def _capped(receive: Receive, limit: int) -> Receive:
    """``receive`` that raises ``_BodyTooLarge`` once more than ``limit`` body bytes have arrived."""
    received = 0

    async def capped() -> Message:
        nonlocal received
        message = await receive()
        if message["type"] == "http.request":
            received += len(message.get("body", b""))
            if received > limit:
                raise _BodyTooLarge
        return message

    return capped


class _Disconnected(Exception):
    """The client went away before its body was in (there is no one to answer)."""


async def _read_body(receive: Receive) -> bytes:
    """The whole request body (the view reads it whole too, before parsing it)."""
    chunks = []
    while True:
        message = await receive()
        if message["type"] != "http.request":
            raise _Disconnected
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            return b"".join(chunks)


def _replaying(body: bytes, receive: Receive) -> Receive:
    """``receive`` that hands over ``body`` (already read) first, then what the client sends next."""
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay


_POST_KINDS = {kind.value for kind in OperationType.from_http("POST")}


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

    # orjson encodes answers about 5x faster than the standard library's json (the member's
    # 20-line statement: 155 -> 28 us, benchmarks/graphql_edge.py). The view's request bodies stay
    # with json.loads (its refusals of bad JSON are part of the API); _run_trusted tries orjson
    # first (9.6 -> 5.1 us on the member read's body) and leaves what it cannot parse to the view.
    def encode_json(self, data: object) -> str:
        # A str: WebSocket messages go out as text frames (graphql-transport-ws needs them).
        return orjson.dumps(data).decode()

    def create_response(self, response_data: Any, sub_response: Response) -> Response:
        # HTTP answers go out as the encoder's bytes, with no decode and re-encode of a str.
        response = Response(orjson.dumps(response_data), status_code=sub_response.status_code or 200,
                            media_type="application/json")
        response.headers.raw.extend(sub_response.headers.raw)
        if sub_response.background:
            response.background = sub_response.background
        return response

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] == "POST":
            headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
            content_type = headers.get("content-type", "").split(";")[0].strip().lower()
            if content_type != "application/json":
                await PlainTextResponse("POST bodies must be application/json", status_code=415)(scope, receive, send)
                return
            limit = await body_limit(headers)
            length = headers.get("content-length")
            if length is not None and length.isdigit() and int(length) > limit:
                await PlainTextResponse("request body too large", status_code=413)(scope, receive, send)
                return
            # Counted as it arrives too: a chunked body declares no length.
            try:
                body = await _read_body(_capped(receive, limit))
            except _BodyTooLarge:
                await PlainTextResponse("request body too large", status_code=413)(scope, receive, send)
                return
            except _Disconnected:
                return
            replayed = _replaying(body, receive)
            response = await self._run_trusted(scope, replayed, headers, body)
            if response is not None:
                await response(scope, replayed, send)
                return
            await super().__call__(scope, replayed, send)
            return
        await super().__call__(scope, receive, send)

    async def _run_trusted(self, scope: Scope, receive: Receive, headers: dict[str, str], body: bytes) -> Response | None:
        """The answer to a trusted document with a dedicated executor, or None: Strawberry's view runs the request.

        The app's hottest documents (``graphql_api.fast_exec``) skip the view's own per-request
        work (request adapters, body parsing, streaming checks: a third of the CPU of the member
        read once its data came in one query) and run with the same context, policy, price and
        audit, answered in the same shape, counted in the same metrics. Whatever the executor
        does not take (any other text, a refusal, a streaming ``Accept``) goes to the view with
        the body as it came.
        """
        schema = self.schema
        if not getattr(schema, "fast_executors", False):
            return None
        accept = headers.get("accept")
        if accept and self._get_stream_transport_from_headers({"accept": accept}) is not None:
            return None
        try:
            data = orjson.loads(body)  # where it fails, json.loads is left to refuse it as ever
        except orjson.JSONDecodeError:
            return None
        if not isinstance(data, dict) or not isinstance(query := data.get("query"), str):
            return None
        trusted = trusted_registry(schema).get(query)
        variables = data.get("variables")
        if trusted is None or trusted.plan is None or not isinstance(variables, dict | None) \
                or not isinstance(data.get("extensions"), dict | None):
            return None
        request = Request(scope, receive)
        sub_response = await self.get_sub_response(request)
        context = await self.get_context(request, sub_response)
        operation_name = data.get("operationName")
        started = time.perf_counter()
        result = await execute_trusted(schema, trusted, variables, context, operation_name, _POST_KINDS)
        if result is None:
            return None
        GRAPHQL_SECONDS.labels(operation_label(operation_name)).observe(time.perf_counter() - started)
        for code in refusal_codes(result):
            REFUSALS.labels(code).inc()
        return self.create_response(process_result(result), sub_response)

    async def execute_operation(self, request: Any, request_adapter: Any, request_data: Any, context: Any,  # noqa: PLR0913
                                root_value: Any, sub_response: Any) -> Any:
        """Run the operation as Strawberry does, timing it and counting its typed refusals (``/metrics``)."""
        started = time.perf_counter()
        result = await super().execute_operation(request, request_adapter, request_data, context, root_value,
                                                 sub_response)
        name = "batch" if isinstance(request_data, list) else operation_label(request_data.operation_name)
        GRAPHQL_SECONDS.labels(name).observe(time.perf_counter() - started)
        for code in refusal_codes(result):
            REFUSALS.labels(code).inc()
        return result

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

    @property
    def graphql_ide_html(self) -> str:
        """GraphiQL with its assets served by the bank (``graphql_api.graphiql``), never from a CDN."""
        return graphiql_html()

    async def render_graphql_ide(self, request: Request) -> Response:
        context = await self.get_context(request, Response())
        if not context.is_staff:
            return HTMLResponse("<p>GraphiQL is for signed-in staff and auditors.</p>", status_code=403)
        return await super().render_graphql_ide(request)

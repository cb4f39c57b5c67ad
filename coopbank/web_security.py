"""HTTP hygiene for every response of the process: security headers, a Content-Security-Policy
for the pages, read timeouts for slow clients, the public URL and trusted proxies.

* ``SecurityHeaders`` (outermost, every HTTP response): ``Referrer-Policy: same-origin``,
  ``X-Content-Type-Options: nosniff``, ``X-Frame-Options: DENY``, and HSTS when the bank's
  public URL is https. It also cuts off slow request bodies: each chunk must arrive within
  ``BODY_CHUNK_TIMEOUT_S`` and the whole body within ``BODY_TIMEOUT_S``, or the client
  gets 408 and the connection is closed.
* ``PageCSP`` (just inside NiceGUI's gzip, so it sees plain HTML): every HTML page gets a
  fresh nonce on each of its ``<script>`` tags and the policy ``PAGE_CSP``: scripts only
  with that nonce (and what they load, ``'strict-dynamic'``), no framing
  (``frame-ancestors 'none'``), no plugins, no foreign base or form targets. NiceGUI
  needs ``'unsafe-eval'`` (Vue compiles its templates in the browser) and inline styles
  (Quasar and the Tailwind runtime set them): the tightest policy under which every page
  still works in Chromium (tests/ui/test_browser_every_page.py).
* ``HeaderTimeoutProtocol``: uvicorn's httptools protocol with a header read timeout
  (a client that trickles its request line and headers is disconnected after
  ``HEADER_TIMEOUT_S``); uvicorn's own ``timeout_keep_alive`` closes idle connections.
"""

from __future__ import annotations

import asyncio
import os
import re
import secrets
import time
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from graphql_api.http import https_public_url

# COOPBANK_CLIENT_TIMEOUT_S: how long a client may take to send its request head, or any
# chunk of its body (the whole body: three times that).
HEADER_TIMEOUT_S = float(os.environ.get("COOPBANK_CLIENT_TIMEOUT_S", "10"))
BODY_CHUNK_TIMEOUT_S = HEADER_TIMEOUT_S
BODY_TIMEOUT_S = 3 * HEADER_TIMEOUT_S
KEEP_ALIVE_S = 5

PAGE_CSP = (
    "default-src 'self'; "
    "script-src 'nonce-{nonce}' 'strict-dynamic' 'unsafe-eval'; "
    "style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'; media-src 'self' blob:; "
    "worker-src 'self' blob:; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
# GraphiQL (staff only) loads its scripts and styles from the bank itself (graphql_api/graphiql.py):
# no third-party host, no inline script; React and GraphiQL set inline styles.
GRAPHIQL_CSP = (
    "default-src 'self'; script-src 'self'; "
    "style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
_SCRIPT_TAG = re.compile(rb"<script(?=[\s>])", re.IGNORECASE)


def trusted_proxies() -> str:
    """``COOPBANK_TRUSTED_PROXIES``: addresses (or ``*``) whose ``X-Forwarded-For`` is believed; "" for none."""
    return os.environ.get("COOPBANK_TRUSTED_PROXIES", "").strip()


def _header(headers: list[tuple[bytes, bytes]], name: bytes) -> bytes | None:
    for key, value in headers:
        if key.lower() == name:
            return value
    return None


def _set(headers: list[tuple[bytes, bytes]], name: bytes, value: bytes) -> None:
    headers[:] = [(k, v) for k, v in headers if k.lower() != name]
    headers.append((name, value))


class _BodyTimeout(Exception):
    pass


class SecurityHeaders:
    """Outermost ASGI layer: security headers on every response, slow request bodies cut off."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.hsts = https_public_url()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.monotonic()
        body_read = False
        response_started = False

        async def timed_receive() -> Message:
            nonlocal body_read
            if body_read:
                return await receive()
            left_s = BODY_TIMEOUT_S - (time.monotonic() - started)
            try:
                message = await asyncio.wait_for(receive(), max(min(BODY_CHUNK_TIMEOUT_S, left_s), 0.001))
            except TimeoutError:
                raise _BodyTimeout from None
            if message["type"] != "http.request" or not message.get("more_body", False):
                body_read = True
            return message

        async def send_with_headers(message: Message) -> None:
            nonlocal response_started
            if message["type"] == "http.response.start":
                response_started = True
                headers = list(message.get("headers", []))
                _set(headers, b"referrer-policy", b"same-origin")
                _set(headers, b"x-content-type-options", b"nosniff")
                _set(headers, b"x-frame-options", b"DENY")
                if self.hsts:
                    _set(headers, b"strict-transport-security", b"max-age=31536000")
                if scope.get("path") == "/graphql" and (_header(headers, b"content-type") or b"").startswith(b"text/html"):
                    _set(headers, b"content-security-policy", GRAPHIQL_CSP.encode())
                message = {**message, "headers": headers}
            await send(message)

        try:
            await self.app(scope, timed_receive, send_with_headers)
        except _BodyTimeout:
            if not response_started:
                await send_with_headers({"type": "http.response.start", "status": 408, "headers": [
                    (b"content-type", b"text/plain; charset=utf-8"), (b"connection", b"close")]})
                await send({"type": "http.response.body", "body": b"request body too slow"})


class PageCSP:
    """Nonces on the scripts of every HTML page and the ``Content-Security-Policy`` that admits only them."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start: Message | None = None
        chunks: list[bytes] = []

        async def rewrite(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                content_type = _header(list(message.get("headers", [])), b"content-type") or b""
                if content_type.startswith(b"text/html"):
                    start = message  # hold it: the body decides the length
                    return
                await send(message)
                return
            if start is None or message["type"] != "http.response.body":
                await send(message)
                return
            chunks.append(message.get("body", b""))
            if message.get("more_body", False):
                return
            nonce = secrets.token_urlsafe(18)
            body = _SCRIPT_TAG.sub(b'<script nonce="' + nonce.encode() + b'"', b"".join(chunks))
            headers = list(start.get("headers", []))
            _set(headers, b"content-length", str(len(body)).encode())
            _set(headers, b"content-security-policy", PAGE_CSP.format(nonce=nonce).encode())
            await send({**start, "headers": headers})
            await send({"type": "http.response.body", "body": body})

        await self.app(scope, receive, rewrite)


def gzip_with_page_csp(app: ASGIApp) -> ASGIApp:
    """For ``ui.run(gzip_middleware_factory=...)``: NiceGUI's gzip, with ``PageCSP`` just inside it."""
    from starlette.middleware.gzip import GZipMiddleware

    return GZipMiddleware(PageCSP(app))


def header_timeout_protocol() -> Any:
    """uvicorn's httptools protocol with a header read timeout, or "auto" where httptools is missing."""
    try:
        from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol
    except ImportError:  # pragma: no cover - uvicorn[standard] brings httptools
        return "auto"

    class HeaderTimeoutProtocol(HttpToolsProtocol):
        """Disconnects a client that has not sent its whole request head within ``HEADER_TIMEOUT_S``."""

        _head_timer: asyncio.TimerHandle | None = None

        def _arm(self) -> None:
            if self._head_timer is None:
                self._head_timer = self.loop.call_later(HEADER_TIMEOUT_S, self._head_too_slow)

        def _disarm(self) -> None:
            if self._head_timer is not None:
                self._head_timer.cancel()
                self._head_timer = None

        def _head_too_slow(self) -> None:
            self._head_timer = None
            if not self.transport.is_closing():
                self.transport.close()

        def connection_made(self, transport: Any) -> None:  # type: ignore[override]
            super().connection_made(transport)
            self._arm()

        def on_message_begin(self) -> None:
            super().on_message_begin()
            self._arm()

        def on_headers_complete(self) -> None:
            self._disarm()
            super().on_headers_complete()

        def connection_lost(self, exc: Exception | None) -> None:
            self._disarm()
            super().connection_lost(exc)

    return HeaderTimeoutProtocol

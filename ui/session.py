"""Where the UI keeps a signed-in user's session token: an HttpOnly cookie, never page storage.

After sign-in (a websocket event, which cannot set cookies) the token is parked here under
a random one-use nonce for a few seconds, and the browser is sent to ``/session/start``,
an ordinary HTTP route that moves it into the ``coopbank_token`` cookie (HttpOnly,
SameSite=Strict: scripts cannot read it, other sites cannot send it). That is the same
cookie /graphql accepts, so GraphiQL works for staff without pasting a token. Each page
reads the cookie from its request; NiceGUI's ``app.storage.user`` (signed, not encrypted)
holds only the idle timeout.
"""

from __future__ import annotations

import secrets
import time
from datetime import datetime

from fastapi import Request
from fastapi.responses import RedirectResponse
from nicegui import app

from graphql_api.context import DEVICE_COOKIE
from graphql_api.http import TOKEN_COOKIE, secure_cookies

HANDOFF_TTL_S = 30.0
DEVICE_COOKIE_MAX_AGE_S = 5 * 366 * 24 * 3600  # a device stays known for years, as a browser does
_handoff: dict[str, tuple[str, datetime, float, str | None]] = {}


def park(token: str, expires_at: datetime, *, device_id: str | None = None) -> str:
    """Keep ``token`` (and the browser's device id, to store) for one pick-up by ``/session/start``;
    returns the nonce for its URL."""
    now = time.monotonic()
    for key in [k for k, (_, _, t, _) in _handoff.items() if t < now]:
        _handoff.pop(key, None)
    nonce = secrets.token_urlsafe(24)
    _handoff[nonce] = (token, expires_at, now + HANDOFF_TTL_S, device_id)
    return nonce


def token_of(request: Request) -> str | None:
    return request.cookies.get(TOKEN_COOKIE)


def device_id_of(request: Request) -> str:
    """The browser's device id: its ``coopbank_device`` cookie, or a new random one (stored by
    ``/session/start`` after the sign-in that used it, so the next sign-in knows the device)."""
    kept = (request.cookies.get(DEVICE_COOKIE) or "").strip()
    return kept if 0 < len(kept) <= 64 and kept.isprintable() else secrets.token_urlsafe(16)


async def session_start(request: Request, n: str = "") -> RedirectResponse:
    parked = _handoff.pop(n, None)
    if parked is None or parked[2] < time.monotonic():
        return RedirectResponse("/signin?reason=expired", status_code=303)
    token, expires_at, _, device_id = parked
    response = RedirectResponse("/", status_code=303)
    max_age = max(int((expires_at - datetime.now(expires_at.tzinfo)).total_seconds()), 60)
    response.set_cookie(TOKEN_COOKIE, token, max_age=max_age, httponly=True, samesite="strict",
                        secure=secure_cookies(request), path="/")
    if device_id and request.cookies.get(DEVICE_COOKIE) != device_id:
        # A random id, not a secret: it only tells this browser apart from others (known devices).
        response.set_cookie(DEVICE_COOKIE, device_id, max_age=DEVICE_COOKIE_MAX_AGE_S, httponly=True, samesite="lax",
                            secure=secure_cookies(request), path="/")
    return response


async def session_end(request: Request, reason: str = "signed-out") -> RedirectResponse:
    target = "/signin" + (f"?reason={reason}" if reason in ("signed-out", "idle", "expired") else "")
    response = RedirectResponse(target, status_code=303)
    response.delete_cookie(TOKEN_COOKIE, path="/", httponly=True, samesite="strict", secure=secure_cookies(request))
    return response


def register_routes() -> None:
    """Add the two cookie routes (again after NiceGUI's test harness resets its routes)."""
    paths = {getattr(r, "path", None) for r in app.routes}
    if "/session/start" not in paths:
        app.add_api_route("/session/start", session_start, methods=["GET"], include_in_schema=False)
    if "/session/end" not in paths:
        app.add_api_route("/session/end", session_end, methods=["GET"], include_in_schema=False)

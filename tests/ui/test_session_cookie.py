"""The session cookie is Secure whenever the bank's public URL is https (issue 8, item 6),
even when a TLS-terminating proxy forwards plain http."""

from __future__ import annotations

from datetime import timedelta

import pytest
from starlette.requests import Request

from bankcore.identity.clock import utcnow
from ui.session import park, session_end, session_start


def _plain_http_request() -> Request:
    return Request({"type": "http", "method": "GET", "scheme": "http", "path": "/session/start", "query_string": b"",
                    "headers": [(b"host", b"bank.example")], "server": ("bank.example", 80)})


@pytest.mark.parametrize(("public_url", "secure"), [("https://bank.example", True), ("http://127.0.0.1:8080", False), ("", False)])
async def test_session_cookie_is_secure_under_an_https_public_url(
    monkeypatch: pytest.MonkeyPatch, public_url: str, secure: bool
) -> None:
    monkeypatch.setenv("COOPBANK_PUBLIC_URL", public_url)
    nonce = park("a-session-token", utcnow() + timedelta(hours=1))
    started = await session_start(_plain_http_request(), n=nonce)
    ended = await session_end(_plain_http_request())
    for response in (started, ended):
        cookie = response.headers["set-cookie"]
        assert cookie.startswith("coopbank_token=")
        assert ("secure" in cookie.lower()) is secure
        assert "httponly" in cookie.lower() and "samesite=strict" in cookie.lower()


async def test_the_device_id_used_at_sign_in_is_kept_in_a_long_lived_cookie() -> None:
    from ui.session import device_id_of

    fresh = device_id_of(_plain_http_request())  # no cookie yet: a new random id
    assert fresh and fresh != device_id_of(_plain_http_request())
    started = await session_start(_plain_http_request(), n=park("t", utcnow() + timedelta(hours=1), device_id=fresh))
    cookies = started.headers.getlist("set-cookie")
    device = next(c for c in cookies if c.startswith("coopbank_device="))
    assert device.startswith(f"coopbank_device={fresh};") and "httponly" in device.lower() and "max-age=" in device.lower()
    known = Request({**_plain_http_request().scope, "headers": [(b"cookie", f"coopbank_device={fresh}".encode())]})
    assert device_id_of(known) == fresh
    again = await session_start(known, n=park("t", utcnow() + timedelta(hours=1), device_id=fresh))
    assert not any(c.startswith("coopbank_device=") for c in again.headers.getlist("set-cookie"))

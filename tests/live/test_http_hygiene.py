"""HTTP hygiene against a real `coopbank serve` (issue 8, item 6; and item 5's /healthz):
405 on POST /healthz, slow clients cut off, security headers and cookies, the pages'
Content-Security-Policy (loaded in real Chromium by tests/ui/test_browser_every_page.py), costly queries refused while /healthz answers."""

from __future__ import annotations

import asyncio
import re
import socket
import time
from urllib.parse import urlparse

import httpx

from tests.api.test_query_cost import ATTACK
from tests.ledger.factory import make_account, small_bank
from tests.live.server import serve, staff_token

FAST = {"COOPBANK_CLIENT_TIMEOUT_S": "1", "COOPBANK_PUBLIC_URL": "https://bank.example"}


def _raw(base: str, payload: bytes, wait_s: float) -> tuple[bytes, float]:
    """Send ``payload`` and read until the server closes; (what it answered, seconds it took)."""
    url = urlparse(base)
    started = time.monotonic()
    with socket.create_connection((url.hostname, url.port), timeout=wait_s) as sock:
        sock.sendall(payload)
        answer = b""
        while chunk := sock.recv(4096):
            answer += chunk
    return answer, time.monotonic() - started


async def test_http_hygiene(db: str) -> None:
    await small_bank()
    await make_account("SB0", deposit="10.00")
    auditor = await staff_token("auditor")
    with serve(db, **FAST) as base:
        async with httpx.AsyncClient(base_url=base) as client:
            # POST /healthz is a 405, not a 500
            post = await client.post("/healthz")
            assert (post.status_code, post.headers["allow"]) == (405, "GET, HEAD")
            # pages carry a CSP with a nonce on every script, no framing, a referrer policy
            page = await client.get("/signin")
            csp = page.headers["content-security-policy"]
            nonce = re.search(r"'nonce-([^']+)'", csp).group(1)
            assert "frame-ancestors 'none'" in csp and "'unsafe-inline'" not in csp.split("style-src")[0]
            scripts = re.findall(r"<script[^>]*>", page.text)
            assert scripts and all(f'nonce="{nonce}"' in tag for tag in scripts)
            assert page.headers["referrer-policy"] == "same-origin"
            assert page.headers["x-frame-options"] == "DENY"
            assert (await client.get("/signin")).headers["content-security-policy"] != csp  # a fresh nonce per page
            # NiceGUI's storage cookie is Secure under an https public URL and lives no longer than a staff session
            storage_cookie = [c for c in page.headers.get_list("set-cookie") if c.startswith("session=")]
            assert storage_cookie and "secure" in storage_cookie[0].lower() and "Max-Age=43200" in storage_cookie[0]
            # heavy reads are refused at once, and /healthz keeps answering meanwhile
            headers = {"authorization": f"Bearer {auditor}"}
            attacks = [client.post("/graphql", json={"query": ATTACK}, headers=headers) for _ in range(20)]
            results = await asyncio.gather(*attacks, client.get("/healthz", timeout=10))
            assert results[-1].json() == {"status": "ok"}
            for response in results[:-1]:
                body = response.json()
                assert body["errors"][0]["extensions"]["code"] == "QUERY_TOO_COSTLY"
                assert body["extensions"]["cost"]["requestedQueryCost"] > 1000
            cheap = (await client.post("/graphql", json={"query": "{ me { role } }"}, headers=headers)).json()
            assert cheap["extensions"]["cost"]["actualQueryCost"] == 1
        # a client that trickles its headers, or never sends the body it announced, is cut off
        answer, took_s = _raw(base, b"GET /signin HTTP/1.1\r\nHost: bank\r\nX-Slow: ", wait_s=20)
        assert answer == b"" and took_s < 15
        head = b"POST /graphql HTTP/1.1\r\nHost: bank\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"
        answer, took_s = _raw(base, head, wait_s=20)
        assert answer.startswith(b"HTTP/1.1 408") and took_s < 15

"""HTTP hygiene against a real `coopbank serve` (issue 8, item 6; and item 5's /healthz):
405 on POST /healthz, slow clients cut off, security headers and cookies, the pages'
Content-Security-Policy in real Chromium, costly queries refused while /healthz answers."""

from __future__ import annotations

import asyncio
import re
import socket
import time
from urllib.parse import urlparse

import httpx
import pytest

from bankcore.identity.clock import utcnow
from bankcore.identity.sessions import open_session
from bankcore.models import Member, PrincipalKind, StaffRole, StaffUser
from tests.api.test_query_cost import ATTACK
from tests.conftest import BACKEND
from tests.ledger.factory import make_account, make_member, small_bank
from tests.live.server import serve, staff_token
from tests.ui.browser import chrome, chromium_missing

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


@pytest.mark.chromium
@pytest.mark.skipif(chromium_missing() is not None, reason=chromium_missing() or "")
@pytest.mark.skipif(BACKEND == "postgres", reason="the pages' CSP does not depend on the database: run once, on SQLite")
async def test_every_page_loads_under_the_csp_in_chromium(db: str) -> None:
    # given an admin (every staff page draws for them, or its refusal) and a member with an account
    from ui.frame import MEMBER_NAV, STAFF_NAV

    await small_bank()
    number = await make_member("Asha Rao")
    await make_account("SB0", owner=number, deposit="100.00")
    member = await Member.get(member_number=number)
    people = []
    admin = await StaffUser.create(username="csp-admin", full_name="CSP", role=StaffRole.ADMIN, password_hash="x", active=True)
    people.append(((await open_session(kind=PrincipalKind.STAFF, principal_id=admin.id, now=utcnow())).token, STAFF_NAV))
    people.append(((await open_session(kind=PrincipalKind.MEMBER, principal_id=member.id, now=utcnow())).token, MEMBER_NAV))
    with serve(db) as base:
        driver = chrome()
        try:
            driver.get(f"{base}/signin")
            _wait_for_app(driver)
            visited = 0
            for token, nav in people:
                driver.delete_all_cookies()
                driver.add_cookie({"name": "coopbank_token", "value": token, "path": "/"})
                for item in nav:
                    driver.get(base + item.path)
                    _wait_for_app(driver)
                    visited += 1
            # then no page met a CSP refusal (or any other console error)
            errors = [e["message"] for e in driver.get_log("browser") if e["level"] == "SEVERE" or "Content Security Policy" in e["message"]]
            assert not errors, errors
            assert visited == len(STAFF_NAV) + len(MEMBER_NAV)
        finally:
            driver.quit()


def _wait_for_app(driver) -> None:  # noqa: ANN001
    """Until NiceGUI's Vue app has mounted and drawn the page (the scripts the CSP must allow ran)."""
    from selenium.webdriver.support.ui import WebDriverWait

    WebDriverWait(driver, 20, poll_frequency=0.1).until(
        lambda d: d.execute_script("return !!document.querySelector('#app .q-layout, #app .nicegui-content')"))
    time.sleep(0.3)  # let late scripts (socket.io connect) report to the console

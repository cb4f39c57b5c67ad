"""GraphiQL works without the Internet (issue 9, item 9): the page names no external URL, every
script and style it names is served by the bank, and in headless Chromium it draws and runs a
query under the page's Content-Security-Policy."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import httpx
import pytest

from graphql_api.graphiql import ASSETS_DIR, graphiql_html
from tests.conftest import BACKEND
from tests.live.server import serve, staff_token
from tests.ui.browser import chrome, chromium_missing


class _Refs(HTMLParser):
    """Every src/href of the page's tags."""

    def __init__(self) -> None:
        super().__init__()
        self.refs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.refs += [value for name, value in attrs if name in ("src", "href") and value]


def _refs(html: str) -> list[str]:
    parser = _Refs()
    parser.feed(html)
    return parser.refs


def test_the_page_names_only_files_shipped_in_the_package() -> None:
    html = graphiql_html()
    assert not re.search(r"https?://", html), "the GraphiQL page must not load anything from another host"
    assets = [r for r in _refs(html) if not r.startswith("data:")]
    assert len(assets) == 8  # 3 stylesheets, 5 scripts
    for ref in assets:
        assert ref.startswith("/graphiql-assets/")
        assert (ASSETS_DIR / ref.removeprefix("/graphiql-assets/")).is_file(), ref
    readme = (ASSETS_DIR / "README.md").read_text()
    for pinned in ("graphiql` | 3.8.3", "plugin-explorer` | 1.0.2", "react` | 18.2.0", "react-dom` | 18.2.0"):
        assert pinned in readme


async def test_graphiql_is_served_by_the_bank_and_runs_offline(db: str) -> None:
    token = await staff_token("auditor")
    with serve(db) as base:
        async with httpx.AsyncClient(base_url=base) as client:
            # given a signed-in auditor, when they open /graphql in a browser
            page = await client.get("/graphql", headers={"accept": "text/html", "authorization": f"Bearer {token}"})
            assert page.status_code == 200 and "graphiql" in page.text.lower()
            # then the page names no external URL, and its CSP admits none
            assert not re.search(r"https?://", page.text)
            csp = page.headers["content-security-policy"]
            assert "http" not in csp and "unpkg" not in csp and "script-src 'self';" in csp
            # and every asset it names answers 200 from the bank, compressed, with the right type
            assets = [r for r in _refs(page.text) if not r.startswith("data:")]
            for ref in assets:
                answer = await client.get(ref, headers={"accept-encoding": "gzip"})
                assert answer.status_code == 200, ref
                kind = "javascript" if ref.endswith(".js") else "css"
                assert kind in answer.headers["content-type"], (ref, answer.headers["content-type"])
            big = await client.get("/graphiql-assets/graphiql.min.js", headers={"accept-encoding": "gzip"})
            assert big.headers.get("content-encoding") == "gzip"
            # only the page's scripts and styles are served from that folder, nothing else
            assert (await client.get("/graphiql-assets/README.md")).status_code == 404
            assert (await client.get("/graphiql-assets/../http.py")).status_code == 404
            # a member or a stranger still gets no GraphiQL
            assert (await client.get("/graphql", headers={"accept": "text/html"})).status_code == 403

        if chromium_missing():
            pytest.skip(chromium_missing())
        if BACKEND != "sqlite":
            return  # the browser half runs once per CI run (tests/ui/browser.py browser_test), on SQLite
        driver = chrome()
        try:
            from selenium.webdriver.support.ui import WebDriverWait

            driver.get(f"{base}/healthz")
            driver.add_cookie({"name": "coopbank_token", "value": token, "path": "/"})
            driver.get(f"{base}/graphql")
            # GraphiQL drew its editor and the Run button, from the bank's files alone
            WebDriverWait(driver, 30, poll_frequency=0.1).until(
                lambda d: d.execute_script("return !!document.querySelector('.graphiql-execute-button')"))
            driver.execute_script("document.querySelector('.graphiql-execute-button').click()")
            WebDriverWait(driver, 20, poll_frequency=0.1).until(
                lambda d: '"role"' in (d.execute_script(
                    "return document.querySelector('.result-window')?.innerText || ''") or ""))
            loaded = driver.execute_script(
                "return performance.getEntriesByType('resource').map(e => e.name)")
            assert loaded and all(url.startswith(base) for url in loaded), loaded
            errors = [e["message"] for e in driver.get_log("browser")
                      if e["level"] == "SEVERE" or "Content Security Policy" in e["message"]]
            assert not errors, errors
        finally:
            driver.quit()

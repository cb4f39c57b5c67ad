"""/metrics, request ids and JSON logs, through the real outermost ASGI layer."""

from __future__ import annotations

import json
import logging

import httpx
import pytest
from starlette.responses import PlainTextResponse

from coopbank.app import ApiShortcut
from coopbank.logs import RequestIdFilter, configure_logging, request_id

SIGN_IN = """mutation WrongPassword($login: String!) {
  signInWithPassword(kind: STAFF, login: $login, password: "not-the-password") { userErrors { code } }
}"""


def _client(address: str = "127.0.0.1") -> httpx.AsyncClient:
    async def web_app(scope, receive, send):  # noqa: ANN001 - the NiceGUI app stands in
        await PlainTextResponse(f"page {request_id.get()}")(scope, receive, send)

    transport = httpx.ASGITransport(ApiShortcut(web_app), client=(address, 5000))
    return httpx.AsyncClient(transport=transport, base_url="http://bank.test")


def _sample(text: str, name: str, **labels: str) -> float:
    wanted = ",".join(f'{k}="{v}"' for k, v in labels.items())
    for line in text.splitlines():
        if line.startswith(f"{name}{{{wanted}}}") or (not labels and line.startswith(f"{name} ")):
            return float(line.rsplit(" ", 1)[1])
    return 0.0


async def test_metrics_count_operations_and_refusals_by_code(db: str) -> None:
    async with _client() as client:
        before = (await client.get("/metrics")).text
        for _ in range(2):
            answer = await client.post("/graphql", json={"query": SIGN_IN, "operationName": "WrongPassword",
                                                         "variables": {"login": "nobody"}})
            assert answer.json()["data"]["signInWithPassword"]["userErrors"][0]["code"] == "INVALID_CREDENTIALS"
        metrics = await client.get("/metrics")
    assert metrics.status_code == 200
    assert metrics.headers["content-type"].startswith("text/plain")
    after = metrics.text
    count = "coopbank_graphql_request_seconds_count"
    assert _sample(after, count, operation="WrongPassword") - _sample(before, count, operation="WrongPassword") == 2
    refused = "coopbank_refusals_total"
    assert _sample(after, refused, code="INVALID_CREDENTIALS") - _sample(before, refused, code="INVALID_CREDENTIALS") == 2
    assert "coopbank_db_pool_connections" in after
    assert "coopbank_day_end_step_seconds" in after


async def test_postings_are_counted(db: str) -> None:
    from tests.ledger.factory import make_account, small_bank

    async with _client() as client:
        before = _sample((await client.get("/metrics")).text, "coopbank_entries_posted_total", entry_type="cash_deposit")
        await small_bank()
        await make_account(deposit="100.00")
        after = _sample((await client.get("/metrics")).text, "coopbank_entries_posted_total", entry_type="cash_deposit")
    assert after - before == 1


async def test_metrics_are_refused_to_outsiders_and_need_the_token_when_one_is_set(db: str, monkeypatch) -> None:  # noqa: ANN001
    async with _client("203.0.113.9") as outsider:
        assert (await outsider.get("/metrics")).status_code == 403
        monkeypatch.setenv("COOPBANK_METRICS_TOKEN", "s3cret-scrape")
        assert (await outsider.get("/metrics", headers={"Authorization": "Bearer wrong"})).status_code == 403
        assert (await outsider.get("/metrics", headers={"Authorization": "Bearer s3cret-scrape"})).status_code == 200
        assert (await outsider.post("/metrics")).status_code == 405
    async with _client() as local:  # with a token set, loopback needs it too
        assert (await local.get("/metrics")).status_code == 403


async def test_every_response_carries_a_request_id_and_a_safe_client_id_is_kept(db: str) -> None:
    async with _client() as client:
        fresh = await client.get("/some/page")
        kept = await client.get("/some/page", headers={"X-Request-ID": "till-7.42"})
        unsafe = await client.get("/healthz", headers={"X-Request-ID": "a b\"<script>"})
    assert len(fresh.headers["x-request-id"]) == 32
    assert fresh.text == f"page {fresh.headers['x-request-id']}"  # the handler saw the same id
    assert kept.headers["x-request-id"] == "till-7.42"
    assert unsafe.headers["x-request-id"] != "a b\"<script>" and len(unsafe.headers["x-request-id"]) == 32


def test_json_log_lines_carry_the_request_id(capsys: pytest.CaptureFixture[str]) -> None:
    root = logging.getLogger()
    saved, level = root.handlers[:], root.level
    try:
        configure_logging("json")
        token = request_id.set("req-123")
        try:
            logging.getLogger("coopbank.test").warning("posted %d entries", 3)
        finally:
            request_id.reset(token)
        line = capsys.readouterr().err.strip().splitlines()[-1]
    finally:
        root.handlers[:], root.level = saved, level
    record = json.loads(line)
    assert record["message"] == "posted 3 entries"
    assert record["request_id"] == "req-123"
    assert record["level"] == "WARNING" and record["logger"] == "coopbank.test"
    assert isinstance(RequestIdFilter(), logging.Filter)


def test_a_report_pdf_logs_no_font_subsetting_chatter(capsys: pytest.CaptureFixture[str]) -> None:
    # fontTools logged a dozen INFO lines per PDF ("Glyph names: ...", "Closing glyph list ...") into
    # the server's log: noise for an operator, and enough output to fill an unread pipe and hang the
    # server in its next write.
    from fpdf import FPDF

    from graphql_api.pdf_fonts import add_fonts

    root = logging.getLogger()
    saved, level = root.handlers[:], root.level
    try:
        configure_logging("text")
        pdf = FPDF()
        add_fonts(pdf)
        pdf.add_page()
        pdf.set_font("DejaVu", "", 10)
        pdf.cell(0, 5, "Trial balance ₹1,00,000.00 मेरे खाते")
        assert bytes(pdf.output()).startswith(b"%PDF")
        logged = capsys.readouterr().err
    finally:
        root.handlers[:], root.level = saved, level
    assert "fontTools" not in logged, logged[:500]

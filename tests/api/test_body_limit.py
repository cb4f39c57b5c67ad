"""The /graphql body cap holds whether or not the client declares the body's length."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import orjson

from graphql_api.http import MAX_BODY_BYTES, BankGraphQL
from graphql_api.schema import schema


def _client() -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(BankGraphQL(schema)), base_url="http://bank.test")


def _document(size: int) -> bytes:
    """A valid request that the API would answer, padded to about ``size`` bytes."""
    return orjson.dumps({"query": "{ __typename }", "extensions": {"pad": "x" * size}})


async def _chunks(body: bytes) -> AsyncIterator[bytes]:
    for start in range(0, len(body), 16 * 1024):
        yield body[start:start + 16 * 1024]


async def test_a_small_request_is_answered() -> None:
    async with _client() as client:
        answer = await client.post("/graphql", content=_document(1000), headers={"content-type": "application/json"})
    assert answer.status_code == 200 and answer.json()["data"] == {"__typename": "Query"}


async def test_a_declared_oversized_body_is_refused_unread() -> None:
    async with _client() as client:
        answer = await client.post("/graphql", content=_document(MAX_BODY_BYTES),
                                   headers={"content-type": "application/json"})
    assert answer.status_code == 413


async def test_a_chunked_body_is_capped_as_it_arrives() -> None:
    """No Content-Length (chunked transfer): the cap is counted on the bytes received, so a client
    cannot make the server buffer an unbounded body by not declaring its size."""
    async with _client() as client:
        answer = await client.post("/graphql", content=_chunks(_document(MAX_BODY_BYTES * 4)),
                                   headers={"content-type": "application/json"})
    assert answer.status_code == 413
    async with _client() as client:  # and a small chunked body still goes through
        answer = await client.post("/graphql", content=_chunks(_document(1000)),
                                   headers={"content-type": "application/json"})
    assert answer.status_code == 200


async def _token(user_id: int, role: str) -> str:
    from bankcore.identity.clock import utcnow
    from bankcore.identity.sessions import open_session
    from bankcore.models import PrincipalKind, StaffRole, StaffUser

    await StaffUser.create(id=user_id, username=f"{role}{user_id}", full_name=f"{role.title()} {user_id}",
                           role=StaffRole(role), password_hash="not-used", active=True)
    return (await open_session(kind=PrincipalKind.STAFF, principal_id=user_id, now=utcnow())).token


async def test_kyc_staff_may_send_a_scan_larger_than_the_general_cap(db: str, document_folder) -> None:  # noqa: ANN001
    """A 1 MiB scan (1.4 MiB as base64) goes through for a clerk; the same body from anyone
    else is refused before it is read, so the larger cap is no gift to anonymous senders."""
    from tests.api.test_kyc_api import UPLOAD, _registered_by_clerk_5, b64
    from tests.members.samples import PDF

    number = await _registered_by_clerk_5()
    scan = PDF.replace(b"trailer", b"%" + b"x" * (1024 * 1024) + b"\ntrailer")
    body = orjson.dumps({"query": UPLOAD, "variables": {"input": {
        "memberNumber": number, "docType": "PAN", "reference": "ABCPI1234K", "contentBase64": b64(scan)}}})
    assert len(body) > MAX_BODY_BYTES * 4
    clerk, cashier = await _token(21, "clerk"), await _token(22, "cashier")
    async with _client() as client:
        for token in (None, cashier):
            headers = {"content-type": "application/json", **({"authorization": f"Bearer {token}"} if token else {})}
            assert (await client.post("/graphql", content=body, headers=headers)).status_code == 413
        answer = await client.post("/graphql", content=body, headers={
            "content-type": "application/json", "authorization": f"Bearer {clerk}"})
    assert answer.status_code == 200
    uploaded = answer.json()["data"]["uploadKycDocument"]
    assert uploaded["userErrors"] == [] and uploaded["document"]["sizeBytes"] == len(scan)

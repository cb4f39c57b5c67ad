"""Partner API clients: secret shown once, tokens limited to a subset of the client's scopes."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bankcore.errors import DomainError, ErrorCode
from bankcore.identity.partners import (
    KNOWN_SCOPES,
    create_api_client,
    deactivate_api_client,
    issue_client_token,
    validate_scopes,
)
from bankcore.identity.sessions import PARTNER_TOKEN_TTL_S, authenticate
from bankcore.identity.staff import create_staff_user
from bankcore.models import ApiClient, PrincipalKind, StaffRole
from tests.identity.conftest import PASSWORD, T0


async def _client(scopes=("accounts:read", "entries:read")):
    admin = await create_staff_user(username="admin1", full_name="Admin One", role=StaffRole.ADMIN,
                                    password=PASSWORD, actor="test")
    return await create_api_client(name="UPI gateway", scopes=scopes, created_by=admin.user.id)


async def _error(call) -> ErrorCode:
    with pytest.raises(DomainError) as caught:
        await call
    return caught.value.code


async def test_secret_is_stored_hashed_only(db: str) -> None:
    new = await _client()
    row = await ApiClient.get(id=new.client.id)
    assert new.client_secret not in (row.secret_hash, row.client_id)
    assert len(new.client_secret) >= 43


async def test_token_is_limited_to_requested_subset(db: str) -> None:
    new = await _client()
    token = await issue_client_token(client_id=new.client.client_id, client_secret=new.client_secret,
                                     scopes=["accounts:read"], now=T0)
    principal = await authenticate(token.token, now=T0)
    assert principal.kind is PrincipalKind.PARTNER
    assert principal.scopes == frozenset({"accounts:read"})
    assert principal.client_id == new.client.client_id
    everything = await issue_client_token(client_id=new.client.client_id, client_secret=new.client_secret, now=T0)
    assert everything.scopes == frozenset({"accounts:read", "entries:read"})
    assert token.expires_at == T0 + timedelta(seconds=PARTNER_TOKEN_TTL_S)
    assert await authenticate(token.token, now=token.expires_at) is None


async def test_scopes_beyond_the_grant_or_unknown_are_refused(db: str) -> None:
    new = await _client()
    creds = {"client_id": new.client.client_id, "client_secret": new.client_secret, "now": T0}
    assert await _error(issue_client_token(**creds, scopes=["transfers:write"])) is ErrorCode.INVALID_SCOPE
    assert await _error(issue_client_token(**creds, scopes=["admin:everything"])) is ErrorCode.INVALID_SCOPE
    assert await _error(issue_client_token(**creds, scopes=[])) is ErrorCode.INVALID_SCOPE
    with pytest.raises(DomainError):
        validate_scopes(["accounts:read", "accounts:write"])
    assert validate_scopes(KNOWN_SCOPES) == frozenset(KNOWN_SCOPES)


async def test_bad_credentials_answer_alike_and_deactivation_ends_tokens(db: str) -> None:
    new = await _client()
    assert await _error(issue_client_token(client_id="pc_unknown", client_secret=new.client_secret, now=T0)) \
        is ErrorCode.INVALID_CREDENTIALS
    assert await _error(issue_client_token(client_id=new.client.client_id, client_secret="guess", now=T0)) \
        is ErrorCode.INVALID_CREDENTIALS
    token = await issue_client_token(client_id=new.client.client_id, client_secret=new.client_secret, now=T0)
    assert await deactivate_api_client(client_id=new.client.client_id, actor="staff:1", now=T0) == 1
    assert await authenticate(token.token, now=T0) is None
    assert await _error(issue_client_token(client_id=new.client.client_id, client_secret=new.client_secret, now=T0)) \
        is ErrorCode.INVALID_CREDENTIALS


async def test_create_validates_scopes(db: str) -> None:
    assert await _error(_client(scopes=("accounts:read", "root"))) is ErrorCode.INVALID_SCOPE

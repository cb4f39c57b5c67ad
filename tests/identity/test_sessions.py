"""Sessions: idle and absolute expiry, refresh rotation, reuse detection, revocation events."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from bankcore.errors import DomainError, ErrorCode
from bankcore.events import SessionRevoked, broker
from bankcore.identity.sessions import (
    STAFF_ABSOLUTE_TIMEOUT_S,
    STAFF_IDLE_TIMEOUT_S,
    TOUCH_INTERVAL_S,
    authenticate,
    open_session,
    refresh_session,
    revoke_session,
    revoke_sessions_of,
    sign_out,
)
from bankcore.identity.staff import create_staff_user
from bankcore.models import AuthSession, PrincipalKind, StaffRole
from tests.identity.conftest import PASSWORD, T0


async def _staff_session():
    created = await create_staff_user(username="meera", full_name="Meera Iyer", role=StaffRole.MANAGER,
                                      password=PASSWORD, actor="test", now=T0)
    return created.user, await open_session(kind=PrincipalKind.STAFF, principal_id=created.user.id, now=T0)


async def test_idle_timeout_and_activity_keeps_it_alive(db: str) -> None:
    _, session = await _staff_session()
    idle = timedelta(seconds=STAFF_IDLE_TIMEOUT_S)
    assert await authenticate(session.token, now=T0 + idle - timedelta(seconds=1)) is not None
    # That request counted as activity: the idle window starts again from it.
    assert await authenticate(session.token, now=T0 + 2 * idle - timedelta(seconds=2)) is not None
    assert await authenticate(session.token, now=T0 + 3 * idle) is None


async def test_idle_expiry_without_activity(db: str) -> None:
    _, session = await _staff_session()
    assert await authenticate(session.token, now=T0 + timedelta(seconds=STAFF_IDLE_TIMEOUT_S)) is None


async def test_last_seen_writes_are_throttled(db: str) -> None:
    _, session = await _staff_session()
    await authenticate(session.token, now=T0 + timedelta(seconds=TOUCH_INTERVAL_S - 1))
    assert (await AuthSession.get(id=session.session_id)).last_seen_at == T0
    await authenticate(session.token, now=T0 + timedelta(seconds=TOUCH_INTERVAL_S))
    assert (await AuthSession.get(id=session.session_id)).last_seen_at == T0 + timedelta(seconds=TOUCH_INTERVAL_S)


async def test_absolute_expiry_despite_activity(db: str) -> None:
    _, session = await _staff_session()
    moment = T0
    end = T0 + timedelta(seconds=STAFF_ABSOLUTE_TIMEOUT_S)
    while moment + timedelta(minutes=10) < end:
        moment += timedelta(minutes=10)
        assert await authenticate(session.token, now=moment) is not None
    assert await authenticate(session.token, now=end) is None
    with pytest.raises(DomainError) as caught:
        await refresh_session(refresh_token=session.refresh_token, now=end)
    assert caught.value.code is ErrorCode.SESSION_EXPIRED


async def test_refresh_rotates_both_tokens(db: str) -> None:
    _, session = await _staff_session()
    later = T0 + timedelta(minutes=5)
    renewed = await refresh_session(refresh_token=session.refresh_token, now=later)
    assert renewed.session_id == session.session_id
    assert renewed.token != session.token and renewed.refresh_token != session.refresh_token
    assert await authenticate(session.token, now=later) is None
    assert (await authenticate(renewed.token, now=later)).session_id == session.session_id
    again = await refresh_session(refresh_token=renewed.refresh_token, now=later + timedelta(minutes=5))
    assert again.expires_at == session.expires_at  # refreshing never extends the absolute expiry


async def test_refresh_of_an_idle_session_is_refused(db: str) -> None:
    _, session = await _staff_session()
    with pytest.raises(DomainError) as caught:
        await refresh_session(refresh_token=session.refresh_token, now=T0 + timedelta(seconds=STAFF_IDLE_TIMEOUT_S))
    assert caught.value.code is ErrorCode.SESSION_EXPIRED


async def test_reused_refresh_token_revokes_the_family_and_publishes(db: str) -> None:
    _, session = await _staff_session()
    later = T0 + timedelta(minutes=1)
    renewed = await refresh_session(refresh_token=session.refresh_token, now=later)
    async with broker.subscribe("sessions") as queue:
        with pytest.raises(DomainError) as caught:
            await refresh_session(refresh_token=session.refresh_token, now=later)  # the stolen copy
        assert caught.value.code is ErrorCode.REFRESH_REUSED
        event = queue.get_nowait()
    assert event == SessionRevoked(session.session_id, "staff", session.principal_id, "refresh token reused")
    # The legitimate holder's newer tokens are dead too.
    assert await authenticate(renewed.token, now=later) is None
    with pytest.raises(DomainError) as caught:
        await refresh_session(refresh_token=renewed.refresh_token, now=later)
    assert caught.value.code is ErrorCode.REFRESH_REUSED or caught.value.code is ErrorCode.SESSION_EXPIRED


async def test_unknown_refresh_token(db: str) -> None:
    with pytest.raises(DomainError) as caught:
        await refresh_session(refresh_token="not-a-token", now=T0)
    assert caught.value.code is ErrorCode.INVALID_CREDENTIALS


async def test_sign_out_and_revocation_take_effect_at_once_with_an_event(db: str) -> None:
    user, first = await _staff_session()
    second = await open_session(kind=PrincipalKind.STAFF, principal_id=user.id, now=T0)
    third = await open_session(kind=PrincipalKind.STAFF, principal_id=user.id, now=T0)
    async with broker.subscribe(f"session:{first.session_id}") as mine, broker.subscribe("sessions") as every:
        assert await sign_out(token=first.token, now=T0)
        assert (await asyncio.wait_for(mine.get(), 1)).session_id == first.session_id
        assert await authenticate(first.token, now=T0) is None
        assert not await sign_out(token=first.token, now=T0)
        assert await revoke_session(session_id=second.session_id, reason="revoked by admin", actor="staff:1", now=T0)
        assert await revoke_sessions_of(kind=PrincipalKind.STAFF, principal_id=user.id, reason="sign out everywhere",
                                        actor="staff:1", now=T0) == 1
        revoked = [every.get_nowait().session_id for _ in range(3)]
    assert revoked == [first.session_id, second.session_id, third.session_id]
    assert await authenticate(third.token, now=T0) is None
    row = await AuthSession.get(id=second.session_id)
    assert (row.revoked_at, row.revoked_reason) == (T0, "revoked by admin")


async def test_bad_tokens_authenticate_as_nobody(db: str) -> None:
    assert await authenticate(None) is None
    assert await authenticate("") is None
    assert await authenticate("x" * 43, now=T0) is None

"""An open WebSocket dies with its session (issue 8, item 1), against real `coopbank serve` processes.

Sign-out, an admin's revocation, idle and absolute expiry, a partner token's expiry,
deactivation and role change each close the socket (4401: the session ended by its own
rules; 4403: someone ended it), and every operation on a socket re-checks the session.
"""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
import websockets

from bankcore.identity.clock import hash_token, utcnow
from bankcore.identity.partners import create_api_client
from bankcore.identity.sessions import open_session, revoke_sessions_of
from bankcore.identity.staff import deactivate_staff_user
from bankcore.models import AuthSession, JournalEntry, PrincipalKind, StaffRole, StaffUser
from tests.ledger.factory import make_account, make_member, small_bank
from tests.live.server import init, post, receive, serve, staff_token, subscribe, ws

BALANCE = "subscription Balance($n: String!) { balanceChanged(accountNumber: $n) { balance { amount } } }"
ME = "query { me { kind role } }"
DEPOSIT = """mutation($n: String!, $k: String!) { depositCash(input: {accountNumber: $n,
  amount: {amount: "25.00", currency: "INR"}, idempotencyKey: $k}) { userErrors { code } } }"""


async def closed_with(conn: websockets.ClientConnection, timeout_s: float = 10) -> tuple[int, str]:
    """Read until the server closes the socket; its close code and reason (fails if it stays open)."""
    with pytest.raises(websockets.ConnectionClosed) as closed:
        while True:
            await receive(conn, timeout_s)
    assert closed.value.rcvd is not None, "the client, not the server, closed the socket"
    return closed.value.rcvd.code, closed.value.rcvd.reason


async def session_of(token: str) -> AuthSession:
    return await AuthSession.get(token_hash=hash_token(token))


async def test_a_socket_dies_with_its_session(db: str) -> None:
    """One server for every way a session ends on one instance (a server takes seconds to start)."""
    await small_bank()
    number = await make_account("SB0")
    with serve(db) as base:
        await _sign_out_and_an_admins_revocation_close_the_socket(base, number)
        await _every_operation_on_a_socket_rechecks_the_session(base, number)
        await _idle_absolute_and_partner_token_expiry_close_the_socket(base)


async def _sign_out_and_an_admins_revocation_close_the_socket(base: str, number: str) -> None:
    # given a cashier with a live balance on an open socket, and a clerk's socket
    cashier, victim, admin = await staff_token("cashier"), await staff_token("clerk"), await staff_token("admin")
    async with ws(base) as conn, ws(base) as other:
        assert (await init(conn, cashier))["type"] == "connection_ack"
        await subscribe(conn, "b", BALANCE, n=number)
        await receive(conn)
        assert (await init(other, victim))["type"] == "connection_ack"
        # when the cashier signs out over HTTP, as the web app does
        assert (await post(base, cashier, "mutation { signOut { signedOut } }"))["data"]["signOut"]["signedOut"]
        # then the socket itself is closed, not only its subscription: sign in again
        assert await closed_with(conn) == (4401, "session signed-out")
        # when an admin revokes the clerk's session
        victim_session = await session_of(victim)
        revoked = await post(base, admin, "mutation($s: ID!) { revokeSession(sessionId: $s) { revoked } }", s=str(victim_session.id))
        assert revoked["data"]["revokeSession"]["revoked"] is True
        # then the clerk's socket is closed as forbidden
        assert await closed_with(other) == (4403, "session revoked")


async def _every_operation_on_a_socket_rechecks_the_session(base: str, number: str) -> None:
    # given a cashier whose socket answers `me`
    token = await staff_token("cashier")
    async with ws(base) as conn:
        await init(conn, token)
        await subscribe(conn, "1", ME)
        assert (await receive(conn))["payload"]["data"]["me"]["role"] == "cashier"
        await receive(conn)  # complete
        # when the session is revoked behind the socket's back (no event reaches the server)
        session = await session_of(token)
        await AuthSession.filter(id=session.id).update(revoked_at=utcnow(), revoked_reason="revoked by admin")
        # then the next operation does not run: the socket closes instead
        await subscribe(conn, "2", DEPOSIT, n=number, k="after-revocation")
        assert (await closed_with(conn))[0] == 4403
    assert not await JournalEntry.filter(idempotency_key="after-revocation").exists()


async def _idle_absolute_and_partner_token_expiry_close_the_socket(base: str) -> None:
    # given three sessions about to end by themselves: idle, absolute, a partner's token
    owner = await make_member("Partner Owner")
    idle, absolute = await staff_token("cashier"), await staff_token("manager")
    admin = await StaffUser.create(username="admin-p", full_name="Admin", role=StaffRole.ADMIN, password_hash="x", active=True)
    client = await create_api_client(name="App", scopes=["accounts:read"], created_by=admin.id, member_number=owner)
    partner = await open_session(kind=PrincipalKind.PARTNER, principal_id=client.client.id, now=utcnow(),
                                 scopes=frozenset({"accounts:read"}), with_refresh=False)
    now = utcnow()
    await AuthSession.filter(id=(await session_of(idle)).id).update(idle_timeout_s=3, last_seen_at=now)
    await AuthSession.filter(id=(await session_of(absolute)).id).update(expires_at=now + timedelta(seconds=3))
    await AuthSession.filter(id=partner.session_id).update(expires_at=now + timedelta(seconds=3))
    async with ws(base) as a, ws(base) as b, ws(base) as c:
        for conn, token in ((a, idle), (b, absolute), (c, partner.token)):
            assert (await init(conn, token))["type"] == "connection_ack"
        # then each closes when its session ends, with nothing sent by the client
        assert await closed_with(a) == (4401, "session idle")
        assert await closed_with(b) == (4401, "session expired")
        assert await closed_with(c) == (4401, "session expired")


@pytest.mark.postgres
async def test_sessions_end_on_every_instance(db: str) -> None:
    # given four staff users with sockets open on the first instance
    await small_bank()
    signs_out, deactivated, promoted, quietly_promoted = (
        await staff_token("cashier"), await staff_token("clerk"), await staff_token("cashier"), await staff_token("cashier"))
    with serve(db) as first, serve(db) as second:
        async with ws(first) as a, ws(first) as b, ws(first) as c, ws(first) as d:
            for conn, token in ((a, signs_out), (b, deactivated), (c, promoted), (d, quietly_promoted)):
                assert (await init(conn, token))["type"] == "connection_ack"
            # when one signs out on the second instance
            assert (await post(second, signs_out, "mutation { signOut { signedOut } }"))["data"]["signOut"]["signedOut"]
            # then their socket on the first closes
            assert await closed_with(a) == (4401, "session signed-out")
            # when an admin deactivates one (bankcore publishes through PostgreSQL NOTIFY)
            await deactivate_staff_user(staff_user_id=(await session_of(deactivated)).principal_id, actor="staff:1")
            assert await closed_with(b) == (4403, "session revoked")
            # when a role changes and the change calls the hook
            user_id = (await session_of(promoted)).principal_id
            await StaffUser.filter(id=user_id).update(role=StaffRole.MANAGER)
            await revoke_sessions_of(kind=PrincipalKind.STAFF, principal_id=user_id, reason="role changed", actor="staff:1")
            assert await closed_with(c) == (4403, "session revoked")
            # when a role changes without the hook, the next operation on the socket refuses to run as the old role
            await StaffUser.filter(id=(await session_of(quietly_promoted)).principal_id).update(role=StaffRole.MANAGER)
            await d.send(json.dumps({"id": "1", "type": "subscribe", "payload": {"query": ME}}))
            assert await closed_with(d) == (4403, "session role changed")

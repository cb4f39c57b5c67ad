"""The real server over HTTP and WebSocket: protocol rules, live balances, revocation, two instances."""

from __future__ import annotations

import asyncio

import pytest
import websockets

from tests.ledger.factory import make_account, small_bank
from tests.live.server import init, post, receive, serve, staff_token, subscribe, ws

BALANCE = "subscription Balance($n: String!) { balanceChanged(accountNumber: $n) { accountNumber balance { amount currency } } }"
DEPOSIT = """mutation($n: String!, $k: String!) { depositCash(input: {accountNumber: $n, amount: {amount: "25.00", currency: "INR"}, idempotencyKey: $k}) { userErrors { code } } }"""


async def test_subscribe_before_init_closes_4401_and_bad_token_4403(db: str) -> None:
    with serve(db) as base:
        async with ws(base) as conn:
            await subscribe(conn, "1", BALANCE, n="001000000018")
            with pytest.raises(websockets.ConnectionClosed) as closed:
                await receive(conn)
            assert closed.value.rcvd.code == 4401
        async with ws(base) as conn:
            await conn.send('{"type": "connection_init", "payload": {"authorization": "Bearer nope"}}')
            with pytest.raises(websockets.ConnectionClosed) as closed:
                await receive(conn)
            assert closed.value.rcvd.code == 4403


async def test_live_balance_and_revocation_end_the_subscription(db: str) -> None:
    await small_bank()
    number = await make_account("SB0")
    token = await staff_token("cashier")
    with serve(db) as base:
        async with ws(base) as conn:
            assert (await init(conn, token))["type"] == "connection_ack"
            await subscribe(conn, "b", BALANCE, n=number)
            first = await receive(conn)
            assert first["payload"]["data"]["balanceChanged"]["balance"]["amount"] == "0.00"
            assert (await post(base, token, DEPOSIT, n=number, k="k1"))["data"]["depositCash"]["userErrors"] == []
            update = await receive(conn)
            assert update["payload"]["data"]["balanceChanged"]["balance"]["amount"] == "25.00"
            # Signing out (here over HTTP, as the web app does) ends the subscription at once.
            signed_out = await post(base, token, "mutation { signOut { signedOut } }")
            assert signed_out["data"]["signOut"]["signedOut"] is True
            assert (await receive(conn))["type"] == "complete"


@pytest.mark.postgres
async def test_two_instances_share_events_through_postgres(db: str) -> None:
    await small_bank()
    number = await make_account("SB0")
    token = await staff_token("cashier")
    with serve(db) as first, serve(db) as second:
        async with ws(first) as conn:
            await init(conn, token)
            await subscribe(conn, "b", BALANCE, n=number)
            await receive(conn)  # the current balance
            result = await post(second, token, DEPOSIT, n=number, k="other-instance")
            assert result["data"]["depositCash"]["userErrors"] == []
            update = await receive(conn, timeout_s=10)
            assert update["payload"]["data"]["balanceChanged"]["balance"]["amount"] == "25.00"


async def test_http_hardening(db: str) -> None:
    import httpx

    with serve(db) as base:
        async with httpx.AsyncClient() as client:
            form = await client.post(f"{base}/graphql", data={"query": "{ branches { code } }"})
            assert form.status_code == 415
            get = await client.get(f"{base}/graphql", params={"query": "mutation { signOut { signedOut } }"})
            assert get.status_code in (400, 405) or "not allowed" in get.text
            ide = await client.get(f"{base}/graphql", headers={"accept": "text/html"})
            assert ide.status_code == 403
            introspection = await client.post(f"{base}/graphql", json={"query": "{ __schema { queryType { name } } }"})
            assert "introspection has been disabled" in introspection.text
            deep = "{ me { member { accounts { holders { role } } } } }"
            assert (await client.post(f"{base}/graphql", json={"query": deep})).status_code == 200
            assert (await client.get(f"{base}/healthz")).json() == {"status": "ok"}
    await asyncio.sleep(0)


@pytest.mark.postgres
async def test_sign_out_on_one_instance_closes_subscriptions_on_another(db: str) -> None:
    await small_bank()
    number = await make_account("SB0")
    token = await staff_token("cashier")
    with serve(db) as first, serve(db) as second:
        async with ws(first) as conn:
            await init(conn, token)
            await subscribe(conn, "b", BALANCE, n=number)
            await receive(conn)
            signed_out = await post(second, token, "mutation { signOut { signedOut } }")
            assert signed_out["data"]["signOut"]["signedOut"] is True
            assert (await receive(conn))["type"] == "complete"

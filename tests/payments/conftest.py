"""The gateway simulator as a separate process, and the bank's webhook endpoint served from
the test process (on the test database) for the simulator to call."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass

import httpx
import pytest
import pytest_asyncio
import uvicorn
from starlette.applications import Starlette
from starlette.routing import Route

from bankcore.payments.gateway import SIM, SIM_KEY_ID, SIM_KEY_SECRET, SIM_PAYOUT_ACCOUNT, GatewayConfig, use_gateway
from bankcore.payments.razorpay import RazorpayGateway
from coopbank.webhooks import razorpay_webhook
from tests.live.server import free_port

WEBHOOK_SECRET = "test-webhook-secret-" + str(os.getpid())


@dataclass
class Sim:
    """A running ``coopbank gateway-sim`` and the URLs around it."""

    url: str
    webhook_url: str

    def control(self, **settings: object) -> dict:
        return httpx.post(f"{self.url}/sim/control", json=settings, timeout=5).json()

    def state(self) -> dict:
        return httpx.get(f"{self.url}/sim/state", timeout=5).json()

    def pay(self, order_id: str, *, success: bool = True) -> None:
        response = httpx.post(f"{self.url}/checkout/{order_id}/pay", data={"outcome": "success" if success else "failure"},
                              timeout=5)
        assert response.status_code == 200, response.text

    def mark(self) -> int:
        """How many webhooks the simulator has delivered so far (pass as ``since``)."""
        return len(self.state()["deliveries"])

    async def wait_deliveries(self, count: int, *, since: int, timeout_s: float = 15) -> list[dict]:
        """Wait until ``count`` webhooks were delivered (and answered) after mark ``since``; returns them."""
        deadline = time.monotonic() + timeout_s
        while True:
            deliveries = (await asyncio.to_thread(self.state))["deliveries"][since:]
            if len(deliveries) >= count:
                return deliveries
            if time.monotonic() > deadline:
                raise AssertionError(f"only {len(deliveries)} of {count} webhooks delivered: {deliveries}")
            await asyncio.sleep(0.05)


@pytest_asyncio.fixture(scope="module")
async def webhook_server(_tortoise: str) -> AsyncIterator[str]:
    """The bank's /webhooks/razorpay on a free port, in this process and event loop (the test database)."""
    port = free_port()
    app = Starlette(routes=[Route("/webhooks/razorpay", razorpay_webhook, methods=["POST"])])
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off",
                                           timeout_graceful_shutdown=1))
    task = asyncio.get_running_loop().create_task(server.serve())
    while not server.started:
        await asyncio.sleep(0.01)
    yield f"http://127.0.0.1:{port}/webhooks/razorpay"
    server.should_exit = True
    await task


@pytest.fixture(scope="module")
def sim_process(webhook_server: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Sim]:
    """``coopbank gateway-sim`` in its own process, sending webhooks to ``webhook_server``."""
    port = free_port()
    reports = tmp_path_factory.mktemp("settlements")
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST")}
    env.update(COOPBANK_RAZORPAY_WEBHOOK_SECRET=WEBHOOK_SECRET)
    # Output to a file, not an unread pipe: a full pipe would block the simulator mid-test.
    log = reports / "gateway-sim.log"
    proc = subprocess.Popen([sys.executable, "-m", "coopbank.cli", "gateway-sim", "--port", str(port),
                             "--webhook-url", webhook_server, "--report-dir", str(reports)], env=env,
                            stdout=log.open("wb"), stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 20
    while True:
        try:
            if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                break
        except httpx.HTTPError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            raise RuntimeError("gateway-sim did not start:\n" + log.read_text(errors="replace")[-3000:])
        time.sleep(0.1)
    try:
        yield Sim(url=url, webhook_url=webhook_server)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


@pytest.fixture
def sim(sim_process: Sim, monkeypatch: pytest.MonkeyPatch) -> Iterator[Sim]:
    """The simulator in its default behaviour, and the bank configured to use it."""
    monkeypatch.setenv("COOPBANK_GATEWAY", SIM)
    monkeypatch.setenv("COOPBANK_RAZORPAY_WEBHOOK_SECRET", WEBHOOK_SECRET)
    sim_process.control(payment_delivery="normal", payout_outcome="processed", settle_after_s=120)
    previous = use_gateway(RazorpayGateway(GatewayConfig(kind=SIM, api_url=sim_process.url, key_id=SIM_KEY_ID,
                                                         key_secret=SIM_KEY_SECRET, webhook_secret=WEBHOOK_SECRET,
                                                         payout_account=SIM_PAYOUT_ACCOUNT), wait_s=0.05))
    yield sim_process
    use_gateway(previous)

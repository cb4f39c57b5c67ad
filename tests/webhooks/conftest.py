"""A partner's webhook endpoint served from the test process, and a partner to subscribe."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field

import pytest
import pytest_asyncio
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from bankcore.identity import passwords
from bankcore.identity.partners import create_api_client
from bankcore.identity.staff import create_staff_user
from bankcore.models import ApiClient, Member, StaffUser
from tests.live.server import free_port


@dataclass
class Endpoint:
    """What the partner's endpoint received, and what it answers (``status``)."""

    url: str
    received: list[tuple[dict[str, str], bytes]] = field(default_factory=list)
    status: int = 200

    def reset(self, status: int = 200) -> None:
        self.received.clear()
        self.status = status

    def bodies(self) -> list[dict]:
        return [json.loads(body) for _, body in self.received]


@pytest_asyncio.fixture(scope="module")
async def endpoint(_tortoise: str) -> AsyncIterator[Endpoint]:
    state = Endpoint(url="")

    async def receive(request: Request) -> JSONResponse:
        state.received.append(({k.lower(): v for k, v in request.headers.items()}, await request.body()))
        return JSONResponse({"ok": state.status < 300}, status_code=state.status)

    port = free_port()
    app = Starlette(routes=[Route("/hooks", receive, methods=["POST"])])
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off",
                                           timeout_graceful_shutdown=1))
    task = asyncio.get_running_loop().create_task(server.serve())
    while not server.started:
        await asyncio.sleep(0.01)
    state.url = f"http://127.0.0.1:{port}/hooks"
    yield state
    server.should_exit = True
    await task


@pytest.fixture(autouse=True)
def _private_targets(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("COOPBANK_WEBHOOKS_ALLOW_PRIVATE", "1")
    passwords.use_parameters(passwords.TEST_PARAMETERS)
    yield
    passwords.use_parameters(passwords.PRODUCTION_PARAMETERS)


async def make_admin() -> StaffUser:
    created = await create_staff_user(username="admin1", full_name="Admin One", role="admin",
                                      password="correct horse battery", actor="test")
    return created.user


async def make_partner(admin: StaffUser, member: Member | None = None) -> ApiClient:
    made = await create_api_client(name="Accounting app", scopes=["accounts:read", "entries:read"], created_by=admin.id,
                                   member_number=member.member_number if member else None)
    return made.client

"""Starting real `coopbank serve` processes on the test database, and talking to them."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import websockets

from bankcore.identity.clock import utcnow
from bankcore.identity.sessions import open_session
from bankcore.models import PrincipalKind, StaffRole, StaffUser
from tests.conftest import IN_PROCESS_ONLY_ENV


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _start(database_url: str, port: int, args: tuple[str, ...], env_extra: dict[str, str]) -> subprocess.Popen:
    # Without PYTEST_CURRENT_TEST, or NiceGUI thinks it runs inside pytest and picks its own port.
    # Nor the test process's in-process-only settings: a served bank runs its worker and poller.
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST") and k not in IN_PROCESS_ONLY_ENV}
    env.update(DATABASE_URL=database_url, COOPBANK_STORAGE_SECRET="test", **env_extra)
    # Output goes to a file, never to a pipe nobody reads: once a pipe's 64 KiB buffer is full the
    # server blocks in its next log write and every request after that hangs (CI's schemathesis
    # "read timeouts" were this, after a few hundred report PDFs' worth of log lines).
    log = tempfile.TemporaryFile()
    # Each server its own NiceGUI storage: test databases restart their ids, so a language chosen by
    # member 1 in one test (kept in .nicegui/storage-general.json) would greet member 1 of the next.
    env.setdefault("NICEGUI_STORAGE_PATH", tempfile.mkdtemp(prefix="nicegui-"))
    proc = subprocess.Popen(
        [sys.executable, "-m", "coopbank.cli", "serve", "--port", str(port), "--insecure-dev-keys", *args],
        env=env, stdout=log, stderr=subprocess.STDOUT,
    )
    proc.log = log  # type: ignore[attr-defined]
    return proc


def server_output(proc: subprocess.Popen) -> str:
    """What the server has printed so far."""
    log = proc.log  # type: ignore[attr-defined]
    log.flush()
    log.seek(0)
    return log.read().decode(errors="replace")


def _wait_ready(proc: subprocess.Popen, bases: list[str]) -> None:
    # Generous: on a machine shared with other test runs a start can take half a minute.
    deadline = time.monotonic() + 90
    waiting = list(bases)
    while waiting:
        try:
            if httpx.get(f"{waiting[0]}/healthz", timeout=1).status_code == 200:
                waiting.pop(0)
                continue
        except httpx.HTTPError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            proc.wait()
            out = server_output(proc)
            raise RuntimeError(f"server did not start:\n{out[-3000:]}")
        time.sleep(0.2)


def _stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
    proc.log.close()  # type: ignore[attr-defined]


@contextlib.contextmanager
def serve(
    database_url: str, *, port: int | None = None, extra_env: dict[str, str] | None = None, **environment: str
) -> Iterator[str]:
    """Run `coopbank serve` on a free port (or ``port``) against ``database_url``, with ``extra_env`` and
    ``environment`` added to its environment; yields its base URL."""
    with serve_together(database_url, [], extra_env={**(extra_env or {}), **environment}, port=port) as (base,):
        yield base


@contextlib.contextmanager
def serve_together(
    database_url: str, *arguments: list[str], extra_env: dict[str, str] | None = None, port: int | None = None
) -> Iterator[list[str]]:
    """Start one `coopbank serve` per list of extra arguments, all at once (their start-ups overlap),
    and yield their base URLs when every one answers (an ``--api-port``'s workers as well)."""
    started: list[tuple[subprocess.Popen, list[str]]] = []
    try:
        for i, args in enumerate(arguments):
            chosen = port if port and i == 0 else free_port()
            bases = [f"http://127.0.0.1:{chosen}"]
            if "--api-port" in args:
                bases.append(f"http://127.0.0.1:{args[args.index('--api-port') + 1]}")
            started.append((_start(database_url, chosen, tuple(args), extra_env or {}), bases))
        for proc, bases in started:
            _wait_ready(proc, bases)
        yield [bases[0] for _, bases in started]
    finally:
        for proc, _ in started:
            _stop(proc)


async def staff_token(role: str = "cashier", username: str | None = None) -> str:
    """A live session for a new staff user (sign-in itself is tested elsewhere)."""
    user = await StaffUser.create(
        username=username or f"{role}-{time.monotonic_ns()}", full_name=f"Test {role}", role=StaffRole(role),
        password_hash="not-used", active=True,
    )
    issued = await open_session(kind=PrincipalKind.STAFF, principal_id=user.id, now=utcnow())
    return issued.token


async def post(base: str, token: str | None, query: str, **variables: Any) -> dict:
    headers = {"authorization": f"Bearer {token}"} if token else {}
    async with httpx.AsyncClient() as client:
        response = await client.post(f"{base}/graphql", json={"query": query, "variables": variables}, headers=headers)
    return response.json()


@contextlib.asynccontextmanager
async def ws(base: str) -> AsyncIterator[websockets.ClientConnection]:
    url = base.replace("http://", "ws://") + "/graphql"
    async with websockets.connect(url, subprotocols=["graphql-transport-ws"]) as conn:
        yield conn


async def init(conn: websockets.ClientConnection, token: str | None) -> dict:
    payload = {"authorization": f"Bearer {token}"} if token else {}
    await conn.send(json.dumps({"type": "connection_init", "payload": payload}))
    return json.loads(await asyncio.wait_for(conn.recv(), 10))


async def subscribe(conn: websockets.ClientConnection, op_id: str, query: str, **variables: Any) -> None:
    await conn.send(json.dumps({"id": op_id, "type": "subscribe", "payload": {"query": query, "variables": variables}}))


async def receive(conn: websockets.ClientConnection, timeout_s: float = 10) -> dict:
    return json.loads(await asyncio.wait_for(conn.recv(), timeout_s))

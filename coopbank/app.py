"""The composition root: one ASGI process with the web app and /graphql.

NiceGUI's ``app`` is the root (so its ``User`` test fixture and pages share the same
lifespan); Strawberry is mounted on it for HTTP and WebSocket; Tortoise is registered
with ``register_tortoise`` so its context is visible to every handler (STACK_NOTES).
"""

from __future__ import annotations

from nicegui import app
from starlette.requests import Request
from starlette.responses import JSONResponse
from tortoise.connection import get_connection
from tortoise.contrib.fastapi import register_tortoise

from bankcore.db import tortoise_config
from graphql_api.http import BankGraphQL
from graphql_api.schema import schema

_wired = False


async def healthz(request: Request) -> JSONResponse:
    """For load balancers: 200 when the database answers, 503 otherwise."""
    try:
        await get_connection("default").execute_query("SELECT 1")
    except Exception:  # noqa: BLE001 - any failure means "not ready"
        return JSONResponse({"status": "unavailable"}, status_code=503)
    return JSONResponse({"status": "ok"})


def wire() -> None:
    """Mount /graphql and /healthz and register the database on NiceGUI's app (once)."""
    global _wired
    if _wired:
        return
    _wired = True
    view = BankGraphQL(schema)
    app.add_route("/graphql", view, methods=["GET", "POST"])
    app.router.add_websocket_route("/graphql", view)
    app.add_route("/healthz", healthz, methods=["GET"])
    register_tortoise(app, config=tortoise_config())
    try:  # the web app's pages, when present
        import ui.pages  # noqa: F401
    except ImportError:
        pass

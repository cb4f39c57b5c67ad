"""The composition root: one ASGI process with the web app and /graphql.

NiceGUI's ``app`` is the root (so its ``User`` test fixture and pages share the same
lifespan); the API edge (``coopbank.edge``: /graphql over HTTP and WebSocket, /healthz,
/metrics) is put in front of it; Tortoise is registered with ``register_tortoise`` so its
context is visible to every handler (STACK_NOTES).
"""

from __future__ import annotations

import asyncio
import gc
import os

from nicegui import app
from tortoise.contrib.fastapi import register_tortoise

from bankcore.db import database_url, tortoise_config
from coopbank.edge import ApiShortcut, start_event_relay, stop_event_relay
from coopbank.web_security import SecurityHeaders

__all__ = ["ApiShortcut", "wire"]

_wired = False


_poller: asyncio.Task | None = None


async def _start_payout_polling() -> None:
    """Status checks of payouts without a final word, every 15 s (see bankcore.payments.polling)."""
    global _poller
    from bankcore.payments.polling import run_periodically

    if _poller is None and os.environ.get("COOPBANK_PAYOUT_POLLING", "on") != "off":
        _poller = asyncio.get_running_loop().create_task(run_periodically(), name="payout status checks")


async def _stop_payout_polling() -> None:
    global _poller
    if _poller is not None:
        _poller.cancel()
        _poller = None


_worker: asyncio.Task | None = None


async def _start_outbox_worker() -> None:
    """Send notifications and webhooks from this process (procrastinate; see bankcore.background),
    unless ``COOPBANK_WORKER=external`` (separate ``coopbank worker`` processes, PostgreSQL) or ``off``."""
    global _worker
    from bankcore.background import run_worker

    if _worker is None and os.environ.get("COOPBANK_WORKER", "inprocess") not in ("external", "off"):
        _worker = asyncio.get_running_loop().create_task(run_worker(database_url()), name="outbox worker")


async def _stop_outbox_worker() -> None:
    global _worker
    if _worker is not None:
        _worker.cancel()
        _worker = None


def wire() -> None:
    """Put /graphql and /healthz in front of NiceGUI's app and register the database (once)."""
    global _wired
    if _wired:
        return
    _wired = True
    # Outermost of all: NiceGUI adds its own middleware later (at ui.run), and
    # add_middleware would put this inside them. Starlette builds the stack on the
    # first request by calling build_middleware_stack, so wrap what it builds.
    build_stack = app.build_middleware_stack
    app.build_middleware_stack = lambda: SecurityHeaders(ApiShortcut(build_stack()))  # type: ignore[method-assign]
    register_tortoise(app, config=tortoise_config())
    app.on_startup(start_event_relay)
    app.on_shutdown(stop_event_relay)
    # Start-up objects (schema, modules, caches) live for the whole process: moving them out
    # of the collector's generations shortens the ~100 ms full collections under load.
    app.on_startup(gc.freeze)
    app.on_startup(_start_payout_polling)
    app.on_shutdown(_stop_payout_polling)
    app.on_startup(_start_outbox_worker)
    app.on_shutdown(_stop_outbox_worker)
    try:  # the web app's pages, when present
        import ui.pages  # noqa: F401
    except ImportError:
        pass

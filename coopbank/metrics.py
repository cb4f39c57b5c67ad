"""``GET /metrics``: the bank's Prometheus metrics, for staff monitoring.

Served only to a caller presenting ``Authorization: Bearer $COOPBANK_METRICS_TOKEN`` or,
when no token is configured, only to loopback callers (a scraper on the same host or
behind the operator's proxy): request counts and timings are operational facts an
outsider should not read.
"""

from __future__ import annotations

import hmac
import os
from collections.abc import Iterator

from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector
from starlette.responses import PlainTextResponse, Response
from starlette.types import Receive, Scope, Send

LOOPBACK = frozenset({"127.0.0.1", "::1", "localhost"})


class PoolCollector(Collector):
    """Connections of this process's database pool: in use and idle (PostgreSQL only)."""

    def collect(self) -> Iterator[GaugeMetricFamily]:
        family = GaugeMetricFamily(
            "coopbank_db_pool_connections", "Database pool connections of this process, by state.", labels=["state"]
        )
        pool = _pool()
        if pool is not None:
            size, idle = pool.get_size(), pool.get_idle_size()
            family.add_metric(["in_use"], size - idle)
            family.add_metric(["idle"], idle)
            family.add_metric(["max"], pool.get_max_size())
        yield family


def _pool():  # noqa: ANN202 - an asyncpg Pool or None
    try:
        from tortoise.connection import get_connection

        return getattr(get_connection("default"), "_pool", None)
    except Exception:  # noqa: BLE001 - no database configured yet
        return None


_collector_registered = False


def register_collectors() -> None:
    """Add the pool gauge to the default registry (once per process)."""
    global _collector_registered
    if not _collector_registered:
        REGISTRY.register(PoolCollector())
        _collector_registered = True


def _allowed(scope: Scope) -> bool:
    token = os.environ.get("COOPBANK_METRICS_TOKEN", "")
    if token:
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}
        given = headers.get("authorization", "")
        return hmac.compare_digest(given.encode(), f"Bearer {token}".encode())
    client = scope.get("client") or ("", 0)
    return client[0] in LOOPBACK


async def metrics_endpoint(scope: Scope, receive: Receive, send: Send) -> None:
    """ASGI handler of ``/metrics`` (GET/HEAD only)."""
    if scope["method"] not in ("GET", "HEAD"):
        response: Response = PlainTextResponse("Method Not Allowed", status_code=405, headers={"Allow": "GET, HEAD"})
    elif not _allowed(scope):
        response = PlainTextResponse("metrics are for the bank's monitoring", status_code=403)
    else:
        register_collectors()
        response = Response(generate_latest(REGISTRY), media_type=CONTENT_TYPE_LATEST)
    await response(scope, receive, send)

"""The multi-instance deployment files parse and agree with each other (no Docker engine here)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

yaml = pytest.importorskip("yaml")

ROOT = Path(__file__).resolve().parents[2]


def _compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_compose_file_loads_with_postgres_redis_two_instances_and_a_proxy() -> None:
    services = _compose()["services"]
    assert services["db"]["image"].startswith("postgres:")
    assert services["redis"]["image"].startswith("redis:")
    for name in ("bank1", "bank2"):
        bank = services[name]
        # the YAML merge key (<<) gave each instance the shared definition
        assert bank["build"] == "."
        command = bank["command"]
        assert command[:2] == ["coopbank", "serve"] and "--api-workers" in command
        env = bank["environment"]
        assert env["DATABASE_URL"].startswith("postgres://") and "@db:5432/" in env["DATABASE_URL"]
        assert env["NICEGUI_REDIS_URL"].startswith("redis://redis:")
        assert env["COOPBANK_WORKER"] == "external"
        assert bank["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
    assert services["bank2"]["environment"]["COOPBANK_PAYOUT_POLLING"] == "off"
    assert services["worker"]["command"] == ["coopbank", "worker"]
    proxy = services["proxy"]
    assert proxy["networks"]["bank"]["ipv4_address"] == services["bank1"]["environment"]["COOPBANK_TRUSTED_PROXIES"]


def test_proxy_config_routes_to_the_instances_ports_with_a_sticky_web_app() -> None:
    services = _compose()["services"]
    mount = services["proxy"]["volumes"][0].split(":")[0]
    caddyfile = (ROOT / mount).read_text()
    command = services["bank1"]["command"]
    web_port, api_port = command[command.index("--port") + 1], command[command.index("--api-port") + 1]
    upstreams = re.findall(r"reverse_proxy ([^{]+)\{", caddyfile)
    assert [u.split() for u in upstreams] == [[f"bank1:{api_port}", f"bank2:{api_port}"],
                                              [f"bank1:{web_port}", f"bank2:{web_port}"]]
    assert "lb_policy cookie" in caddyfile  # the web app's pages and their socket.io stay on one instance
    assert caddyfile.count("{") == caddyfile.count("}")

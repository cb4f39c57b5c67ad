"""Sign-in rate limits per client address, also from the web app, and shared by every
instance through the database (issue 8, item 6)."""

from __future__ import annotations

import asyncio

import pytest
from limits import RateLimitItemPerMinute
from limits.aio.strategies import MovingWindowRateLimiter

from bankcore.ratelimit_store import DatabaseStorage
from graphql_api import ratelimit
from graphql_api.ratelimit import reset_rate_limits
from ui.api import Api

# The sign-in page's first step (ui/pages/signin.py; importing that module here would
# register its pages before NiceGUI's test harness, which then finds none).
SIGN_IN_PASSWORD = """
mutation SignInPassword($kind: PrincipalKindInput!, $login: String!, $password: String!) {
  signInWithPassword(kind: $kind, login: $login, password: $password) {
    challengeToken method sentTo expiresAt
    userErrors { code message }
  }
}"""


async def _codes(api: Api, attempts: int, prefix: str) -> list[str]:
    codes = []
    for i in range(attempts):
        data = await api.run(SIGN_IN_PASSWORD, kind="MEMBER", login=f"{prefix}{i}", password="not the password")
        codes += [e["code"] for e in data["signInWithPassword"]["userErrors"]]
    return codes


async def test_web_sign_in_attempts_are_counted_per_client_address(db: str, monkeypatch: pytest.MonkeyPatch) -> None:
    # given three attempts a minute per client address
    await reset_rate_limits()
    monkeypatch.setattr(ratelimit, "PER_CLIENT", RateLimitItemPerMinute(3))
    # when one browser tries four different logins through the web app
    first = await _codes(Api(client_address="203.0.113.7"), 4, "x")
    # then its fourth attempt is refused
    assert first == ["INVALID_CREDENTIALS"] * 3 + ["RATE_LIMITED"]
    # and a member at another address signs in as usual: the web app is not one shared bucket
    assert await _codes(Api(client_address="198.51.100.20"), 1, "y") == ["INVALID_CREDENTIALS"]


async def test_limits_kept_in_the_database_hold_across_instances(db: str) -> None:
    # given two instances, each with its own limiter over the bank's database
    first, second = MovingWindowRateLimiter(DatabaseStorage()), MovingWindowRateLimiter(DatabaseStorage())
    await first.storage.reset()
    per_login = RateLimitItemPerMinute(10)
    # when a login is tried ten times, alternately on each
    allowed = [await (first if i % 2 else second).hit(per_login, "sign-in", "password", "asha") for i in range(10)]
    # then the eleventh is refused on both: they counted together
    assert all(allowed)
    assert not await first.hit(per_login, "sign-in", "password", "asha")
    assert not await second.hit(per_login, "sign-in", "password", "asha")
    assert await first.hit(per_login, "sign-in", "password", "ravi")  # another key is untouched
    # and twenty concurrent attempts on a fresh key admit exactly ten
    results = await asyncio.gather(*(
        (first if i % 2 else second).hit(per_login, "sign-in", "password", "race") for i in range(20)))
    assert sum(results) == 10


def _redis_missing() -> str | None:
    import shutil

    try:
        import coredis  # noqa: F401
    except ImportError:
        return "coredis is not installed (pip install -e '.[redis]')"
    return None if shutil.which("redis-server") else "redis-server is not installed"


@pytest.mark.skipif(_redis_missing() is not None, reason=_redis_missing() or "")
async def test_limits_kept_in_redis_when_configured(db: str, monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:  # noqa: ANN001
    import subprocess

    from tests.live.server import free_port

    port = free_port()
    server = subprocess.Popen(["redis-server", "--port", str(port), "--save", "", "--appendonly", "no", "--dir", str(tmp_path)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        monkeypatch.setenv("COOPBANK_REDIS_URL", f"redis://127.0.0.1:{port}/0")
        monkeypatch.setattr(ratelimit, "_limiters", {})
        for _ in range(50):  # until redis-server answers
            try:
                await ratelimit.limiter().storage.check()
                break
            except Exception:  # noqa: BLE001
                await asyncio.sleep(0.1)
        # two instances: two limiters over the same Redis
        monkeypatch.setattr(ratelimit, "_limiters", {})
        first = ratelimit.limiter()
        monkeypatch.setattr(ratelimit, "_limiters", {})
        second = ratelimit.limiter()
        assert first is not second and type(first.storage).__name__ == "RedisStorage"
        per_login = RateLimitItemPerMinute(3)
        assert [await (first if i % 2 else second).hit(per_login, "k") for i in range(4)] == [True, True, True, False]
    finally:
        server.terminate()
        server.wait(timeout=10)


async def test_forgetting_the_counters_does_not_pull_keys_from_under_the_expiry_task(db: str) -> None:
    """The in-memory storage's expiry task walks its keys with awaits between them; clearing
    the storage meanwhile made it fail with a KeyError (a CI run's UI test saw the error log)."""
    if ratelimit._storage_kind() != "memory":
        pytest.skip("the in-memory storage is SQLite's (PostgreSQL keeps the counters in the database)")
    await reset_rate_limits()
    storage = ratelimit.limiter().storage
    for login in ("asha", "ravi", "meena"):
        await ratelimit.count_login_failure(kind="member", login=login)
    # when the counters are forgotten while the expiry task is between two keys
    expiry = asyncio.ensure_future(storage._MemoryStorage__expire_events())
    await asyncio.sleep(0)  # (the task is now inside its first await)
    await reset_rate_limits()
    # then the task ends without an error, and every login starts again from nothing
    await expiry
    assert expiry.exception() is None
    assert await ratelimit.login_locked_until(kind="member", login="asha") is None
    assert (await ratelimit.limiter().get_window_stats(ratelimit.LOGIN_FAILURES, "sign-in-failures", "member", "asha")
            ).remaining == ratelimit.LOGIN_FAILURES.amount

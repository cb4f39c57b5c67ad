"""NiceGUI ``User`` fixture tests: the real pages, the real schema, the test database.

NiceGUI's ``user`` fixture finds the app through a ``main_file`` (a pytest ini option
or the ``nicegui_main_file`` marker). Setting the ini option for the whole repository
would drag every other test folder into it, and ``pytest_plugins`` is refused outside the
rootdir's conftest, so this folder defines its own ``user`` / ``create_user`` fixtures on
NiceGUI's ``user_simulation`` with ``tests/ui/main.py``, on top of the ``db`` fixture.
"""

from __future__ import annotations

import atexit
import shutil
import tempfile
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import httpx
import pytest
from nicegui import app, core
from nicegui.storage import Storage
from nicegui.testing.general import prepare_simulation
from nicegui.testing.user import User
from nicegui.testing.user_simulation import user_simulation

from bankcore.identity.clock import utcnow
from bankcore.identity.notifications import set_notification_provider
from bankcore.identity.sessions import open_session
from bankcore.models import PrincipalKind
from graphql_api.auth_cache import forget_all
from graphql_api.http import TOKEN_COOKIE

# The gateway simulator's fixtures, for the payment pages' tests (tests/ui/test_payments_ui.py).
from tests.payments.conftest import sim, sim_process, webhook_server  # noqa: E402,F401

MAIN_FILE = Path(__file__).with_name("main.py")


def pytest_configure(config: pytest.Config) -> None:
    # As NiceGUI's plugin does: page storage in a throwaway directory, not ./.nicegui.
    Storage.path = Path(tempfile.mkdtemp(prefix="coopbank-ui-storage-")).resolve()
    atexit.register(shutil.rmtree, Storage.path, ignore_errors=True)
    app.storage = Storage()


class CodeCatcher:
    """A notification provider that keeps the one-time codes the bank sends, by recipient."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, str]] = []

    async def send(self, *, channel, recipient: str, body: str) -> None:  # noqa: ANN001
        self.sent.append((recipient, body))

    def last_code(self) -> str:
        return self.sent[-1][1].split()[0]


@pytest.fixture
def codes() -> AsyncIterator[CodeCatcher]:
    catcher = CodeCatcher()
    previous = set_notification_provider(catcher)
    yield catcher
    set_notification_provider(previous)


def _fail_on_error_logs(caplog: pytest.LogCaptureFixture) -> None:
    logs = [r for r in caplog.get_records("call") if r.levelname == "ERROR"]
    if logs:
        pytest.fail(f"There were unexpected ERROR logs: {[r.getMessage() for r in logs]}", pytrace=False)


@pytest.fixture
async def user(db: str, caplog: pytest.LogCaptureFixture) -> AsyncIterator[User]:
    forget_all()  # ids restart per test: no principal cached from an earlier one
    async with user_simulation(main_file=MAIN_FILE) as simulated:
        yield simulated
    _fail_on_error_logs(caplog)


@pytest.fixture
async def create_user(user: User) -> AsyncIterator[Callable[[], User]]:
    """More users (browsers) on the same app, e.g. a member and a cashier at once."""
    prepare_simulation()
    yield lambda: User(httpx.AsyncClient(transport=httpx.ASGITransport(core.app), base_url="http://test"))


async def sign_in_as(user: User, kind: PrincipalKind, principal_id: int) -> str:
    """Give ``user`` a live session cookie (sign-in itself has its own UI test); returns the token."""
    issued = await open_session(kind=kind, principal_id=principal_id, now=utcnow())
    user.http_client.cookies.set(TOKEN_COOKIE, issued.token)
    return issued.token


@pytest.fixture
def sent(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, dict]]:
    """Every operation the pages run, in order, as (operation name, variables): what a page posted."""
    import re

    from ui.api import Api

    calls: list[tuple[str, dict]] = []
    run = Api.run

    async def recording(self: Api, document: str, **variables) -> dict:  # noqa: ANN003
        name = re.search(r"(?:query|mutation)\s+(\w+)", document)
        calls.append((name.group(1) if name else document, variables))
        return await run(self, document, **variables)

    monkeypatch.setattr(Api, "run", recording)
    return calls

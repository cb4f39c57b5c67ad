"""Fixtures for the identity tests: cheap argon2 parameters, a clock, a capturing SMS provider."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from bankcore.identity import notifications, passwords
from bankcore.models import NotificationChannel

# A fixed moment on a 30 s step boundary (plus 5 s), so TOTP step arithmetic is exact.
T0 = datetime(2026, 11, 20, 9, 0, 5, tzinfo=UTC)
PASSWORD = "correct horse battery"


@pytest.fixture(autouse=True, scope="session")
def _cheap_hashing() -> Iterator[None]:
    # Production parameters cost ~0.3 s a hash here; the policy under test is the same.
    passwords.use_parameters(passwords.TEST_PARAMETERS)
    yield
    passwords.use_parameters(passwords.PRODUCTION_PARAMETERS)


class CapturingProvider:
    """Keeps what would have been sent, so a test can read the code from the 'SMS'."""

    def __init__(self) -> None:
        self.sent: list[tuple[NotificationChannel, str, str]] = []

    async def send(self, *, channel: NotificationChannel, recipient: str, body: str) -> None:
        self.sent.append((channel, recipient, body))

    def last_code(self) -> str:
        return self.sent[-1][2].split()[0]


@pytest.fixture
def sms() -> Iterator[CapturingProvider]:
    provider = CapturingProvider()
    previous = notifications.set_notification_provider(provider)
    yield provider
    notifications.set_notification_provider(previous)

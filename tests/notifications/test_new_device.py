"""Sign-in from a new device (issue 14 item 3): the first device is recorded silently, a later
unknown one notifies the member (inbox + SMS by preference) or the staff user (inbox), once."""

from __future__ import annotations

from collections.abc import Iterator

import pyotp
import pytest

from bankcore.identity import notifications as identity_notifications
from bankcore.identity import passwords
from bankcore.identity.devices import coarse_user_agent, describe_device, fingerprint, remember_device
from bankcore.identity.members_portal import set_member_password
from bankcore.identity.staff import create_staff_user
from bankcore.models import KnownDevice, Member, Notification, NotificationChannel, PrincipalKind
from bankcore.notifications.dispatch import fan_out_notifications
from bankcore.notifications.templates import render
from graphql_api.context import Context
from graphql_api.ratelimit import reset_rate_limits
from tests.api.helpers import gql
from tests.ledger.factory import make_account, make_member, small_bank

CHROME_ANDROID = "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.6723.58 Mobile Safari/537.36"
CHROME_ANDROID_NEXT = CHROME_ANDROID.replace("130.0.6723.58", "131.0.6778.39")
FIREFOX_WINDOWS = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:132.0) Gecko/20100101 Firefox/132.0"
PASSWORD = "correct horse battery"
PASSWORD_STEP = """
mutation Step1($kind: PrincipalKindInput!, $login: String!, $password: String!) {
  signInWithPassword(kind: $kind, login: $login, password: $password) { challengeToken userErrors { code } }
}"""
CODE_STEP = """
mutation Step2($kind: PrincipalKindInput!, $token: String!, $code: String!) {
  signInWithCode(kind: $kind, challengeToken: $token, code: $code) { session { token } userErrors { code } }
}"""


@pytest.fixture(autouse=True)
def cheap_hashing() -> Iterator[None]:
    passwords.use_parameters(passwords.TEST_PARAMETERS)
    yield
    passwords.use_parameters(passwords.PRODUCTION_PARAMETERS)


def test_a_browser_update_is_the_same_device_another_browser_or_cookie_is_not() -> None:
    assert coarse_user_agent(CHROME_ANDROID) == coarse_user_agent(CHROME_ANDROID_NEXT)
    assert fingerprint(user_agent=CHROME_ANDROID, device_id="abc") == fingerprint(user_agent=CHROME_ANDROID_NEXT,
                                                                                   device_id="abc")
    assert fingerprint(user_agent=CHROME_ANDROID, device_id="abc") != fingerprint(user_agent=CHROME_ANDROID,
                                                                                   device_id="xyz")
    assert fingerprint(user_agent=CHROME_ANDROID, device_id=None) != fingerprint(user_agent=FIREFOX_WINDOWS,
                                                                                  device_id=None)
    assert (describe_device(CHROME_ANDROID), describe_device(FIREFOX_WINDOWS), describe_device(None)) == (
        "Chrome on Android", "Firefox on Windows", "unknown device")


async def test_member_hears_of_a_new_device_once_by_inbox_and_sms(db: str) -> None:
    await small_bank()
    number = await make_member("Meera Joshi")
    member = await Member.get(member_number=number)
    await Member.filter(id=member.id).update(mobile="+919812345678")
    member_kind = PrincipalKind.MEMBER

    async def sign_in(ua: str, device: str | None) -> bool:
        return await remember_device(kind=member_kind, principal_id=member.id, user_agent=ua, device_id=device,
                                     client_address="203.0.113.7")

    assert await sign_in(CHROME_ANDROID, "phone") is False        # the first device: recorded, no notice
    assert await sign_in(CHROME_ANDROID_NEXT, "phone") is False   # the same phone after a browser update
    assert await sign_in(FIREFOX_WINDOWS, "laptop") is True       # a new device
    assert await sign_in(FIREFOX_WINDOWS, "laptop") is False      # now known
    assert await KnownDevice.filter(principal_kind=member_kind, principal_id=member.id).count() == 2
    [notice] = await Notification.filter(member_id=member.id, kind="new_device_sign_in")
    assert "Firefox on Windows" in render(notice.kind, notice.params, "en").body
    assert "Firefox on Windows" in render(notice.kind, notice.params, "mr").body
    # the worker sends it by SMS too (the member's default channels)
    await fan_out_notifications()
    deliveries = await notice.deliveries.all().values_list("channel", "destination")
    assert ("sms", "+919812345678") in deliveries


async def test_sign_in_through_the_api_records_devices_for_members_and_staff(db: str) -> None:
    await reset_rate_limits()
    await small_bank()
    number = await make_member("Meera")
    await make_account("SB0", owner=number)
    member = await Member.get(member_number=number)
    await Member.filter(id=member.id).update(mobile="+919812345678")
    await set_member_password(member_id=member.id, password=PASSWORD, actor="test")
    created = await create_staff_user(username="ravi", full_name="Ravi", role="cashier", password=PASSWORD, actor="t")

    class Capturing:
        sent: list[str] = []

        async def send(self, *, channel: NotificationChannel, recipient: str, body: str) -> None:
            self.sent.append(body)

    async def member_sign_in(ua: str, device: str) -> None:
        outbox = Capturing()
        previous = identity_notifications.set_notification_provider(outbox)
        try:
            step1 = await gql(Context(user_agent=ua, device_id=device), PASSWORD_STEP, kind="MEMBER", login=number,
                              password=PASSWORD)
        finally:
            identity_notifications.set_notification_provider(previous)
        code = next(w for w in outbox.sent[-1].split() if w.isdigit() and len(w) == 6)
        step2 = await gql(Context(user_agent=ua, device_id=device), CODE_STEP, kind="MEMBER",
                          token=step1.data["signInWithPassword"]["challengeToken"], code=code)
        assert step2.data["signInWithCode"]["session"], step2

    async def staff_sign_in(ua: str, device: str) -> None:
        step1 = await gql(Context(user_agent=ua, device_id=device), PASSWORD_STEP, kind="STAFF", login="ravi",
                          password=PASSWORD)
        step2 = await gql(Context(user_agent=ua, device_id=device), CODE_STEP, kind="STAFF",
                          token=step1.data["signInWithPassword"]["challengeToken"],
                          code=pyotp.TOTP(created.totp.secret).now())
        assert step2.data["signInWithCode"]["session"], step2

    await member_sign_in(CHROME_ANDROID, "phone")
    await member_sign_in(CHROME_ANDROID, "phone")
    assert not await Notification.filter(kind="new_device_sign_in").exists()
    await member_sign_in(FIREFOX_WINDOWS, "laptop")
    assert await Notification.filter(member_id=member.id, kind="new_device_sign_in").count() == 1

    # a staff user known at the counter's PC signs in from their phone
    await remember_device(kind=PrincipalKind.STAFF, principal_id=created.user.id, user_agent=FIREFOX_WINDOWS,
                          device_id="counter-1")
    await staff_sign_in(CHROME_ANDROID, "own-phone")
    staff_notices = await Notification.filter(staff_id=created.user.id, kind="new_device_sign_in")
    assert len(staff_notices) == 1 and "Chrome on Android" in render("new_device_sign_in", staff_notices[0].params).body

"""Members' portal sign-in: member number or mobile, password, code by SMS or authenticator."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest

from bankcore.errors import DomainError, ErrorCode
from bankcore.identity import notifications, totp
from bankcore.identity.challenges import MAX_CODE_ATTEMPTS
from bankcore.identity.members_portal import (
    RESEND_INTERVAL_S,
    begin_member_sign_in,
    complete_member_sign_in,
    enrol_member_totp,
    resend_member_code,
    set_member_password,
)
from bankcore.identity.sessions import authenticate
from bankcore.models import Branch, NotificationOutbox, PrincipalKind, SecondFactor
from bankcore.services.members import register_member
from tests.identity.conftest import PASSWORD, T0


async def _member(mobile: str | None = "98123 45678"):
    await Branch.get_or_create(code="001", defaults={"name": "Main"})
    member = await register_member(full_name="Asha Rao", branch_code="001", mobile=mobile)
    await set_member_password(member_id=member.id, password=PASSWORD, actor="staff:1")
    return member


async def _error(call) -> ErrorCode:
    with pytest.raises(DomainError) as caught:
        await call
    return caught.value.code


async def test_sign_in_with_mobile_and_sms_code(db: str, sms) -> None:
    member = await _member()
    challenge = await begin_member_sign_in(login="+91 98123 45678", password=PASSWORD, now=T0)
    assert challenge.method is SecondFactor.CODE and challenge.sent_to.endswith("5678")
    channel, recipient, _ = sms.sent[-1]
    assert (channel, recipient) == ("sms", "+919812345678")
    session = await complete_member_sign_in(challenge_token=challenge.challenge_token, code=sms.last_code(), now=T0)
    principal = await authenticate(session.token, now=T0)
    assert (principal.kind, principal.member_id) == (PrincipalKind.MEMBER, member.id)
    # The delivered code does not stay in the outbox.
    row = await NotificationOutbox.get()
    assert row.sent_at == T0 and sms.last_code() not in row.body


async def test_sign_in_with_member_number_and_authenticator(db: str, sms) -> None:
    member = await _member()
    enrolment = await enrol_member_totp(member_id=member.id, actor=f"member:{member.id}")
    challenge = await begin_member_sign_in(login=member.member_number, password=PASSWORD, now=T0)
    assert challenge.method is SecondFactor.TOTP and not sms.sent
    code = totp.code_at(enrolment.secret, totp.time_step(T0))
    await complete_member_sign_in(challenge_token=challenge.challenge_token, code=code, now=T0)
    again = await begin_member_sign_in(login=member.member_number, password=PASSWORD, now=T0)
    assert await _error(complete_member_sign_in(challenge_token=again.challenge_token, code=code, now=T0)) \
        is ErrorCode.CODE_INVALID


async def test_no_enumeration(db: str, sms) -> None:
    member = await _member()
    unknown = await _error(begin_member_sign_in(login="9000000000", password=PASSWORD, now=T0))
    wrong = await _error(begin_member_sign_in(login=member.member_number, password="not my password", now=T0))
    no_access = await register_member(full_name="Bina Shah", branch_code="001")
    without = await _error(begin_member_sign_in(login=no_access.member_number, password=PASSWORD, now=T0))
    assert unknown is wrong is without is ErrorCode.INVALID_CREDENTIALS
    assert not sms.sent


async def test_wrong_codes_exhaust_the_challenge_and_resend_is_throttled(db: str, sms) -> None:
    await _member()
    challenge = await begin_member_sign_in(login="9812345678", password=PASSWORD, now=T0)
    assert await _error(resend_member_code(challenge_token=challenge.challenge_token, now=T0)) is ErrorCode.RATE_LIMITED
    later = T0 + timedelta(seconds=RESEND_INTERVAL_S)
    await resend_member_code(challenge_token=challenge.challenge_token, now=later)
    first_code, fresh_code = sms.sent[0][2].split()[0], sms.last_code()
    if first_code != fresh_code:
        # Only the latest code counts.
        assert await _error(complete_member_sign_in(challenge_token=challenge.challenge_token, code=first_code,
                                                    now=later)) is ErrorCode.CODE_INVALID
    for _ in range(MAX_CODE_ATTEMPTS):
        await _error(complete_member_sign_in(challenge_token=challenge.challenge_token, code="abcdef", now=later))
    assert await _error(complete_member_sign_in(challenge_token=challenge.challenge_token, code=fresh_code,
                                                now=later)) is ErrorCode.CHALLENGE_EXPIRED


async def test_code_expires_with_the_challenge(db: str, sms) -> None:
    await _member()
    challenge = await begin_member_sign_in(login="9812345678", password=PASSWORD, now=T0)
    late = challenge.expires_at
    assert await _error(complete_member_sign_in(challenge_token=challenge.challenge_token, code=sms.last_code(),
                                                now=late)) is ErrorCode.CHALLENGE_EXPIRED


async def test_member_without_contact_cannot_get_a_code(db: str, sms) -> None:
    member = await _member(mobile=None)
    assert await _error(begin_member_sign_in(login=member.member_number, password=PASSWORD, now=T0)) \
        is ErrorCode.SECOND_FACTOR_UNAVAILABLE


async def test_member_password_policy_refuses_own_number(db: str) -> None:
    member = await _member()
    assert await _error(set_member_password(member_id=member.id, password=f"x{member.member_number}x",
                                            actor="staff:1")) is ErrorCode.WEAK_PASSWORD


async def test_development_provider_logs_the_code_and_keeps_the_outbox_row(
    db: str, caplog: pytest.LogCaptureFixture
) -> None:
    previous = notifications.set_notification_provider(notifications.DevelopmentProvider())
    try:
        await _member()
        with caplog.at_level(logging.INFO, logger="bankcore.identity.notifications"):
            await begin_member_sign_in(login="9812345678", password=PASSWORD, now=T0)
    finally:
        notifications.set_notification_provider(previous)
    assert "is your coopbank sign-in code" in caplog.text
    assert await NotificationOutbox.filter(sent_at__isnull=False).count() == 1
    assert PASSWORD not in caplog.text


async def test_failed_delivery_stays_in_the_outbox_for_retry(db: str) -> None:
    class Down:
        async def send(self, **_: object) -> None:
            raise ConnectionError("gateway down")

    await _member()
    previous = notifications.set_notification_provider(Down())
    try:
        challenge = await begin_member_sign_in(login="9812345678", password=PASSWORD, now=T0)
    finally:
        notifications.set_notification_provider(previous)
    assert challenge.method is SecondFactor.CODE
    row = await NotificationOutbox.get()
    assert (row.sent_at, row.attempts) == (None, 1)
    assert await notifications.deliver_pending(now=T0) == 1

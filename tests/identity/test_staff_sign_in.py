"""Staff sign-in against the real database: two steps, TOTP replay, lockout, no enumeration."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bankcore.audit import query_audit
from bankcore.errors import DomainError, ErrorCode
from bankcore.identity import totp
from bankcore.identity.lockout import LOCKOUT_S, MAX_FAILED_ATTEMPTS
from bankcore.identity.sessions import authenticate
from bankcore.identity.staff import (
    begin_staff_sign_in,
    complete_staff_sign_in,
    create_admin,
    create_staff_user,
    deactivate_staff_user,
)
from bankcore.models import PrincipalKind, StaffRole, StaffUser
from tests.identity.conftest import PASSWORD, T0


async def _teller(username: str = "ravi.k") -> tuple[StaffUser, str]:
    created = await create_staff_user(
        username=username, full_name="Ravi Kumar", role=StaffRole.CASHIER, password=PASSWORD, actor="test", now=T0
    )
    return created.user, created.totp.secret


async def _code_error(call) -> ErrorCode:
    with pytest.raises(DomainError) as caught:
        await call
    return caught.value.code


async def test_two_step_sign_in_opens_a_staff_session(db: str) -> None:
    user, secret = await _teller()
    challenge = await begin_staff_sign_in(username="Ravi.K ", password=PASSWORD, now=T0)
    session = await complete_staff_sign_in(
        challenge_token=challenge.challenge_token, code=totp.code_at(secret, totp.time_step(T0)), now=T0
    )
    principal = await authenticate(session.token, now=T0)
    assert principal is not None
    assert (principal.kind, principal.id, principal.role) == (PrincipalKind.STAFF, user.id, StaffRole.CASHIER)
    assert principal.session_id == session.session_id
    signed_in = await query_audit(action="staff.sign_in", outcome="ok")
    assert [e.actor for e in signed_in.entries] == [f"staff:{user.id}"]


async def test_totp_code_is_usable_once_even_on_a_new_challenge(db: str) -> None:
    _, secret = await _teller()
    code = totp.code_at(secret, totp.time_step(T0) + 1)
    first = await begin_staff_sign_in(username="ravi.k", password=PASSWORD, now=T0)
    await complete_staff_sign_in(challenge_token=first.challenge_token, code=code, now=T0)
    second = await begin_staff_sign_in(username="ravi.k", password=PASSWORD, now=T0)
    assert await _code_error(complete_staff_sign_in(challenge_token=second.challenge_token, code=code, now=T0)) \
        is ErrorCode.CODE_INVALID
    # An older step (-1) is refused too once a later step was used.
    older = totp.code_at(secret, totp.time_step(T0) - 1)
    assert await _code_error(complete_staff_sign_in(challenge_token=second.challenge_token, code=older, now=T0)) \
        is ErrorCode.CODE_INVALID


async def test_challenge_is_single_use_and_expires(db: str) -> None:
    _, secret = await _teller()
    challenge = await begin_staff_sign_in(username="ravi.k", password=PASSWORD, now=T0)
    late = T0 + timedelta(minutes=6)
    code = totp.code_at(secret, totp.time_step(late))
    assert await _code_error(complete_staff_sign_in(challenge_token=challenge.challenge_token, code=code, now=late)) \
        is ErrorCode.CHALLENGE_EXPIRED
    again = await begin_staff_sign_in(username="ravi.k", password=PASSWORD, now=late)
    await complete_staff_sign_in(challenge_token=again.challenge_token, code=code, now=late)
    assert await _code_error(complete_staff_sign_in(challenge_token=again.challenge_token, code=code, now=late)) \
        is ErrorCode.CHALLENGE_EXPIRED


async def test_unknown_user_and_wrong_password_answer_alike(db: str) -> None:
    await _teller()
    unknown = await _code_error(begin_staff_sign_in(username="nobody", password=PASSWORD, now=T0))
    wrong = await _code_error(begin_staff_sign_in(username="ravi.k", password="wrong password!", now=T0))
    assert unknown is wrong is ErrorCode.INVALID_CREDENTIALS
    with pytest.raises(DomainError) as a:
        await begin_staff_sign_in(username="nobody", password=PASSWORD, now=T0)
    with pytest.raises(DomainError) as b:
        await begin_staff_sign_in(username="ravi.k", password="wrong password!", now=T0)
    assert (a.value.message, a.value.field) == (b.value.message, b.value.field)
    denied = await query_audit(action="staff.sign_in", outcome="denied")
    assert {e.details["reason"] for e in denied.entries} == {"unknown user", "wrong password"}
    assert all(PASSWORD not in str(e.details) for e in denied.entries)


async def test_lockout_after_ten_failures_for_thirty_minutes(db: str) -> None:
    _, secret = await _teller()
    for i in range(MAX_FAILED_ATTEMPTS - 1):
        await _code_error(begin_staff_sign_in(username="ravi.k", password=f"wrong guess {i}", now=T0))
    # Nine failures: the right password still works.
    await begin_staff_sign_in(username="ravi.k", password=PASSWORD, now=T0)
    for i in range(MAX_FAILED_ATTEMPTS):
        await _code_error(begin_staff_sign_in(username="ravi.k", password=f"wrong guess {i}", now=T0))
    # Locked: even the right password gets the generic answer, as for an unknown user.
    during = T0 + timedelta(seconds=LOCKOUT_S - 1)
    assert await _code_error(begin_staff_sign_in(username="ravi.k", password=PASSWORD, now=during)) \
        is ErrorCode.INVALID_CREDENTIALS
    after = T0 + timedelta(seconds=LOCKOUT_S)
    challenge = await begin_staff_sign_in(username="ravi.k", password=PASSWORD, now=after)
    await complete_staff_sign_in(
        challenge_token=challenge.challenge_token, code=totp.code_at(secret, totp.time_step(after)), now=after
    )
    user = await StaffUser.get(username="ravi.k")
    assert user.failed_attempts == 0 and user.locked_until is None


async def test_wrong_codes_count_toward_lockout_and_then_say_locked(db: str) -> None:
    await _teller()
    for i in range(MAX_FAILED_ATTEMPTS - 1):
        await _code_error(begin_staff_sign_in(username="ravi.k", password=f"wrong guess {i}", now=T0))
    challenge = await begin_staff_sign_in(username="ravi.k", password=PASSWORD, now=T0)
    # The tenth failure is a wrong code: the caller who knows the password is told of the lock.
    assert await _code_error(complete_staff_sign_in(challenge_token=challenge.challenge_token, code="000000", now=T0)) \
        is ErrorCode.ACCOUNT_LOCKED


async def test_deactivated_user_loses_session_and_sign_in(db: str) -> None:
    user, secret = await _teller()
    challenge = await begin_staff_sign_in(username="ravi.k", password=PASSWORD, now=T0)
    session = await complete_staff_sign_in(
        challenge_token=challenge.challenge_token, code=totp.code_at(secret, totp.time_step(T0)), now=T0
    )
    assert await deactivate_staff_user(staff_user_id=user.id, actor="staff:1", now=T0) == 1
    assert await authenticate(session.token, now=T0) is None
    assert await _code_error(begin_staff_sign_in(username="ravi.k", password=PASSWORD, now=T0)) \
        is ErrorCode.INVALID_CREDENTIALS


async def test_create_admin_refuses_a_second_admin_unless_forced(db: str) -> None:
    await create_admin(username="root.admin", full_name="First Admin", password=PASSWORD)
    assert await _code_error(create_admin(username="other.admin", full_name="Second", password=PASSWORD)) \
        is ErrorCode.ADMIN_EXISTS
    await create_admin(username="other.admin", full_name="Second", password=PASSWORD, force=True)
    assert await _code_error(create_staff_user(username="ROOT.admin", full_name="X", role="clerk",
                                               password=PASSWORD, actor="t")) is ErrorCode.DUPLICATE_USERNAME
    assert await _code_error(create_staff_user(username="new.clerk", full_name="X", role="clerk",
                                               password="password1", actor="t")) is ErrorCode.WEAK_PASSWORD


async def test_a_hash_with_outdated_parameters_is_replaced_at_sign_in(db: str) -> None:
    from argon2 import PasswordHasher

    user, _ = await _teller()
    old = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1).hash(PASSWORD)
    await StaffUser.filter(id=user.id).update(password_hash=old)
    await begin_staff_sign_in(username=user.username, password=PASSWORD, now=T0)
    renewed = (await StaffUser.get(id=user.id)).password_hash
    assert renewed != old and renewed.startswith("$argon2id$")
    # a wrong password never rewrites the hash
    with pytest.raises(DomainError):
        await begin_staff_sign_in(username=user.username, password="wrong password here", now=T0)
    assert (await StaffUser.get(id=user.id)).password_hash == renewed

"""One-time codes under concurrency (issue 8 item 8): parallel guesses are all counted.

Ten guesses sent at once on one challenge must count as ten: each takes an attempt from
the challenge atomically before its code is checked, so only ``MAX_CODE_ATTEMPTS`` are
ever checked, and the fifth wrong one ends the challenge (the right code then fails too).
"""

from __future__ import annotations

import asyncio

from bankcore.errors import DomainError, ErrorCode
from bankcore.identity import step_up
from bankcore.identity.challenges import MAX_CODE_ATTEMPTS
from bankcore.identity.members_portal import begin_member_sign_in, complete_member_sign_in, set_member_password
from bankcore.identity.staff import begin_staff_sign_in, complete_staff_sign_in, create_staff_user
from bankcore.models import Branch, MemberCredential, SignInChallenge
from bankcore.services.members import register_member
from tests.identity.conftest import PASSWORD, T0


async def _codes(results: list[object]) -> list[ErrorCode]:
    out = []
    for r in results:
        assert isinstance(r, DomainError), r
        out.append(r.code)
    return out


def _wrong(right: str) -> str:
    return "000000" if right != "000000" else "111111"


async def _member():
    await Branch.get_or_create(code="001", defaults={"name": "Main"})
    member = await register_member(full_name="Asha Rao", branch_code="001", mobile="98123 45678")
    await set_member_password(member_id=member.id, password=PASSWORD, actor="staff:1")
    return member


async def test_ten_parallel_wrong_codes_count_as_ten_and_five_end_the_challenge(db: str, sms) -> None:
    member = await _member()
    challenge = await begin_member_sign_in(login="9812345678", password=PASSWORD, now=T0)
    right = sms.last_code()
    results = await asyncio.gather(
        *(complete_member_sign_in(challenge_token=challenge.challenge_token, code=_wrong(right), now=T0)
          for _ in range(10)),
        return_exceptions=True,
    )
    codes = await _codes(results)
    assert codes.count(ErrorCode.CODE_INVALID) == MAX_CODE_ATTEMPTS - 1
    # The fifth wrong guess ends the challenge; the other five are refused without a check.
    assert codes.count(ErrorCode.CHALLENGE_EXPIRED) == 10 - (MAX_CODE_ATTEMPTS - 1)
    row = await SignInChallenge.get()
    assert row.attempts == MAX_CODE_ATTEMPTS and row.consumed_at is not None
    # Exactly the checked guesses count toward the lockout.
    assert (await MemberCredential.get(member_id=member.id)).failed_attempts == MAX_CODE_ATTEMPTS
    try:
        await complete_member_sign_in(challenge_token=challenge.challenge_token, code=right, now=T0)
    except DomainError as e:
        assert e.code is ErrorCode.CHALLENGE_EXPIRED
    else:
        raise AssertionError("the right code after five wrong ones must not sign in")


async def test_fifth_sequential_wrong_code_ends_the_challenge(db: str, sms) -> None:
    await _member()
    challenge = await begin_member_sign_in(login="9812345678", password=PASSWORD, now=T0)
    right = sms.last_code()
    seen = []
    for _ in range(MAX_CODE_ATTEMPTS):
        try:
            await complete_member_sign_in(challenge_token=challenge.challenge_token, code=_wrong(right), now=T0)
        except DomainError as e:
            seen.append(e.code)
    assert seen == [ErrorCode.CODE_INVALID] * (MAX_CODE_ATTEMPTS - 1) + [ErrorCode.CHALLENGE_EXPIRED]
    assert (await SignInChallenge.get()).consumed_at is not None


async def test_a_right_code_after_four_wrong_ones_still_signs_in(db: str, sms) -> None:
    await _member()
    challenge = await begin_member_sign_in(login="9812345678", password=PASSWORD, now=T0)
    right = sms.last_code()
    for _ in range(MAX_CODE_ATTEMPTS - 1):
        try:
            await complete_member_sign_in(challenge_token=challenge.challenge_token, code=_wrong(right), now=T0)
        except DomainError:
            pass
    session = await complete_member_sign_in(challenge_token=challenge.challenge_token, code=right, now=T0)
    assert session.token


async def test_parallel_step_up_guesses_are_all_counted(db: str, sms) -> None:
    member = await _member()
    issued = await step_up.request_step_up(member_id=member.id, now=T0)
    right = sms.last_code()
    results = await asyncio.gather(
        *(step_up.verify_step_up(member_id=member.id, challenge_token=issued.challenge_token, code=_wrong(right),
                                 now=T0) for _ in range(10)),
        return_exceptions=True,
    )
    codes = await _codes(results)
    assert codes.count(ErrorCode.CODE_INVALID) == MAX_CODE_ATTEMPTS - 1
    assert (await SignInChallenge.get()).attempts == MAX_CODE_ATTEMPTS


async def test_parallel_staff_totp_guesses_are_all_counted(db: str) -> None:
    await create_staff_user(username="asha", full_name="Asha Rao", role="clerk", password=PASSWORD, actor="cli")
    challenge = await begin_staff_sign_in(username="asha", password=PASSWORD, now=T0)
    results = await asyncio.gather(
        *(complete_staff_sign_in(challenge_token=challenge.challenge_token, code="abc", now=T0) for _ in range(10)),
        return_exceptions=True,
    )
    codes = await _codes(results)
    assert codes.count(ErrorCode.CODE_INVALID) == MAX_CODE_ATTEMPTS - 1
    assert codes.count(ErrorCode.CHALLENGE_EXPIRED) == 10 - (MAX_CODE_ATTEMPTS - 1)

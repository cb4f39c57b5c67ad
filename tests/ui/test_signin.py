"""Sign-in through the page, both steps, for a member (sent code) and a staff user (TOTP)."""

from __future__ import annotations

from nicegui.testing import User

from bankcore.identity.members_portal import set_member_password
from bankcore.identity.staff import create_staff_user
from bankcore.identity.totp import code_at, time_step
from bankcore.identity.clock import utcnow
from bankcore.models import Member
from tests.ledger.factory import make_member, small_bank


async def test_member_signs_in_with_a_sent_code_and_lands_on_accounts(user: User, codes) -> None:
    # given
    await small_bank()
    number = await make_member("Asha Rao")
    await Member.filter(member_number=number).update(mobile="+919800000001")
    member = await Member.get(member_number=number)
    await set_member_password(member_id=member.id, password="correct horse battery", actor="test")
    # when
    await user.open("/signin")
    user.find(marker="login").type(number)
    user.find(marker="password").type("correct horse battery")
    user.find(marker="continue").click()
    await user.should_see("We sent a code to", retries=30)
    user.find(marker="code").type(codes.last_code())
    user.find(marker="sign-in").click()
    # then
    await user.should_see("My accounts", retries=30)


async def test_wrong_password_says_so_and_stays(user: User) -> None:
    await small_bank()
    await user.open("/signin")
    user.find(marker="login").type("12345678")
    user.find(marker="password").type("not the password")
    user.find(marker="continue").click()
    await user.should_see("wrong member number, mobile or password", retries=30)


async def test_staff_signs_in_with_authenticator_code(user: User) -> None:
    # given
    await small_bank()
    created = await create_staff_user(username="ravi", full_name="Ravi K", role="cashier",
                                      password="counter staff pass 9", actor="test")
    # when
    await user.open("/signin")
    user.find(marker="kind").elements.pop().value = "STAFF"
    user.find(marker="login").type("ravi")
    user.find(marker="password").type("counter staff pass 9")
    user.find(marker="continue").click()
    await user.should_see("authenticator app", retries=30)
    user.find(marker="code").type(code_at(created.totp.secret, time_step(utcnow())))
    user.find(marker="sign-in").click()
    # then
    await user.should_see("Counter", retries=30)


async def test_anyone_not_signed_in_lands_on_sign_in(user: User) -> None:
    await user.open("/member")
    await user.should_see("Member number or mobile")
    await user.open("/staff/cashier")
    await user.should_see("Member number or mobile")

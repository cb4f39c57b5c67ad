"""Credentials and sessions in the web app (issue 9 items 4 and 5), with NiceGUI's User fixture."""

from __future__ import annotations

import time
from datetime import date

from nicegui.testing import User

from bankcore.identity.clock import utcnow
from bankcore.identity.members_portal import set_member_password
from bankcore.identity.partners import create_api_client
from bankcore.identity.sessions import authenticate, note_session_origin, open_session
from bankcore.models import ApiClient, Member, MemberCredential, PrincipalKind, StaffRole, StaffUser
from bankcore.services.members import register_member
from graphql_api.ratelimit import reset_rate_limits
from tests.ledger.factory import small_bank
from tests.ui.conftest import sign_in_as

PASSWORD = "correct horse battery"
DOB = date(1980, 5, 17)


async def _staff(role: str, name: str | None = None) -> StaffUser:
    from bankcore.identity.passwords import hash_password

    return await StaffUser.create(username=name or f"{role}-{time.monotonic_ns()}", full_name=f"Test {role}",
                                  role=StaffRole(role), password_hash=await hash_password(PASSWORD), active=True)


async def test_clerk_gives_portal_access_and_the_member_sets_a_password(user: User, create_user, codes) -> None:  # noqa: ANN001
    await reset_rate_limits()
    await small_bank()
    asha = await register_member(full_name="Asha Rao", branch_code="001", date_of_birth=DOB, mobile="9812345678")
    clerk = await _staff("clerk")
    await sign_in_as(user, PrincipalKind.STAFF, clerk.id)
    await user.open("/staff/clerk")
    await user.should_see(marker="tab-portal", retries=60)
    user.find(marker="tab-portal").click()
    user.find(marker="portal-member").type(asha.member_number)
    user.find(marker="portal-grant").click()
    await user.should_see("Asha Rao can now set a password", retries=60)
    assert codes.sent[-1][0] == "+919812345678"
    # The member, on the sign-in page's "Set or forgot password".
    member = create_user()
    await member.open("/signin")
    member.find(marker="forgot-password").click()
    await member.should_see("Set or reset your password", retries=60)
    member.find(marker="reset-login").type(asha.member_number)
    member.find(marker="reset-dob").type("17-05-1980")
    member.find(marker="reset-send").click()
    await member.should_see("If the details match our records", retries=60)
    member.find(marker="reset-code").type(codes.last_code())
    member.find(marker="reset-password").type("my own good secret")
    member.find(marker="reset-password-again").type("my own good secret")
    member.find(marker="reset-set").click()
    await member.should_see("Your password is set", retries=80)
    from bankcore.identity.passwords import verify_password

    credential = await MemberCredential.get(member_id=asha.id)
    assert (await verify_password(credential.password_hash, "my own good secret")).ok


async def test_member_changes_password_and_ends_another_session(user: User) -> None:
    await small_bank()
    asha = await register_member(full_name="Asha Rao", branch_code="001", date_of_birth=DOB, mobile="9812345678")
    await set_member_password(member_id=asha.id, password=PASSWORD, actor="test")
    other = await open_session(kind=PrincipalKind.MEMBER, principal_id=asha.id, now=utcnow())
    await note_session_origin(session_id=other.session_id, device="Mozilla/5.0 (Linux; Android 14) Firefox/130.0",
                              client_address="203.0.113.9")
    await sign_in_as(user, PrincipalKind.MEMBER, asha.id)
    await user.open("/security")
    await user.should_see(marker="change-password", retries=60)
    await user.should_see("Firefox · Android", retries=60)
    await user.should_see("203.0.113.9")
    await user.should_see(marker="current-session")
    user.find(marker=f"end-session {other.session_id}").click()
    await user.should_see("Session ended.", retries=60)
    assert await authenticate(other.token) is None
    user.find(marker="current-password").type("not it at all")
    user.find(marker="new-password").type("a brand new secret")
    user.find(marker="new-password-again").type("a brand new secret")
    user.find(marker="change-password").click()
    await user.should_see("the current password is wrong", retries=60)
    user.find(marker="current-password").clear()
    user.find(marker="current-password").type(PASSWORD)
    user.find(marker="change-password").click()
    await user.should_see("Password changed.", retries=80)


async def test_admin_resets_a_password_and_the_user_must_choose_a_new_one(user: User, create_user) -> None:  # noqa: ANN001
    await small_bank()
    admin = await _staff("admin", "boss")
    clerk = await _staff("clerk", "kiran")
    await sign_in_as(user, PrincipalKind.STAFF, admin.id)
    await user.open("/staff/admin")
    await user.should_see(marker="reset kiran", retries=60)
    user.find(marker="reset kiran").click()
    await user.should_see(marker="reset-dialog")
    user.find(marker="temporary-password").type("temporary pass 42")
    user.find(marker="reset-confirm").click()
    await user.should_see("Temporary password set for kiran", retries=80)
    assert (await StaffUser.get(id=clerk.id)).must_change_password
    # Kiran signs in (with the temporary password and their code) and may do nothing else until they change it.
    kiran = create_user()
    await sign_in_as(kiran, PrincipalKind.STAFF, clerk.id)
    await kiran.open("/")
    await kiran.should_see(marker="must-change", retries=60)
    await kiran.open("/staff/clerk")
    await kiran.should_see("Choose a new password first", retries=60)
    await kiran.open("/security")
    await kiran.should_see(marker="change-password", retries=60)
    kiran.find(marker="current-password").type("temporary pass 42")
    kiran.find(marker="new-password").type("a lotus on the lake")
    kiran.find(marker="new-password-again").type("a lotus on the lake")
    kiran.find(marker="change-password").click()
    # Changed: the page goes on to the clerk's first page.
    await kiran.should_see(marker="member-search", retries=80)
    assert not (await StaffUser.get(id=clerk.id)).must_change_password


async def test_admin_sees_and_ends_staff_sessions_deactivates_and_rotates_a_client_secret(user: User, create_user) -> None:  # noqa: ANN001
    await small_bank()
    admin = await _staff("admin", "boss")
    clerk = await _staff("clerk", "kiran")
    clerk_session = await open_session(kind=PrincipalKind.STAFF, principal_id=clerk.id, now=utcnow())
    await note_session_origin(session_id=clerk_session.session_id, device="Chrome at counter 2", client_address="10.0.0.12")
    made = await create_api_client(name="Tally sync", scopes=["accounts:read"], created_by=admin.id)
    await sign_in_as(user, PrincipalKind.STAFF, admin.id)
    await user.open("/staff/admin")
    await user.should_see(marker="tab-sessions", retries=60)
    user.find(marker="tab-sessions").click()
    await user.should_see("Chrome at counter 2", retries=60)
    user.find(marker="end-staff-session kiran").click()
    await user.should_see("Session ended.", retries=60)
    assert await authenticate(clerk_session.token) is None
    user.find(marker="deactivate kiran").click()
    await user.should_see("kiran deactivated", retries=60)
    assert not (await StaffUser.get(id=clerk.id)).active
    user.find(marker="tab-clients").click()
    await user.should_see(marker=f"rotate {made.client.client_id}", retries=60)
    user.find(marker=f"rotate {made.client.client_id}").click()
    await user.should_see(marker="client-secret", retries=60)
    assert (await ApiClient.get(id=made.client.id)).secret_hash != made.client.secret_hash
    user.find(marker=f"deactivate-client {made.client.client_id}").click()
    await user.should_see(f"{made.client.client_id} deactivated", retries=60)
    assert not (await ApiClient.get(id=made.client.id)).active


async def test_ten_wrong_passwords_lock_the_login_and_the_page_says_until_when(user: User) -> None:
    await reset_rate_limits()
    await small_bank()
    await user.open("/signin")
    # A login that does not exist: the page must answer as it would for a real one.
    user.find(marker="login").type("12345678")
    for attempt in range(10):
        user.find(marker="password").clear()
        user.find(marker="password").type(f"wrong password {attempt}")
        user.find(marker="continue").click()
        if attempt < 9:
            await user.should_see("wrong member number, mobile or password", retries=80)
    await user.should_see("this login is locked until", retries=80)
    assert await Member.all().count() == 0
    await reset_rate_limits()

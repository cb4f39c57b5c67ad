"""Credentials for every member and staff user (issue 9 item 4) and sessions (item 5), through the API.

Sessions here are real ones (``open_session``), so listing and ending them is tested
against the database; principals come from ``authenticate`` like a real request's.
"""

from __future__ import annotations

from datetime import date

import pytest

from bankcore.identity import totp
from bankcore.identity.clock import utcnow
from bankcore.identity.sessions import authenticate, note_session_origin, open_session
from bankcore.identity.staff import create_staff_user
from bankcore.models import ApiClient, Member, MemberCredential, Notification, PrincipalKind, StaffUser
from bankcore.services.members import register_member, update_contact_details
from graphql_api.context import Context
from graphql_api.ratelimit import reset_rate_limits
from tests.api.helpers import anonymous, gql
from tests.identity.conftest import CapturingProvider
from tests.ledger.factory import small_bank

PASSWORD = "correct horse battery"
DOB = date(1980, 5, 17)


@pytest.fixture
def sms():
    from bankcore.identity import notifications, passwords

    provider = CapturingProvider()
    previous = notifications.set_notification_provider(provider)
    passwords.use_parameters(passwords.TEST_PARAMETERS)
    yield provider
    notifications.set_notification_provider(previous)


@pytest.fixture(autouse=True)
async def _fresh_limits() -> None:
    await reset_rate_limits()


async def _ctx(kind: PrincipalKind, principal_id: int, device: str = "Firefox on Android") -> Context:
    issued = await open_session(kind=kind, principal_id=principal_id, now=utcnow())
    await note_session_origin(session_id=issued.session_id, device=device, client_address="203.0.113.7")
    return Context(principal=await authenticate(issued.token), access_token=issued.token)


async def _clerk() -> Context:
    made = await create_staff_user(username="clerk1", full_name="Kiran Patil", role="clerk", password=PASSWORD, actor="t")
    return await _ctx(PrincipalKind.STAFF, made.user.id)


GRANT = "mutation G($n: String!) { grantPortalAccess(memberNumber: $n) { member { memberNumber } userErrors { code message } } }"
REQUEST = """mutation R($l: String!, $d: Date!) {
  requestPasswordReset(login: $l, dateOfBirth: $d) { challengeToken sentTo userErrors { code } } }"""
COMPLETE = """mutation C($t: String!, $c: String!, $p: String!) {
  completePasswordReset(challengeToken: $t, code: $c, newPassword: $p) { done userErrors { code field } } }"""
SIGN_IN = """mutation S($l: String!, $p: String!) {
  signInWithPassword(kind: MEMBER, login: $l, password: $p) { challengeToken userErrors { code } } }"""


async def test_a_clerk_gives_portal_access_and_the_member_sets_a_password_by_code(db: str, sms) -> None:
    await small_bank()
    asha = await register_member(full_name="Asha Rao", branch_code="001", date_of_birth=DOB, mobile="9812345678")
    clerk = await _clerk()
    granted = await gql(clerk, GRANT, n=asha.member_number)
    assert granted.data["grantPortalAccess"]["userErrors"] == []
    assert sms.sent[-1][1] == "+919812345678" and "Set or forgot password" in sms.sent[-1][2]
    again = await gql(clerk, GRANT, n=asha.member_number)
    assert again.data["grantPortalAccess"]["userErrors"][0]["code"] == "INVALID_INPUT"
    # No password yet: signing in fails like any wrong password.
    refused = await gql(anonymous(), SIGN_IN, l=asha.member_number, p=PASSWORD)
    assert refused.data["signInWithPassword"]["userErrors"][0]["code"] == "INVALID_CREDENTIALS"
    # The member: member number and date of birth, then the code sent to the registered mobile.
    asked = await gql(anonymous(), REQUEST, l=asha.member_number, d=DOB.isoformat())
    token = asked.data["requestPasswordReset"]["challengeToken"]
    code = sms.last_code()
    weak = await gql(anonymous(), COMPLETE, t=token, c=code, p="password1")
    assert weak.data["completePasswordReset"]["userErrors"][0]["code"] == "WEAK_PASSWORD"
    done = await gql(anonymous(), COMPLETE, t=token, c=code, p=PASSWORD)
    assert done.data["completePasswordReset"] == {"done": True, "userErrors": []}
    signed = await gql(anonymous(), SIGN_IN, l="9812345678", p=PASSWORD)
    assert signed.data["signInWithPassword"]["challengeToken"]


async def test_forgot_password_answers_alike_whatever_the_facts(db: str, sms) -> None:
    await small_bank()
    asha = await register_member(full_name="Asha Rao", branch_code="001", date_of_birth=DOB, mobile="9812345678")
    await gql(await _clerk(), GRANT, n=asha.member_number)
    sms.sent.clear()
    answers = []
    for login, dob in ((asha.member_number, date(1981, 1, 1)), ("99999997", DOB), ("9000000000", DOB)):
        result = await gql(anonymous(), REQUEST, l=login, d=dob.isoformat())
        payload = result.data["requestPasswordReset"]
        answers.append((payload["sentTo"], payload["userErrors"], bool(payload["challengeToken"])))
        bad = await gql(anonymous(), COMPLETE, t=payload["challengeToken"], c="123456", p=PASSWORD)
        assert bad.data["completePasswordReset"]["userErrors"][0]["code"] == "CODE_INVALID"
    assert len(set(map(str, answers))) == 1
    assert sms.sent == []  # nothing matched: no code went anywhere


CHANGE = """mutation P($c: String!, $n: String!) { changePassword(currentPassword: $c, newPassword: $n) {
  done endedSessions userErrors { code field } } }"""
MINE = "{ mySessions { id device clientAddress current } }"
END = "mutation E($id: ID!) { endSession(sessionId: $id) { ended } }"


async def test_members_and_staff_change_their_password_and_manage_their_sessions(db: str, sms) -> None:
    await small_bank()
    asha = await register_member(full_name="Asha Rao", branch_code="001", date_of_birth=DOB, mobile="9812345678")
    from bankcore.identity.members_portal import set_member_password

    await set_member_password(member_id=asha.id, password=PASSWORD, actor="t")
    phone = await _ctx(PrincipalKind.MEMBER, asha.id, device="Chrome on Android")
    laptop = await _ctx(PrincipalKind.MEMBER, asha.id, device="Firefox on Windows")
    listed = (await gql(phone, MINE)).data["mySessions"]
    assert {s["device"] for s in listed} == {"Chrome on Android", "Firefox on Windows"}
    assert [s["current"] for s in listed].count(True) == 1 and listed[0]["clientAddress"] == "203.0.113.7"
    other = next(s["id"] for s in listed if not s["current"])
    # Someone else's session cannot be ended by id.
    ravi = await register_member(full_name="Ravi Kumar", branch_code="001")
    ravi_ctx = await _ctx(PrincipalKind.MEMBER, ravi.id)
    assert (await gql(ravi_ctx, END, id=other)).data["endSession"]["ended"] is False
    assert (await gql(phone, END, id=other)).data["endSession"]["ended"] is True
    assert await authenticate(laptop.access_token) is None
    # Change password: the current one is checked; other sessions end, this one stays.
    third = await _ctx(PrincipalKind.MEMBER, asha.id)
    wrong = await gql(phone, CHANGE, c="not my password", n="a brand new secret")
    assert wrong.data["changePassword"]["userErrors"] == [{"code": "INVALID_CREDENTIALS", "field": "currentPassword"}]
    changed = await gql(phone, CHANGE, c=PASSWORD, n="a brand new secret")
    assert changed.data["changePassword"] == {"done": True, "endedSessions": 1, "userErrors": []}
    assert await authenticate(third.access_token) is None and await authenticate(phone.access_token) is not None
    # the member is told (inbox, and SMS whatever their channels: issue 14)
    assert await Notification.filter(member_id=asha.id, kind="password_changed").count() == 1
    # Staff, auditors included, change their own too.
    auditor = await create_staff_user(username="audit1", full_name="Uma Shah", role="auditor", password=PASSWORD,
                                      actor="t")
    as_auditor = await _ctx(PrincipalKind.STAFF, auditor.user.id)
    assert (await gql(as_auditor, CHANGE, c=PASSWORD, n="another long secret")).data["changePassword"]["done"] is True
    assert await Notification.filter(staff_id=auditor.user.id, kind="password_changed").count() == 1


RESET = """mutation R($id: ID!, $p: String!) { resetStaffPassword(staffUserId: $id, temporaryPassword: $p) {
  done userErrors { code } } }"""
STAFF_SESSIONS = "{ staffSessions { id username device current } }"
REVOKE = "mutation V($id: ID!) { revokeSession(sessionId: $id) { revoked } }"


async def test_admin_resets_a_password_that_must_be_changed_and_manages_staff_sessions(db: str) -> None:
    admin = await create_staff_user(username="boss", full_name="Mala Iyer", role="admin", password=PASSWORD, actor="t")
    clerk = await create_staff_user(username="clerk1", full_name="Kiran Patil", role="clerk", password=PASSWORD,
                                    actor="t")
    as_admin = await _ctx(PrincipalKind.STAFF, admin.user.id, device="Edge on Windows")
    clerk_ctx = await _ctx(PrincipalKind.STAFF, clerk.user.id, device="Chrome at counter 2")
    listed = (await gql(as_admin, STAFF_SESSIONS)).data["staffSessions"]
    assert {(s["username"], s["device"]) for s in listed} == {("boss", "Edge on Windows"),
                                                              ("clerk1", "Chrome at counter 2")}
    clerk_session = next(s["id"] for s in listed if s["username"] == "clerk1")
    assert (await gql(as_admin, REVOKE, id=clerk_session)).data["revokeSession"]["revoked"] is True
    assert await authenticate(clerk_ctx.access_token) is None
    # Reset: a temporary password; sign-in says it must be changed, and only that is allowed until then.
    reset = await gql(as_admin, RESET, id=str(clerk.user.id), p="temporary pass 42")
    assert reset.data["resetStaffPassword"] == {"done": True, "userErrors": []}
    from bankcore.identity.staff import begin_staff_sign_in

    challenge = await begin_staff_sign_in(username="clerk1", password="temporary pass 42")
    code = totp.code_at(clerk.totp.secret, totp.time_step(utcnow()))
    session = await gql(anonymous(), """mutation S($t: String!, $c: String!) { signInWithCode(kind: STAFF,
      challengeToken: $t, code: $c) { session { token mustChangePassword } userErrors { code } } }""",
                        t=challenge.challenge_token, c=code)
    tokens = session.data["signInWithCode"]["session"]
    assert tokens["mustChangePassword"] is True
    forced = Context(principal=await authenticate(tokens["token"]), access_token=tokens["token"])
    me = await gql(forced, "{ me { staff { mustChangePassword } } }")
    assert me.data["me"]["staff"]["mustChangePassword"] is True
    blocked = await gql(forced, "{ members { edges { node { memberNumber } } } }")
    assert blocked.errors and blocked.errors[0].extensions["code"] == "FORBIDDEN"
    changed = await gql(forced, CHANGE, c="temporary pass 42", n="my very own secret")
    assert changed.data["changePassword"]["done"] is True
    # the clerk's inbox tells of the reset and of their own change
    assert await Notification.filter(staff_id=clerk.user.id, kind="password_changed").count() == 2
    freed = Context(principal=await authenticate(tokens["token"]), access_token=tokens["token"])
    assert (await gql(freed, "{ members { edges { node { memberNumber } } } }")).errors is None


async def test_admin_deactivates_staff_and_clients_and_rotates_a_secret(db: str) -> None:
    from bankcore.identity.partners import create_api_client, issue_client_token

    admin = await create_staff_user(username="boss", full_name="Mala Iyer", role="admin", password=PASSWORD, actor="t")
    clerk = await create_staff_user(username="clerk1", full_name="Kiran Patil", role="clerk", password=PASSWORD,
                                    actor="t")
    as_admin = await _ctx(PrincipalKind.STAFF, admin.user.id)
    clerk_ctx = await _ctx(PrincipalKind.STAFF, clerk.user.id)
    deactivated = await gql(as_admin, """mutation D($id: ID!) { deactivateStaffUser(staffUserId: $id) {
      endedSessions userErrors { code } } }""", id=str(clerk.user.id))
    assert deactivated.data["deactivateStaffUser"] == {"endedSessions": 1, "userErrors": []}
    assert await authenticate(clerk_ctx.access_token) is None
    assert not (await StaffUser.get(id=clerk.user.id)).active
    myself = await gql(as_admin, """mutation D($id: ID!) { deactivateStaffUser(staffUserId: $id) {
      userErrors { code } } }""", id=str(admin.user.id))
    assert myself.data["deactivateStaffUser"]["userErrors"][0]["code"] == "INVALID_INPUT"
    made = await create_api_client(name="Tally sync", scopes=["accounts:read"], created_by=admin.user.id)
    old = await issue_client_token(client_id=made.client.client_id, client_secret=made.client_secret)
    rotated = await gql(as_admin, """mutation R($c: String!) { rotateClientSecret(clientId: $c) {
      clientSecret userErrors { code } } }""", c=made.client.client_id)
    secret = rotated.data["rotateClientSecret"]["clientSecret"]
    assert secret and secret != made.client_secret
    assert await authenticate(old.token) is None  # live tokens end with the old secret
    from bankcore.errors import DomainError

    with pytest.raises(DomainError):
        await issue_client_token(client_id=made.client.client_id, client_secret=made.client_secret)
    fresh = await issue_client_token(client_id=made.client.client_id, client_secret=secret)
    off = await gql(as_admin, """mutation D($c: String!) { deactivateApiClient(clientId: $c) {
      endedSessions userErrors { code } } }""", c=made.client.client_id)
    assert off.data["deactivateApiClient"] == {"endedSessions": 1, "userErrors": []}
    assert await authenticate(fresh.token) is None
    assert not (await ApiClient.get(id=made.client.id)).active


UNLOCK = """mutation U($id: ID, $n: String) { unlockLogin(staffUserId: $id, memberNumber: $n) { done userErrors { code } } }"""


async def test_a_manager_unlocks_a_locked_login(db: str) -> None:
    await small_bank()
    asha = await register_member(full_name="Asha Rao", branch_code="001", date_of_birth=DOB, mobile="9812345678")
    from bankcore.identity.members_portal import set_member_password

    await set_member_password(member_id=asha.id, password=PASSWORD, actor="t")
    await MemberCredential.filter(member_id=asha.id).update(failed_attempts=0, locked_until=utcnow().replace(year=2099))
    manager = await create_staff_user(username="mgr1", full_name="Meera Das", role="manager", password=PASSWORD,
                                      actor="t")
    as_manager = await _ctx(PrincipalKind.STAFF, manager.user.id)
    result = await gql(as_manager, UNLOCK, n=asha.member_number)
    assert result.data["unlockLogin"] == {"done": True, "userErrors": []}
    assert (await MemberCredential.get(member_id=asha.id)).locked_until is None
    await StaffUser.filter(username="mgr1").update(locked_until=None)
    clerk = await create_staff_user(username="clerk1", full_name="Kiran Patil", role="clerk", password=PASSWORD,
                                    actor="t")
    await StaffUser.filter(id=clerk.user.id).update(locked_until=utcnow().replace(year=2099))
    assert (await gql(as_manager, UNLOCK, id=str(clerk.user.id))).data["unlockLogin"]["done"] is True
    assert (await StaffUser.get(id=clerk.user.id)).locked_until is None
    await update_contact_details(member_number=asha.member_number, email="a@example.in")
    assert await Member.exists(id=asha.id)

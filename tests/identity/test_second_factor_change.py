"""Step-up before a second factor changes (issue 8 item 2).

A new mobile or e-mail is confirmed with a code sent to it, the old one gets a notice,
each change is audited (staff changes name the staff user); replacing an authenticator
needs the current password and a current code.
"""

from __future__ import annotations

import json

import pytest

from bankcore.errors import DomainError, ErrorCode
from bankcore.identity import totp
from bankcore.identity.contact_change import confirm_contact_change, request_contact_change
from bankcore.identity.members_portal import begin_member_sign_in, complete_member_sign_in, set_member_password
from bankcore.identity.staff import create_staff_user
from bankcore.identity.totp_store import totp_secret_of
from bankcore.models import AuditLog, Branch, Member, MemberCredential, StaffUser
from bankcore.services.members import register_member
from tests.api.helpers import gql, member, staff
from tests.identity.conftest import PASSWORD, T0


async def _member(name: str = "Asha Rao", mobile: str | None = "9812345678"):
    await Branch.get_or_create(code="001", defaults={"name": "Main"})
    m = await register_member(full_name=name, branch_code="001", mobile=mobile)
    await set_member_password(member_id=m.id, password=PASSWORD, actor="staff:1")
    return m


async def _error(call) -> DomainError:
    with pytest.raises(DomainError) as caught:
        await call
    return caught.value


async def _audit(action: str) -> list[AuditLog]:
    return await AuditLog.filter(action=action).order_by("id")


def _details(row: AuditLog) -> dict:
    return row.details if isinstance(row.details, dict) else json.loads(row.details)


async def test_a_new_mobile_is_confirmed_by_a_code_sent_to_it_and_the_old_one_is_told(db: str, sms) -> None:
    asha = await _member()
    issued = await request_contact_change(member_id=asha.id, mobile="98765 43210", actor=f"member:{asha.id}", now=T0)
    assert sms.sent[-1][1] == "+919876543210" and issued.sent_to.endswith("3210")
    code = sms.last_code()
    assert (await Member.get(id=asha.id)).mobile == "+919812345678"  # nothing changes before the code
    wrong = "000000" if code != "000000" else "111111"
    assert (await _error(confirm_contact_change(member_id=asha.id, challenge_token=issued.challenge_token, code=wrong,
                                                actor=f"member:{asha.id}", now=T0))).code is ErrorCode.CODE_INVALID
    changed = await confirm_contact_change(member_id=asha.id, challenge_token=issued.challenge_token, code=code,
                                           actor=f"member:{asha.id}", now=T0)
    assert changed.mobile == "+919876543210"
    channel, recipient, body = sms.sent[-1]
    assert recipient == "+919812345678" and "changed" in body and "3210" in body
    [row] = await _audit("member.change_mobile")
    assert row.actor == f"member:{asha.id}" and _details(row)["via"] == "code to the new destination"
    assert "9876543210" not in json.dumps(_details(row))
    # The code is used once.
    assert (await _error(confirm_contact_change(member_id=asha.id, challenge_token=issued.challenge_token, code=code,
                                                actor=f"member:{asha.id}", now=T0))).code is ErrorCode.CHALLENGE_EXPIRED


async def test_a_new_email_is_confirmed_the_same_way(db: str, sms) -> None:
    asha = await _member()
    issued = await request_contact_change(member_id=asha.id, email="asha@example.in", actor="member", now=T0)
    assert sms.sent[-1][:2] == ("email", "asha@example.in")
    changed = await confirm_contact_change(member_id=asha.id, challenge_token=issued.challenge_token,
                                           code=sms.last_code(), actor="member", now=T0)
    assert changed.email == "asha@example.in"


async def test_another_members_mobile_gets_the_same_answer_but_no_code_and_never_confirms(db: str, sms) -> None:
    asha = await _member()
    await _member("Ravi Kumar", mobile="9876543210")
    issued = await request_contact_change(member_id=asha.id, mobile="9876543210", actor="member", now=T0)
    assert issued.sent_to.endswith("3210") and issued.challenge_token
    assert sms.sent == []  # Ravi's phone gets nothing
    for guess in ("123456", "654321"):
        error = await _error(confirm_contact_change(member_id=asha.id, challenge_token=issued.challenge_token,
                                                    code=guess, actor="member", now=T0))
        assert error.code is ErrorCode.CODE_INVALID
    assert (await Member.get(id=asha.id)).mobile == "+919812345678"


async def test_a_contact_change_challenge_cannot_complete_a_sign_in(db: str, sms) -> None:
    asha = await _member()
    issued = await request_contact_change(member_id=asha.id, mobile="9876543210", actor="member", now=T0)
    error = await _error(complete_member_sign_in(challenge_token=issued.challenge_token, code=sms.last_code(), now=T0))
    assert error.code is ErrorCode.CHALLENGE_EXPIRED


async def test_requests_are_limited(db: str, sms) -> None:
    asha = await _member()
    for n in range(3):
        await request_contact_change(member_id=asha.id, mobile=f"987654321{n}", actor="member", now=T0)
    error = await _error(request_contact_change(member_id=asha.id, mobile="9876543219", actor="member", now=T0))
    assert error.code is ErrorCode.RATE_LIMITED


REQUEST = """mutation R($m: String) { requestContactChange(mobile: $m) { challengeToken sentTo userErrors { code } } }"""
CONFIRM = """mutation C($t: String!, $c: String!) {
  confirmContactChange(challengeToken: $t, code: $c) { member { mobile } userErrors { code } } }"""
UPDATE = """mutation U($input: UpdateMemberInput!) { updateMember(input: $input) { member { mobile } userErrors { code } } }"""


async def test_through_the_api_and_staff_changes_name_the_staff_user(db: str, sms) -> None:
    asha = await _member()
    asked = await gql(member(asha.id), REQUEST, m="9876543210")
    token = asked.data["requestContactChange"]["challengeToken"]
    done = await gql(member(asha.id), CONFIRM, t=token, c=sms.last_code())
    assert done.data["confirmContactChange"]["member"]["mobile"] == "+919876543210"
    # At the branch a clerk changes it directly; the audit log names the clerk, the old number is told.
    by_clerk = await gql(staff("clerk", id=7), UPDATE, input={"memberNumber": asha.member_number, "mobile": "9811111111"})
    assert by_clerk.data["updateMember"]["member"]["mobile"] == "+919811111111"
    rows = await _audit("member.change_mobile")
    assert [r.actor for r in rows] == [f"member:{asha.id}", "staff:7"]
    assert _details(rows[-1])["via"] == "at the branch"
    assert sms.sent[-1][1] == "+919876543210" and "changed" in sms.sent[-1][2]


ENROL = """mutation E($p: String, $c: String, $s: ID) {
  enrolTotp(staffUserId: $s, currentPassword: $p, currentCode: $c) { enrolment { secret } userErrors { code field } }
}"""


async def test_replacing_an_authenticator_needs_the_password_and_a_current_code(db: str, sms) -> None:
    asha = await _member()
    as_asha = member(asha.id)
    # First enrolment (codes by SMS until now): the password.
    no_password = await gql(as_asha, ENROL)
    assert no_password.data["enrolTotp"]["userErrors"] == [{"code": "STEP_UP_REQUIRED", "field": "currentPassword"}]
    first = await gql(as_asha, ENROL, p=PASSWORD)
    secret = first.data["enrolTotp"]["enrolment"]["secret"]
    # Replacing it: password and a current code.
    assert (await gql(as_asha, ENROL, p=PASSWORD)).data["enrolTotp"]["userErrors"][0]["field"] == "currentCode"
    assert (await gql(as_asha, ENROL, p="wrong password!", c="123456")).data["enrolTotp"]["userErrors"][0]["code"] \
        == "INVALID_CREDENTIALS"
    assert (await gql(as_asha, ENROL, p=PASSWORD, c="000000")).data["enrolTotp"]["userErrors"][0]["code"] in (
        "CODE_INVALID",)
    from bankcore.identity.clock import utcnow

    code = totp.code_at(secret, totp.time_step(utcnow()))
    replaced = await gql(as_asha, ENROL, p=PASSWORD, c=code)
    assert replaced.data["enrolTotp"]["userErrors"] == []
    assert totp_secret_of(await MemberCredential.get(member_id=asha.id)) == replaced.data["enrolTotp"]["enrolment"]["secret"]
    assert (await MemberCredential.get(member_id=asha.id)).failed_attempts == 2
    assert len(await _audit("member.enrol_totp")) == 2
    assert len(await _audit("identity.step_up")) == 2


async def test_staff_replace_their_own_with_step_up_and_an_admin_resets_anothers(db: str) -> None:
    clerk = await create_staff_user(username="ravi", full_name="Ravi Kumar", role="clerk", password=PASSWORD, actor="t")
    admin = await create_staff_user(username="boss", full_name="Mala Iyer", role="admin", password=PASSWORD, actor="t")
    as_clerk = staff("clerk", id=clerk.user.id)
    refused = await gql(as_clerk, ENROL, p=PASSWORD)
    assert refused.data["enrolTotp"]["userErrors"][0]["code"] == "STEP_UP_REQUIRED"
    from bankcore.identity.clock import utcnow

    ok = await gql(as_clerk, ENROL, p=PASSWORD, c=totp.code_at(clerk.totp.secret, totp.time_step(utcnow())))
    assert ok.data["enrolTotp"]["enrolment"]["secret"]
    # A clerk cannot reset someone else's by passing an id.
    other = await gql(as_clerk, ENROL, s=str(admin.user.id))
    assert other.data["enrolTotp"]["userErrors"][0]["code"] == "STEP_UP_REQUIRED"
    assert totp_secret_of(await StaffUser.get(id=admin.user.id)) == admin.totp.secret
    # The admin resets the clerk's (a lost phone) without the clerk's password; audited as the admin.
    reset = await gql(staff("admin", id=admin.user.id), ENROL, s=str(clerk.user.id))
    assert reset.data["enrolTotp"]["enrolment"]["secret"]
    assert (await _audit("staff.enrol_totp"))[-1].actor == f"staff:{admin.user.id}"


async def test_member_sign_in_still_works_after_a_confirmed_change(db: str, sms) -> None:
    asha = await _member()
    issued = await request_contact_change(member_id=asha.id, mobile="9876543210", actor="member", now=T0)
    await confirm_contact_change(member_id=asha.id, challenge_token=issued.challenge_token, code=sms.last_code(),
                                 actor="member", now=T0)
    challenge = await begin_member_sign_in(login="9876543210", password=PASSWORD, now=T0)
    assert sms.sent[-1][1] == "+919876543210"
    await complete_member_sign_in(challenge_token=challenge.challenge_token, code=sms.last_code(), now=T0)

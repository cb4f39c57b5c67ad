"""Security notices: a changed password or mobile number reaches the member's inbox (and SMS)."""

from __future__ import annotations

from bankcore.identity import passwords
from bankcore.identity.contact_change import staff_update_contact
from bankcore.identity.members_portal import set_member_password
from bankcore.models import Member, Notification
from tests.payments.factory import member_with_savings


async def test_a_replaced_password_and_a_changed_mobile_are_notified(db: str) -> None:
    member, _ = await member_with_savings()
    passwords.use_parameters(passwords.TEST_PARAMETERS)
    try:
        await set_member_password(member_id=member.id, password="correct horse battery", actor="staff:1")
        assert not await Notification.filter(member_id=member.id, kind="password_changed").exists()  # first one: no notice
        await set_member_password(member_id=member.id, password="another fine password", actor="member:1")
    finally:
        passwords.use_parameters(passwords.PRODUCTION_PARAMETERS)
    assert await Notification.filter(member_id=member.id, kind="password_changed").count() == 1
    number = (await Member.get(id=member.id)).member_number
    await staff_update_contact(member_number=number, actor="staff:1", mobile="+919811112222")
    notice = await Notification.get(member_id=member.id, kind="mobile_changed")
    assert "+919811112222" not in notice.params  # masked

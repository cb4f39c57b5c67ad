"""Maker-checker through the API: reversals and KYC approval need a second, different staff user."""

from __future__ import annotations

import pytest

from bankcore.models import Member
from tests.api.helpers import gql, staff
from tests.ledger.factory import make_account, small_bank

REGISTER = """
mutation Register($input: RegisterMemberInput!) {
  registerMember(input: $input) { member { memberNumber kycStatus pan aadhaarMasked } userErrors { field code } }
}"""
APPROVE_KYC = "mutation K($n: String!) { approveKyc(memberNumber: $n) { member { kycStatus } userErrors { code } } }"
REQUEST = 'mutation Q($e: ID!) { requestReversal(entryId: $e, reason: "keyed twice") { request { id status maker } userErrors { code } } }'
APPROVE = "mutation A($r: ID!) { approveReversal(requestId: $r) { request { status checker } entry { entryType reversesEntryId } userErrors { code } } }"
PENDING = "{ pendingApprovals { id objectRef } }"


async def test_kyc_is_approved_by_someone_other_than_the_registrar(db: str) -> None:
    # given: clerk 5 registers a member
    await small_bank()
    registered = await gql(staff("clerk", id=5), REGISTER, input={
        "fullName": "Lakshmi Iyer", "branchCode": "001", "pan": "abcpi1234k", "aadhaar": "234123412346"})
    member = registered.data["registerMember"]["member"]
    assert member["kycStatus"] == "PENDING" and member["pan"] == "ABCPI1234K" and member["aadhaarMasked"] == "XXXX XXXX 2346"
    number = member["memberNumber"]
    queue = await gql(staff("manager"), "{ members(kycStatus: PENDING) { edges { node { memberNumber } } } }")
    assert [e["node"]["memberNumber"] for e in queue.data["members"]["edges"]] == [number]
    # when: a manager who is the registrar tries, then a different manager
    await Member.filter(member_number=number).update(registered_by="staff:6")
    same = await gql(staff("manager", id=6), APPROVE_KYC, n=number)
    other = await gql(staff("manager", id=7), APPROVE_KYC, n=number)
    # then
    assert same.data["approveKyc"]["userErrors"][0]["code"] == "APPROVAL_SAME_USER"
    assert other.data["approveKyc"]["member"]["kycStatus"] == "VERIFIED"
    queue = await gql(staff("manager"), "{ members(kycStatus: PENDING) { edges { node { memberNumber } } } }")
    assert queue.data["members"]["edges"] == []
    # masked for roles that do not work with KYC
    seen_by_cashier = await gql(staff("cashier"), f'{{ member(memberNumber: "{number}") {{ pan }} }}')
    assert seen_by_cashier.data["member"]["pan"] == "XXXXX1234X"


async def test_reversal_needs_a_second_staff_user(db: str) -> None:
    # given
    await small_bank()
    await make_account("SB0", deposit="100.00")
    entries = await gql(staff("accountant"), "{ journalEntries(first: 1) { edges { node { entryId } } } }")
    entry_id = entries.data["journalEntries"]["edges"][0]["node"]["entryId"]
    # when: accountant 3 asks; the same accountant tries to approve; a manager approves
    asked = await gql(staff("accountant", id=3), REQUEST, e=entry_id)
    request_id = asked.data["requestReversal"]["request"]["id"]
    pending = await gql(staff("manager", id=4), PENDING)
    self_approved = await gql(staff("accountant", id=3), APPROVE, r=request_id)
    approved = await gql(staff("manager", id=4), APPROVE, r=request_id)
    again = await gql(staff("admin", id=9), APPROVE, r=request_id)
    # then
    assert asked.data["requestReversal"]["request"]["status"] == "pending"
    assert [p["objectRef"] for p in pending.data["pendingApprovals"]] == [f"journal_entry:{entry_id}"]
    assert self_approved.data["approveReversal"]["userErrors"][0]["code"] == "APPROVAL_SAME_USER"
    payload = approved.data["approveReversal"]
    assert payload["request"] == {"status": "approved", "checker": "staff:4"}
    assert payload["entry"] == {"entryType": "REVERSAL", "reversesEntryId": entry_id}
    assert again.data["approveReversal"]["userErrors"][0]["code"] == "INVALID_INPUT"
    assert (await gql(staff("manager"), PENDING)).data["pendingApprovals"] == []


async def test_a_rejected_request_posts_nothing_and_cannot_be_approved(db: str) -> None:
    from bankcore.approvals import reject_request, request_reversal
    from bankcore.errors import DomainError
    from bankcore.models import JournalEntry

    await small_bank()
    await make_account("SB0", deposit="5.00")
    entry = await JournalEntry.all().order_by("-id").first()
    request = await request_reversal(entry_id=entry.id, reason="typo", maker="staff:1")
    with pytest.raises(DomainError):
        await reject_request(request_id=request.id, checker="staff:1")
    rejected = await reject_request(request_id=request.id, checker="staff:2")
    assert rejected.status == "rejected"
    result = await gql(staff("manager", id=3), APPROVE, r=str(request.id))
    assert result.data["approveReversal"]["userErrors"][0]["code"] == "INVALID_INPUT"
    assert await JournalEntry.filter(reverses_id=entry.id).count() == 0

"""KYC through the API: uploads checked from their content, who may see scans, the checker's
view (details, documents, maker) and rejection with a reason the maker reads."""

from __future__ import annotations

import base64
from pathlib import Path

from bankcore.calendar.business_date import business_date
from bankcore.models import AuditLog, Member, StaffRole, StaffUser
from bankcore.settings import set_setting
from tests.api.helpers import codes, gql, member, partner, staff
from tests.ledger.factory import make_account, small_bank
from tests.members.samples import PDF, image

REGISTER = """
mutation Register($input: RegisterMemberInput!) { registerMember(input: $input) { member { memberNumber } userErrors { code } } }"""
UPLOAD = """
mutation Upload($input: UploadKycDocumentInput!) {
  uploadKycDocument(input: $input) {
    document { id docType referenceMasked hasScan contentType sizeBytes fileName uploadedBy }
    userErrors { field code }
  }
}"""
FILE = "query F($id: ID!) { kycDocumentFile(documentId: $id) { contentType fileName sizeBytes contentBase64 } }"
REVIEW = """
query Review($n: String!) {
  member(memberNumber: $n) {
    fullName pan aadhaarMasked kycStatus riskCategory reKycDueOn kycVerifiedOn kycRejectionReason kycRejectedBy
    registeredBy registeredByMe kycDocuments { id docType referenceMasked hasScan contentType }
  }
}"""
REJECT = "mutation R($n: String!, $r: String!) { rejectKyc(memberNumber: $n, reason: $r) { member { kycStatus kycRejectionReason } userErrors { code } } }"
APPROVE = "mutation A($n: String!, $risk: RiskCategory) { approveKyc(memberNumber: $n, riskCategory: $risk) { member { kycStatus riskCategory kycVerifiedOn reKycDueOn } userErrors { code } } }"
MINE = """
{ pending: members(registeredByMe: true, kycStatus: PENDING) { edges { node { memberNumber } } }
  rejected: members(registeredByMe: true, kycStatus: REJECTED) { edges { node { memberNumber kycRejectionReason kycRejectedBy } } } }"""


async def _staff(id: int, role: str, name: str) -> None:
    await StaffUser.create(id=id, username=name.split()[0].lower(), full_name=name, role=StaffRole(role),
                           password_hash="not-used", active=True)


async def _registered_by_clerk_5() -> str:
    await small_bank()
    await _staff(5, "clerk", "Kavita Joshi")
    await _staff(6, "manager", "Manoj Rane")
    done = await gql(staff("clerk", id=5), REGISTER, input={
        "fullName": "Lakshmi Iyer", "branchCode": "001", "pan": "ABCPI1234K", "aadhaar": "234123412346"})
    return done.data["registerMember"]["member"]["memberNumber"]


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


async def test_a_clerk_uploads_a_scan_and_only_kyc_staff_and_the_auditor_may_view_it(db: str, document_folder: Path) -> None:
    # given
    number = await _registered_by_clerk_5()
    scan = image("PNG")
    # when
    uploaded = await gql(staff("clerk", id=5), UPLOAD, input={
        "memberNumber": number, "docType": "AADHAAR", "reference": "2341 2341 2346", "contentBase64": b64(scan),
        "fileName": "../../aadhaar front.png"})
    # then: recorded, number masked, type from the content
    document = uploaded.data["uploadKycDocument"]["document"]
    assert uploaded.data["uploadKycDocument"]["userErrors"] == []
    assert {k: document[k] for k in ("docType", "referenceMasked", "hasScan", "contentType", "sizeBytes", "fileName", "uploadedBy")} == {
        "docType": "aadhaar", "referenceMasked": "XXXXXXXX2346", "hasScan": True, "contentType": "image/png",
        "sizeBytes": len(scan), "fileName": "aadhaar front.png", "uploadedBy": "staff:5"}
    # who may see the scan
    for role in ("admin", "manager", "clerk", "auditor"):
        seen = await gql(staff(role, id=9), FILE, id=document["id"])
        assert seen.errors is None, role
        file = seen.data["kycDocumentFile"]
        assert base64.b64decode(file["contentBase64"]) == scan
        assert (file["contentType"], file["fileName"]) == ("image/png", f"aadhaar-{number}-{document['id']}.png")
    for context in (staff("cashier"), staff("accountant"), member(1), partner({"accounts:read"}, member_id=1)):
        refused = await gql(context, FILE, id=document["id"])
        assert codes(refused) == ["FORBIDDEN"] and not (refused.data or {}).get("kycDocumentFile")
    # an unknown id answers null; each viewing is audited
    assert (await gql(staff("manager"), FILE, id="999999")).data["kycDocumentFile"] is None
    assert await AuditLog.filter(action="kyc_document.view").count() == 4


async def test_uploads_are_refused_with_typed_codes(db: str, document_folder: Path) -> None:
    number = await _registered_by_clerk_5()
    base = {"memberNumber": number, "docType": "PAN", "reference": "ABCPI1234K"}

    async def code(content_base64: str, context=None) -> list[str]:  # noqa: ANN001
        result = await gql(context or staff("clerk", id=5), UPLOAD, input={**base, "contentBase64": content_base64})
        if result.errors:
            return codes(result)
        return [e["code"] for e in result.data["uploadKycDocument"]["userErrors"]]

    assert await code(b64(b"<html><body>not a scan</body></html>")) == ["INVALID_DOCUMENT"]
    assert await code("this is not base64!") == ["INVALID_DOCUMENT"]
    assert await code(b64(image("PNG")[:60])) == ["INVALID_DOCUMENT"]
    assert await code(b64(PDF), staff("cashier")) == ["FORBIDDEN"]
    assert await code(b64(PDF), member(1)) == ["FORBIDDEN"]
    limit = "query { kycDocumentMaxBytes }"
    assert (await gql(staff("clerk", id=5), limit)).data == {"kycDocumentMaxBytes": 5 * 1024 * 1024}
    await set_setting("kyc.document_max_bytes", 100, effective_from=await business_date(), set_by="test")
    assert await code(b64(PDF)) == ["DOCUMENT_TOO_LARGE"]
    assert (await gql(staff("clerk", id=5), limit)).data == {"kycDocumentMaxBytes": 100}
    assert codes(await gql(staff("cashier"), limit)) == ["FORBIDDEN"]
    review = await gql(staff("manager", id=6), REVIEW, n=number)
    assert review.data["member"]["kycDocuments"] == []


async def test_the_checker_sees_what_they_approve_and_rejects_with_a_reason_the_maker_reads(db: str, document_folder: Path) -> None:
    # given: clerk 5 registered a member and uploaded a PDF
    number = await _registered_by_clerk_5()
    await gql(staff("clerk", id=5), UPLOAD, input={"memberNumber": number, "docType": "PAN", "reference": "ABCPI1234K",
                                                   "contentBase64": b64(PDF)})
    # when: the manager opens the review
    review = (await gql(staff("manager", id=6), REVIEW, n=number)).data["member"]
    # then: details in full for the checker, the documents masked, the maker named
    assert (review["fullName"], review["pan"], review["aadhaarMasked"], review["kycStatus"]) == (
        "Lakshmi Iyer", "ABCPI1234K", "XXXX XXXX 2346", "PENDING")
    assert (review["registeredBy"], review["registeredByMe"], review["riskCategory"]) == ("Kavita Joshi (kavita)", False, "LOW")
    assert review["kycDocuments"] == [{"id": review["kycDocuments"][0]["id"], "docType": "pan", "referenceMasked": "XXXXXX234K",
                                       "hasScan": True, "contentType": "application/pdf"}]
    assert (await gql(staff("clerk", id=5), REVIEW, n=number)).data["member"]["registeredByMe"] is True
    # a member never sees the bank's KYC review fields
    own = await Member.get(member_number=number)
    mine = (await gql(member(own.id), REVIEW, n=number)).data["member"]
    assert (mine["riskCategory"], mine["registeredBy"], mine["kycDocuments"]) == (None, None, [])
    # when: a manager who registered would be refused; the checker rejects without, then with a reason
    assert (await gql(staff("manager", id=5), REJECT, n=number, r="x")).data["rejectKyc"]["userErrors"] == [{"code": "APPROVAL_SAME_USER"}]
    assert (await gql(staff("manager", id=6), REJECT, n=number, r=" ")).data["rejectKyc"]["userErrors"] == [{"code": "INVALID_INPUT"}]
    rejected = await gql(staff("manager", id=6), REJECT, n=number, r="PAN scan is of someone else")
    assert rejected.data["rejectKyc"]["member"] == {"kycStatus": "REJECTED", "kycRejectionReason": "PAN scan is of someone else"}
    assert (await gql(staff("clerk", id=5), REJECT, n=number, r="no")).errors[0].extensions["code"] == "FORBIDDEN"
    # then: the maker reads it among their own registrations
    mine = (await gql(staff("clerk", id=5), MINE)).data
    assert mine["pending"]["edges"] == []
    assert mine["rejected"]["edges"] == [{"node": {"memberNumber": number, "kycRejectionReason": "PAN scan is of someone else",
                                                   "kycRejectedBy": "Manoj Rane (manoj)"}}]
    assert (await gql(staff("manager", id=6), MINE)).data["rejected"]["edges"] == []
    assert await AuditLog.filter(action="kyc.reject", actor="staff:6").exists()


async def test_approving_with_a_risk_category_sets_the_re_kyc_date(db: str) -> None:
    number = await _registered_by_clerk_5()
    today = await business_date()
    approved = await gql(staff("manager", id=6), APPROVE, n=number, risk="HIGH")
    member_row = approved.data["approveKyc"]["member"]
    assert member_row["kycStatus"] == "VERIFIED" and member_row["riskCategory"] == "HIGH"
    assert member_row["kycVerifiedOn"] == today.isoformat()
    assert member_row["reKycDueOn"] == today.replace(year=today.year + 2).isoformat()

SET_RISK = """
mutation S($input: SetMemberRiskCategoryInput!) {
  setMemberRiskCategory(input: $input) { member { riskCategory kycVerifiedOn reKycDueOn } userErrors { field code } }
}"""


async def test_a_manager_re_assesses_the_risk_and_the_re_kyc_date_follows(db: str) -> None:
    # given a member verified as low risk (KYC due again in 10 years)
    number = await _registered_by_clerk_5()
    verified = await business_date()
    await gql(staff("manager", id=6), APPROVE, n=number, risk="LOW")

    def change(risk: str, reason: str = "Named in adverse media", n: str = number) -> dict:
        return {"memberNumber": n, "riskCategory": risk, "reason": reason}

    # when the manager raises it to HIGH
    done = (await gql(staff("manager", id=6), SET_RISK, input=change("HIGH"))).data["setMemberRiskCategory"]
    # then KYC is due 2 years after the same verification date, and the audit log says who, why and what changed
    assert done["userErrors"] == []
    assert done["member"] == {"riskCategory": "HIGH", "kycVerifiedOn": verified.isoformat(),
                              "reKycDueOn": verified.replace(year=verified.year + 2).isoformat()}
    row = await AuditLog.get(action="kyc.risk_category", actor="staff:6")
    assert row.object_id == number and "Named in adverse media" in row.details and '"from":"low"' in row.details
    assert (await Member.get(member_number=number)).re_kyc_due_on == verified.replace(year=verified.year + 2)
    # bad input: userErrors with a code, nothing written
    for bad, field, code in ((change("HIGH"), "riskCategory", "INVALID_INPUT"),
                             (change("MEDIUM", reason="  "), "reason", "INVALID_INPUT"),
                             (change("MEDIUM", n="99999999"), "memberNumber", "NOT_FOUND")):
        refused = (await gql(staff("admin"), SET_RISK, input=bad)).data["setMemberRiskCategory"]
        assert (refused["member"], refused["userErrors"]) == (None, [{"field": field, "code": code}]), bad
    assert (await Member.get(member_number=number)).risk_category == "high"
    assert await AuditLog.filter(action="kyc.risk_category").count() == 1
    # the clerk who registered the member may not change it
    assert codes(await gql(staff("clerk", id=5), SET_RISK, input=change("LOW"))) == ["FORBIDDEN"]


async def test_a_member_not_yet_verified_gets_the_category_but_no_due_date(db: str) -> None:
    number = await _registered_by_clerk_5()
    done = await gql(staff("manager", id=6), SET_RISK,
                     input={"memberNumber": number, "riskCategory": "MEDIUM", "reason": "Cash-intensive business"})
    assert done.data["setMemberRiskCategory"]["member"] == {"riskCategory": "MEDIUM", "kycVerifiedOn": None,
                                                            "reKycDueOn": None}
    # approval then counts the due date from the category set (8 years for medium)
    today = await business_date()
    approved = (await gql(staff("manager", id=6), APPROVE, n=number)).data["approveKyc"]["member"]
    assert approved["reKycDueOn"] == today.replace(year=today.year + 8).isoformat()


async def test_a_reversal_request_shows_the_entry_and_its_maker_sees_it_waiting(db: str) -> None:
    # given: accountant 3 asks for a reversal of a deposit
    await small_bank()
    await _staff(3, "accountant", "Anita Desai")
    account = await make_account("SB0", deposit="250.00")
    entries = await gql(staff("accountant"), "{ journalEntries(first: 1) { edges { node { entryId } } } }")
    entry_id = entries.data["journalEntries"]["edges"][0]["node"]["entryId"]
    await gql(staff("accountant", id=3), 'mutation Q($e: ID!) { requestReversal(entryId: $e, reason: "keyed twice") { request { id } } }', e=entry_id)
    queue = """{ pendingApprovals { reason makerName madeByMe
                 entry { entryId valueDate narration postings { ledgerAccountCode side amount { amount currency } } } } }"""
    # when: the checker and the maker look at the queue
    checker_view = (await gql(staff("manager", id=4), queue)).data["pendingApprovals"]
    maker_view = (await gql(staff("accountant", id=3), queue)).data["pendingApprovals"]
    # then
    request = checker_view[0]
    assert (request["reason"], request["makerName"], request["madeByMe"]) == ("keyed twice", "Anita Desai (anita)", False)
    assert request["entry"]["entryId"] == entry_id and request["entry"]["valueDate"]
    assert {(p["ledgerAccountCode"], p["side"], p["amount"]["amount"]) for p in request["entry"]["postings"]} >= {
        (account, "CREDIT", "250.00")}
    assert maker_view[0]["madeByMe"] is True

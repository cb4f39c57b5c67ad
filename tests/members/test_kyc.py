"""KYC: documents, the checker's decision, re-KYC due dates (bankcore services, real DB)."""

from __future__ import annotations

import hashlib
from datetime import date
from pathlib import Path

import pytest

from bankcore.approvals import approve_request, request_reversal
from bankcore.calendar.business_date import business_date, ensure_calendar, set_business_date_at_least
from bankcore.documents.store import DocumentMissing, LocalFolderStore
from bankcore.errors import DomainError, ErrorCode
from bankcore.members.kyc import document_size_limit, read_kyc_document, reject_kyc, verify_kyc
from bankcore.models import AuditLog, JournalEntry, KycDocument, KycDocumentType, KycStatus, Member
from bankcore.models.approval import ApprovalRequest, ApprovalStatus
from bankcore.models.member import RiskCategory
from bankcore.reports.lists import kyc_due
from bankcore.services.members import record_kyc_document, register_member
from bankcore.settings import set_setting
from tests.ledger.factory import make_account, make_member, small_bank
from tests.members.samples import PDF, image


async def test_document_expiry_is_judged_on_the_business_date_not_the_wall_clock(db: str) -> None:
    # given: the bank's business date is in 2024 (tests and imports run in the past)
    await ensure_calendar(start=date(2024, 1, 15))
    await small_bank()
    number = await make_member("Anil Kulkarni")
    # when: a passport valid until mid-2025 (long past by the wall clock), and one that
    # expired the day before the business date
    valid = await record_kyc_document(member_number=number, doc_type=KycDocumentType.PASSPORT, reference="Z1234567",
                                      issued_on=date(2015, 7, 1), expires_on=date(2025, 6, 30))
    with pytest.raises(DomainError) as expired:
        await record_kyc_document(member_number=number, doc_type=KycDocumentType.PASSPORT, reference="Z7654321",
                                  expires_on=date(2024, 1, 14))
    # then
    assert valid.expires_on == date(2025, 6, 30)
    assert expired.value.code is ErrorCode.INVALID_DATE


async def code_of(awaitable) -> ErrorCode:  # noqa: ANN001
    with pytest.raises(DomainError) as refused:
        await awaitable
    return refused.value.code


async def test_verifying_sets_the_re_kyc_date_by_risk_and_re_kyc_is_possible_once_due(db: str) -> None:
    # given: a member registered by clerk 5, on a leap day
    await ensure_calendar(start=date(2024, 2, 29))
    await small_bank()
    member = await register_member(full_name="Ritu Shah", branch_code="001", registered_by="staff:5")
    # when: manager 6 verifies as high risk
    verified = await verify_kyc(member_number=member.member_number, checker="staff:6", risk_category=RiskCategory.HIGH)
    # then: due two years on (29 Feb falls back to 28 Feb), and the decision is audited
    assert (verified.kyc_status, verified.kyc_verified_by, verified.kyc_verified_on, verified.re_kyc_due_on) == (
        KycStatus.VERIFIED, "staff:6", date(2024, 2, 29), date(2026, 2, 28))
    audit = await AuditLog.get(action="kyc.verify")
    assert (audit.actor, audit.object_id) == ("staff:6", member.member_number)
    # not again before it is due; again once due, with the default (low) period from a new risk
    assert await code_of(verify_kyc(member_number=member.member_number, checker="staff:6")) is ErrorCode.INVALID_INPUT
    await set_business_date_at_least(date(2026, 2, 28))
    again = await verify_kyc(member_number=member.member_number, checker="staff:7", risk_category=RiskCategory.LOW)
    assert (again.kyc_verified_on, again.re_kyc_due_on) == (date(2026, 2, 28), date(2036, 2, 28))


async def test_the_re_kyc_period_is_a_setting(db: str) -> None:
    await ensure_calendar(start=date(2025, 4, 1))
    await small_bank()
    await set_setting("kyc.re_kyc_years_medium", 5, effective_from=date(2025, 4, 1), set_by="test")
    number = await make_member("Om Prakash", verified=False)
    verified = await verify_kyc(member_number=number, risk_category=RiskCategory.MEDIUM)
    assert verified.re_kyc_due_on == date(2030, 4, 1)


async def test_the_checker_rejects_with_a_reason_the_maker_reads_and_a_new_document_sends_it_back(
        db: str, document_folder: Path) -> None:
    # given
    await small_bank()
    member = await register_member(full_name="Farida Khan", branch_code="001", registered_by="staff:5")
    number = member.member_number
    # when: the maker tries to decide their own registration; a checker gives no reason; then one
    assert await code_of(reject_kyc(member_number=number, checker="staff:5", reason="blurred")) is ErrorCode.APPROVAL_SAME_USER
    assert await code_of(reject_kyc(member_number=number, checker="staff:6", reason="   ")) is ErrorCode.INVALID_INPUT
    rejected = await reject_kyc(member_number=number, checker="staff:6", reason="Address  proof is   blurred")
    # then: stored (spaces tidied), audited with the reason, and not rejectable twice
    stored = await Member.get(member_number=number)
    assert (stored.kyc_status, stored.kyc_rejection_reason, stored.kyc_rejected_by) == (
        KycStatus.REJECTED, "Address proof is blurred", "staff:6")
    assert rejected.kyc_rejected_on is not None
    audit = await AuditLog.get(action="kyc.reject")
    assert audit.actor == "staff:6" and "Address proof is blurred" in (audit.details or "")
    assert await code_of(reject_kyc(member_number=number, checker="staff:6", reason="again")) is ErrorCode.INVALID_INPUT
    # when: the maker uploads a clear scan
    await record_kyc_document(member_number=number, doc_type=KycDocumentType.UTILITY_BILL, reference="EB-99887766",
                              content=image("PNG"), file_name="bill.png", uploaded_by="staff:5")
    # then: back before a checker, the old reason still shown until the decision
    again = await Member.get(member_number=number)
    assert (again.kyc_status, again.kyc_rejection_reason) == (KycStatus.PENDING, "Address proof is blurred")
    verified = await verify_kyc(member_number=number, checker="staff:6")
    assert (verified.kyc_status, verified.kyc_rejection_reason, verified.kyc_rejected_by) == (KycStatus.VERIFIED, None, None)


async def test_self_approval_of_a_reversal_is_refused_and_the_request_stays_pending(db: str) -> None:
    await small_bank()
    await make_account("SB0", deposit="50.00")
    entry = await JournalEntry.all().order_by("-id").first()
    request = await request_reversal(entry_id=entry.id, reason="keyed twice", maker="staff:3")
    assert await code_of(approve_request(request_id=request.id, checker="staff:3")) is ErrorCode.APPROVAL_SAME_USER
    assert (await ApprovalRequest.get(id=request.id)).status == ApprovalStatus.PENDING
    assert await JournalEntry.filter(reverses_id=entry.id).count() == 0


async def test_an_upload_is_typed_from_its_content_and_stored_under_its_hash(db: str, document_folder: Path) -> None:
    # given
    await small_bank()
    number = await make_member("Sunil Gavaskar", verified=False)
    scan = image("JPEG")
    # when: a JPEG named like a PDF, sent from a path
    document = await record_kyc_document(member_number=number, doc_type=KycDocumentType.AADHAAR, reference="2341 2341 2346",
                                         content=scan, file_name="C:\\Users\\clerk\\..\\aadhaar.pdf", uploaded_by="staff:5")
    # then: typed from the bytes, named by its hash, the name kept for display only
    key = hashlib.sha256(scan).hexdigest()
    assert (document.content_type, document.size_bytes, document.storage_key, document.file_name) == (
        "image/jpeg", len(scan), key, "aadhaar.pdf")
    assert (document_folder / key[:2] / key).read_bytes() == scan
    assert document.reference_masked == "XXXXXXXX2346"
    # and a permitted viewer reads it back; the viewing is audited
    row, data = await read_kyc_document(document_id=document.id, viewer="staff:6")
    assert (row.id, data) == (document.id, scan)
    assert await AuditLog.filter(action="kyc_document.view", actor="staff:6", object_id=str(document.id)).exists()
    # a PDF and a PNG are accepted too
    for content, kind in ((PDF, "application/pdf"), (image("PNG"), "image/png")):
        doc = await record_kyc_document(member_number=number, doc_type=KycDocumentType.PAN, reference="ABCPE1234F",
                                        content=content)
        assert doc.content_type == kind


async def test_uploads_that_are_not_whole_pdf_jpeg_or_png_are_refused(db: str, document_folder: Path) -> None:
    await small_bank()
    number = await make_member("Mary Kom", verified=False)
    png = image("PNG")
    bad = {
        "html renamed": b"<html><script>alert(1)</script></html>",
        "exe": b"MZ\x90\x00" + bytes(200),
        "empty": b"",
        "gif": b"GIF89a" + bytes(40),
        "truncated png": png[: len(png) // 2],
        "png with a broken chunk": png[:40] + bytes(8) + png[48:],
        "pdf without its end": PDF[:60],
    }
    for label, content in bad.items():
        code = await code_of(record_kyc_document(member_number=number, doc_type=KycDocumentType.PAN, reference="ABCPE1234F",
                                                 content=content))
        assert code is ErrorCode.INVALID_DOCUMENT, label
    assert await KycDocument.all().count() == 0
    assert not document_folder.exists() or not any(document_folder.rglob("*"))


async def test_an_upload_over_the_size_setting_is_refused(db: str, document_folder: Path) -> None:
    await small_bank()
    number = await make_member("Leela Naidu", verified=False)
    await set_setting("kyc.document_max_bytes", 300, effective_from=await business_date(), set_by="test")
    big = PDF + b"%" + b"x" * 400 + b"\n%%EOF\n"
    assert await code_of(record_kyc_document(member_number=number, doc_type=KycDocumentType.PAN, reference="ABCPE1234F",
                                             content=big)) is ErrorCode.DOCUMENT_TOO_LARGE
    assert await document_size_limit() == 300


async def test_the_store_takes_only_content_hashes_and_notices_damage(tmp_path: Path) -> None:
    store = LocalFolderStore(tmp_path)
    key = await store.put(b"scan")
    assert key == hashlib.sha256(b"scan").hexdigest() and await store.get(key) == b"scan"
    assert await store.put(b"scan") == key  # the same bytes are kept once
    for bad in ("../../etc/passwd", key[:-1] + "G", key.upper()):
        with pytest.raises(DocumentMissing):
            await store.get(bad)
    (tmp_path / key[:2] / key).write_bytes(b"changed")
    with pytest.raises(DocumentMissing):
        await store.get(key)


async def test_the_kyc_due_list_uses_the_re_kyc_dates(db: str) -> None:
    # given: on 1 Apr 2024, members verified as high, medium and low risk; one pending; one rejected
    await ensure_calendar(start=date(2024, 4, 1))
    await small_bank()
    high = await make_member("Harsh High", verified=False)
    medium = await make_member("Meera Medium", verified=False)
    low = await make_member("Lata Low", verified=False)
    pending = await make_member("Pran Pending", verified=False)
    rejected = await make_member("Rekha Rejected", verified=False)
    renewed = await make_member("Ravi Renewed", verified=False)
    for number, risk in ((high, RiskCategory.HIGH), (medium, RiskCategory.MEDIUM), (low, RiskCategory.LOW),
                         (renewed, RiskCategory.LOW)):
        await verify_kyc(member_number=number, risk_category=risk)
    await reject_kyc(member_number=rejected, checker="staff:6", reason="photo missing")
    # Ravi's passport expires in 2025 and is renewed; Lata's voter id is not
    await record_kyc_document(member_number=renewed, doc_type=KycDocumentType.PASSPORT, reference="P1111111",
                              expires_on=date(2025, 1, 31))
    await record_kyc_document(member_number=renewed, doc_type=KycDocumentType.PASSPORT, reference="P2222222",
                              expires_on=date(2035, 1, 31))
    await record_kyc_document(member_number=low, doc_type=KycDocumentType.VOTER_ID, reference="V3333333",
                              expires_on=date(2025, 1, 31))
    # when: the list as of 2026-04-01 (high risk due that day) and as of 2025-01-01
    report = await kyc_due(as_of=date(2026, 4, 1), currency="INR")
    earlier = await kyc_due(as_of=date(2025, 1, 1), currency="INR")
    # then
    why = {row.cells[0]: (row.cells[7], row.cells[6]) for row in report.rows}
    assert why == {
        high: ("Re-KYC due", date(2026, 4, 1)),
        low: ("KYC document expired", date(2034, 4, 1)),
        pending: ("KYC not yet verified", None),
        rejected: ("KYC rejected", None),
    }
    assert {row.cells[0] for row in earlier.rows} == {pending, rejected}
    assert medium not in why and renewed not in why

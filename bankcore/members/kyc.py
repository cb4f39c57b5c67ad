"""KYC: documents staff see and upload, the checker's decision, and when KYC is due again.

Maker-checker: the maker is the staff user who registered the member (``registered_by``);
a different staff user (the checker) verifies or rejects. Verifying records the business
date and the re-KYC due date (the verification date plus 2 / 8 / 10 years for high /
medium / low risk, RBI KYC Master Direction s.38). A rejection keeps the checker's reason
for the maker to read; a new document from the maker puts the KYC back before a checker.
Scans are kept in the document store under their content hash; only masked document
numbers are kept in the database.
"""

from __future__ import annotations

from datetime import date

from tortoise.transactions import in_transaction

from bankcore.audit import append_audit
from bankcore.calendar.business_date import business_date
from bankcore.documents.content import check_document
from bankcore.documents.store import document_store
from bankcore.errors import DomainError, ErrorCode
from bankcore.members.particulars import has_control_characters
from bankcore.members.rekyc import re_kyc_due_on
from bankcore.members.settings import KYC_DOCUMENT_MAX_BYTES, RE_KYC_YEARS
from bankcore.models import Account, AccountStatus, AuditOutcome, KycDocument, KycDocumentType, KycStatus, Member
from bankcore.models.member import RiskCategory

# Whatever the setting says, never hold more than this in memory for one upload.
DOCUMENT_BYTES_CEILING = 20 * 1024 * 1024
REASON_MAX = 255


async def document_size_limit() -> int:
    """The largest KYC document accepted now, in bytes (the setting, capped by the ceiling)."""
    return min(await KYC_DOCUMENT_MAX_BYTES.get(), DOCUMENT_BYTES_CEILING)


def clean_reason(text: str) -> str:
    """``text`` with its white space folded; ``DomainError(INVALID_INPUT, field="reason")`` unless 1-255 printable characters."""
    reason = " ".join(text.split())
    if not 1 <= len(reason) <= REASON_MAX or has_control_characters(reason):
        raise DomainError(ErrorCode.INVALID_INPUT, f"give a reason of 1-{REASON_MAX} characters", field="reason")
    return reason


async def verify_kyc(*, member_number: str, checker: str | None = None, risk_category: RiskCategory | None = None) -> Member:
    """Mark the member's KYC verified, set its re-KYC due date, and activate their accounts
    that were pending on it.

    ``risk_category`` (default: the member's current one) sets how soon KYC is due again:
    the business date plus the years of ``kyc.re_kyc_years_<risk>``. A member whose KYC is
    verified may be verified again once it is due (periodic updation).
    Maker-checker: ``checker`` (the approving staff actor) must differ from the staff user
    who registered the member. Raises ``DomainError``: ``NOT_FOUND``,
    ``APPROVAL_SAME_USER``, ``INVALID_INPUT`` (verified and not yet due).
    """
    today = await business_date()
    async with in_transaction():
        member = await Member.get_or_none(member_number=member_number).select_for_update()
        if member is None:
            raise DomainError(ErrorCode.NOT_FOUND, f"no member {member_number}", field="member_number")
        if member.kyc_status == KycStatus.VERIFIED and (member.re_kyc_due_on is None or member.re_kyc_due_on > today):
            raise DomainError(ErrorCode.INVALID_INPUT, "KYC is already verified", field="member_number")
        if checker is not None and member.registered_by == checker:
            raise DomainError(ErrorCode.APPROVAL_SAME_USER, "KYC must be approved by someone other than who registered the member")
        risk = RiskCategory(risk_category or member.risk_category)
        years = await RE_KYC_YEARS[risk].get(on=today)
        try:
            due = re_kyc_due_on(today, years)
        except ValueError:
            raise DomainError(ErrorCode.INVALID_INPUT, f"setting kyc.re_kyc_years_{risk} must be at least 1") from None
        member.kyc_status = KycStatus.VERIFIED
        member.kyc_verified_by = checker
        member.kyc_verified_on = today
        member.risk_category = risk
        member.re_kyc_due_on = due
        member.kyc_rejection_reason = member.kyc_rejected_by = member.kyc_rejected_on = None
        await member.save(update_fields=[
            "kyc_status", "kyc_verified_by", "kyc_verified_on", "risk_category", "re_kyc_due_on",
            "kyc_rejection_reason", "kyc_rejected_by", "kyc_rejected_on", "updated_at"])
        pending = await Account.filter(holders__member_id=member.id, status=AccountStatus.PENDING).distinct()
        for account in pending:
            owners_pending = await Member.filter(
                holdings__account_id=account.id, holdings__role="owner"
            ).exclude(kyc_status=KycStatus.VERIFIED).exists()
            if not owners_pending:
                account.status = AccountStatus.ACTIVE
                await account.save(update_fields=["status"])
    if checker is not None:
        await append_audit(actor=checker, action="kyc.verify", outcome=AuditOutcome.OK, object_type="member",
                           object_id=member.member_number,
                           details={"risk_category": str(risk), "verified_on": today, "re_kyc_due_on": due})
    return member


async def reject_kyc(*, member_number: str, checker: str, reason: str) -> Member:
    """Reject a member's pending KYC with a reason the maker will read (and the audit log keeps).

    Raises ``DomainError``: ``INVALID_INPUT`` (no reason or over 255 characters; KYC not
    pending), ``NOT_FOUND``, ``APPROVAL_SAME_USER`` (the checker registered the member).
    """
    why = clean_reason(reason)
    today = await business_date()
    async with in_transaction():
        member = await Member.get_or_none(member_number=member_number).select_for_update()
        if member is None:
            raise DomainError(ErrorCode.NOT_FOUND, f"no member {member_number}", field="member_number")
        if member.kyc_status != KycStatus.PENDING:
            raise DomainError(ErrorCode.INVALID_INPUT, f"KYC is {member.kyc_status}, not waiting for a decision",
                              field="member_number")
        if member.registered_by == checker:
            raise DomainError(ErrorCode.APPROVAL_SAME_USER, "KYC must be decided by someone other than who registered the member")
        member.kyc_status = KycStatus.REJECTED
        member.kyc_rejection_reason = why
        member.kyc_rejected_by = checker
        member.kyc_rejected_on = today
        await member.save(update_fields=["kyc_status", "kyc_rejection_reason", "kyc_rejected_by", "kyc_rejected_on",
                                         "updated_at"])
    await append_audit(actor=checker, action="kyc.reject", outcome=AuditOutcome.OK, object_type="member",
                       object_id=member.member_number, details={"reason": why})
    return member


def mask_reference(reference: str) -> str:
    """A document number with all but its last four characters masked, e.g. ``XXXXXXXX1234``."""
    compact = "".join(reference.split())
    return "X" * max(len(compact) - 4, 0) + compact[-4:]


def _display_name(name: str | None) -> str | None:
    """The uploaded file's name for display only (never a path): its last part, printable, 120 characters."""
    if not name:
        return None
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    cleaned = "".join(ch for ch in base if ch.isprintable()).strip()[:120]
    return cleaned or None


async def record_kyc_document(
    *,
    member_number: str,
    doc_type: KycDocumentType,
    reference: str,
    issued_on: date | None = None,
    expires_on: date | None = None,
    content: bytes | None = None,
    file_name: str | None = None,
    uploaded_by: str | None = None,
) -> KycDocument:
    """Record a KYC document staff saw, with its scan when ``content`` is given.

    Only the masked number is kept. The scan must be a PDF, JPEG or PNG by its content and
    no larger than ``kyc.document_max_bytes``; it goes to the document store under its
    SHA-256 (``file_name`` is kept for display only). A document for a member whose KYC
    was rejected puts the KYC back before a checker (the rejection's reason stays visible
    until the next decision).
    Raises ``DomainError``: ``NOT_FOUND`` (member), ``INVALID_INPUT`` (reference not 4-40
    characters), ``INVALID_DATE`` (expiry before issue, or expired by the business date),
    ``DOCUMENT_TOO_LARGE``, ``INVALID_DOCUMENT``.
    """
    compact = "".join(reference.split())
    if not 4 <= len(compact) <= 40:
        raise DomainError(ErrorCode.INVALID_INPUT, "document number must be 4-40 characters", field="reference")
    if issued_on and expires_on and expires_on < issued_on:
        raise DomainError(ErrorCode.INVALID_DATE, "expiry is before issue", field="expires_on")
    # Expired as the bank counts days: the business date, never the wall clock (imports and
    # tests run in the past, and a branch may close its day after midnight).
    if expires_on and expires_on < await business_date():
        raise DomainError(ErrorCode.INVALID_DATE, "the document has expired", field="expires_on")
    stored: dict[str, object] = {}
    if content is not None:
        limit = await document_size_limit()
        if len(content) > limit:
            raise DomainError(ErrorCode.DOCUMENT_TOO_LARGE, f"the file is larger than {limit} bytes", field="content")
        stored["content_type"] = check_document(content)
        stored["size_bytes"] = len(content)
        stored["file_name"] = _display_name(file_name)
    member = await Member.get_or_none(member_number=member_number).only("id")
    if member is None:
        raise DomainError(ErrorCode.NOT_FOUND, f"no member {member_number}", field="member_number")
    if content is not None:
        # The file first: a row must never point at a scan that was not kept (an unreferenced
        # file, if the insert fails, is harmless and is stored once however often it comes).
        stored["storage_key"] = await document_store().put(content)
    async with in_transaction():
        document = await KycDocument.create(
            member_id=member.id, doc_type=doc_type, reference_masked=mask_reference(compact),
            issued_on=issued_on, expires_on=expires_on, uploaded_by=uploaded_by, **stored,
        )
        await Member.filter(id=member.id, kyc_status=KycStatus.REJECTED).update(kyc_status=KycStatus.PENDING)
    return document


async def read_kyc_document(*, document_id: int, viewer: str) -> tuple[KycDocument, bytes]:
    """A KYC document's row and its scan, for a staff user allowed to see it; the viewing
    is written to the audit log (who looked at whose documents).

    Raises ``DomainError(NOT_FOUND)`` for an unknown document or one recorded without a scan.
    Raises ``DocumentMissing`` when the store lost or damaged the file (an operations fault).
    """
    document = await KycDocument.get_or_none(id=document_id).select_related("member")
    if document is None or not document.storage_key:
        raise DomainError(ErrorCode.NOT_FOUND, "no such document", field="document_id")
    data = await document_store().get(document.storage_key)
    await append_audit(actor=viewer, action="kyc_document.view", outcome=AuditOutcome.OK, object_type="kyc_document",
                       object_id=document.id, details={"member_number": document.member.member_number})
    return document, data

from enum import StrEnum

from tortoise import fields
from tortoise.indexes import Index
from bankcore.models._base import Model


class Gender(StrEnum):
    FEMALE = "F"
    MALE = "M"
    OTHER = "O"


class KycStatus(StrEnum):
    PENDING = "pending"
    VERIFIED = "verified"
    REJECTED = "rejected"


class RiskCategory(StrEnum):
    """KYC risk category: sets how often KYC is renewed (RBI KYC Master Direction s.38)."""

    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"


class KycDocumentType(StrEnum):
    PAN = "pan"
    AADHAAR = "aadhaar"
    PASSPORT = "passport"
    VOTER_ID = "voter_id"
    DRIVING_LICENCE = "driving_licence"
    UTILITY_BILL = "utility_bill"
    PHOTO = "photo"


class Member(Model):
    """A member (customer and, in a co-operative, part-owner) of the bank.

    Aadhaar is never stored whole: only its last four digits (for display as
    ``XXXX XXXX 1234``) and a keyed hash (to refuse a second member with the same number).
    """

    id = fields.BigIntField(primary_key=True)
    member_number = fields.CharField(max_length=20, unique=True)
    full_name = fields.CharField(max_length=200)
    date_of_birth = fields.DateField(null=True)
    gender = fields.CharEnumField(Gender, max_length=1, null=True)
    mobile = fields.CharField(max_length=15, null=True, unique=True, description="E.164, e.g. +919812345678")
    email = fields.CharField(max_length=254, null=True)
    address = fields.TextField(null=True)
    branch = fields.ForeignKeyField("bankcore.Branch", related_name="members", on_delete=fields.RESTRICT)
    kyc_status = fields.CharEnumField(KycStatus, max_length=10, default=KycStatus.PENDING)
    pan = fields.CharField(max_length=10, null=True, unique=True)
    aadhaar_last4 = fields.CharField(max_length=4, null=True)
    aadhaar_hash = fields.CharField(max_length=64, null=True, unique=True)
    source_ref = fields.CharField(max_length=60, unique=True, null=True)
    registered_by = fields.CharField(max_length=100, null=True, description="Staff actor who registered the member (the KYC maker)")
    kyc_verified_by = fields.CharField(max_length=100, null=True, description="Staff actor who approved KYC (the checker)")
    kyc_verified_on = fields.DateField(null=True, description="Business date KYC was last verified")
    kyc_rejection_reason = fields.CharField(max_length=255, null=True, description="Why the checker rejected KYC")
    kyc_rejected_by = fields.CharField(max_length=100, null=True, description="Staff actor who rejected KYC (the checker)")
    kyc_rejected_on = fields.DateField(null=True, description="Business date KYC was rejected")
    risk_category = fields.CharEnumField(RiskCategory, max_length=6, default=RiskCategory.LOW, db_default="low")
    re_kyc_due_on = fields.DateField(null=True, description="When KYC must be renewed (verified date + years by risk)")
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "member"
        indexes = (Index(fields=("branch_id",), name="member_branch_idx"),)

    @property
    def aadhaar_masked(self) -> str | None:
        return f"XXXX XXXX {self.aadhaar_last4}" if self.aadhaar_last4 else None


class KycDocument(Model):
    """Metadata of a KYC document seen by staff (the scan itself lives in document storage)."""

    id = fields.BigIntField(primary_key=True)
    member = fields.ForeignKeyField("bankcore.Member", related_name="kyc_documents", on_delete=fields.RESTRICT)
    doc_type = fields.CharEnumField(KycDocumentType, max_length=20)
    reference_masked = fields.CharField(max_length=40, description="Document number, masked")
    issued_on = fields.DateField(null=True)
    expires_on = fields.DateField(null=True)
    storage_key = fields.CharField(max_length=120, null=True, description="Where the scan lives in the document store")
    content_type = fields.CharField(max_length=40, null=True, description="Detected from the content, not the name")
    size_bytes = fields.IntField(null=True)
    file_name = fields.CharField(max_length=120, null=True)
    uploaded_by = fields.CharField(max_length=100, null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "kyc_document"
        indexes = (Index(fields=("member_id",), name="kyc_document_member_idx"),)

from __future__ import annotations

import base64
import binascii
from datetime import date

import strawberry

from bankcore.errors import DomainError, ErrorCode
from bankcore.members.kyc import document_size_limit, record_kyc_document
from bankcore.models import KycDocumentType as DocType
from graphql_api.context import Context
from graphql_api.errors import UserError
from graphql_api.mutations._base import run
from graphql_api.types.member import KycDocumentType, kyc_document_type

KycDocumentKindEnum = strawberry.enum(DocType, name="KycDocumentKind", description="Kind of KYC document.")


@strawberry.input(description="A KYC document and its scan (PDF, JPEG or PNG) for a member.")
class UploadKycDocumentInput:
    member_number: str = strawberry.field(description="The member's number.")
    doc_type: KycDocumentKindEnum = strawberry.field(description="Kind of document.")
    reference: str = strawberry.field(description="The document's number; only its last four characters are kept.")
    content_base64: str = strawberry.field(
        description="The scan, base64-encoded; at most the setting kyc.document_max_bytes once decoded. Its type is "
                    "taken from the content, not from fileName.")
    file_name: str | None = strawberry.field(default=None, description="The file's name on the clerk's computer, for display only.")
    issued_on: date | None = strawberry.field(default=None, description="Issue date.")
    expires_on: date | None = strawberry.field(default=None, description="Expiry date (not before the business date).")


@strawberry.type(description="Result of uploadKycDocument.")
class UploadKycDocumentPayload:
    document: KycDocumentType | None = strawberry.field(default=None, description="The document recorded, number masked.")
    user_errors: list[UserError] = strawberry.field(
        default_factory=list,
        description="Why it was refused: INVALID_DOCUMENT (not a whole PDF, JPEG or PNG, or not base64), "
                    "DOCUMENT_TOO_LARGE, INVALID_DATE, INVALID_INPUT, NOT_FOUND.")


def decode(text: str, limit: int) -> bytes:
    """The bytes of base64 ``text``, refusing before decoding anything over ``limit`` once decoded."""
    compact = "".join(text.split())
    if len(compact) > (limit + 2) // 3 * 4:
        raise DomainError(ErrorCode.DOCUMENT_TOO_LARGE, f"the file is larger than {limit} bytes", field="content_base64")
    try:
        return base64.b64decode(compact, validate=True)
    except (binascii.Error, ValueError):
        raise DomainError(ErrorCode.INVALID_DOCUMENT, "the file is not valid base64", field="content_base64") from None


async def upload_kyc_document(info: strawberry.Info[Context, None], input: UploadKycDocumentInput) -> UploadKycDocumentPayload:
    async def act() -> UploadKycDocumentPayload:
        content = decode(input.content_base64, await document_size_limit())
        document = await record_kyc_document(
            member_number=input.member_number.strip()[:20], doc_type=DocType(input.doc_type.value),
            reference=input.reference[:100], issued_on=input.issued_on, expires_on=input.expires_on,
            content=content, file_name=(input.file_name or "")[:500] or None, uploaded_by=info.context.actor,
        )
        return UploadKycDocumentPayload(document=kyc_document_type(document))

    return await run(UploadKycDocumentPayload, act)

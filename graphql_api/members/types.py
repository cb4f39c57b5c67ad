"""Types of the members domain: risk category, a KYC document's file, staff names."""

from __future__ import annotations

import strawberry

from bankcore.models import StaffUser
from bankcore.models.member import RiskCategory

RiskCategoryEnum = strawberry.enum(
    RiskCategory, name="RiskCategory",
    description="KYC risk category: sets how often KYC is renewed (high 2, medium 8, low 10 years; RBI KYC Master Direction s.38).",
)


@strawberry.type(name="KycDocumentFile", description="A KYC document's scan, for the staff who may see it.")
class KycDocumentFileType:
    document_id: strawberry.ID = strawberry.field(description="The document's id.")
    doc_type: str = strawberry.field(description="pan, aadhaar, passport, voter_id, driving_licence, utility_bill or photo.")
    content_type: str = strawberry.field(description="application/pdf, image/jpeg or image/png, as detected from the content.")
    file_name: str = strawberry.field(description="A safe name to save it under: type, member number and extension.")
    size_bytes: int = strawberry.field(description="Size in bytes.")
    content_base64: str = strawberry.field(description="The file, base64-encoded.")


async def staff_label(actor: str | None) -> str | None:
    """``staff:12`` as ``Full Name (login)``; other actors (``cli:demo``) as they are."""
    if not actor:
        return None
    kind, _, ident = actor.partition(":")
    if kind == "staff" and ident.isdigit():
        staff = await StaffUser.get_or_none(id=int(ident)).only("full_name", "username")
        if staff is not None:
            return f"{staff.full_name} ({staff.username})"
    return actor

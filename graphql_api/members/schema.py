"""Root fields of the members domain: ``MembersQuery``, ``MembersMutation``."""

from __future__ import annotations

import base64

import strawberry

from bankcore.documents.content import EXTENSIONS
from bankcore.errors import DomainError
from bankcore.members.kyc import document_size_limit, read_kyc_document
from graphql_api.context import Context
from graphql_api.members.mutations.reject_kyc import reject_kyc
from graphql_api.members.mutations.set_member_risk_category import set_member_risk_category
from graphql_api.members.mutations.upload_kyc_document import upload_kyc_document
from graphql_api.members.types import KycDocumentFileType
from graphql_api.policy import RootFieldPolicy

GUARD = [RootFieldPolicy]


@strawberry.type
class MembersQuery:
    @strawberry.field(description="A KYC document's scan by document id (see Member.kycDocuments), for admin, manager, "
                                  "clerk and auditor; each viewing is written to the audit log. Null when unknown or "
                                  "recorded without a scan.", permission_classes=GUARD)
    async def kyc_document_file(self, info: strawberry.Info[Context, None], document_id: strawberry.ID) -> KycDocumentFileType | None:
        ident = str(document_id)
        if not ident.isdigit() or len(ident) > 18:
            return None
        try:
            document, data = await read_kyc_document(document_id=int(ident), viewer=info.context.actor)
        except DomainError:
            return None
        extension = EXTENSIONS.get(document.content_type or "", "bin")
        return KycDocumentFileType(
            document_id=strawberry.ID(str(document.id)), doc_type=str(document.doc_type),
            content_type=document.content_type or "application/octet-stream",
            file_name=f"{document.doc_type}-{document.member.member_number}-{document.id}.{extension}",
            size_bytes=len(data), content_base64=base64.b64encode(data).decode(),
        )

    @strawberry.field(description="The largest KYC scan uploadKycDocument accepts now, in bytes (setting "
                                  "kyc.document_max_bytes), for the staff who upload them (admin, manager, clerk): "
                                  "the upload card says it before a clerk picks a file.", permission_classes=GUARD)
    async def kyc_document_max_bytes(self) -> int:
        return await document_size_limit()


@strawberry.type
class MembersMutation:
    upload_kyc_document = strawberry.mutation(
        resolver=upload_kyc_document, permission_classes=GUARD,
        description="Clerk, manager, admin: record a member's KYC document with its scan (PDF, JPEG or PNG, size-limited, "
                    "type checked from the content). A member whose KYC was rejected goes back before a checker.")
    reject_kyc = strawberry.mutation(
        resolver=reject_kyc, permission_classes=GUARD,
        description="Checker step: reject a member's pending KYC with a reason the maker sees; must not be the staff "
                    "user who registered them.")
    set_member_risk_category = strawberry.mutation(
        resolver=set_member_risk_category, permission_classes=GUARD,
        description="Manager, admin: change a member's KYC risk category with a reason (audited); the re-KYC due date "
                    "is counted again from the last verification.")

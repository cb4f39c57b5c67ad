"""Member type."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import TYPE_CHECKING, Annotated

import strawberry
from strawberry import relay

from bankcore.models import Account, KycDocument, Member
from bankcore.models.member import RiskCategory
from graphql_api.dataloaders import loaders_of
from graphql_api.members.types import RiskCategoryEnum, staff_label
from graphql_api.scope import can_see_member, sees_full_identifiers, visible_account_ids
from graphql_api.types.bank import BranchType
from graphql_api.types.enums import GenderEnum, KycStatusEnum

if TYPE_CHECKING:
    from graphql_api.types.account import AccountType


def mask_pan(pan: str | None) -> str | None:
    return f"XXXXX{pan[5:9]}X" if pan else None


def mask_mobile(mobile: str | None) -> str | None:
    return f"{mobile[:3]}XXXXXX{mobile[-4:]}" if mobile else None


def mask_name(name: str) -> str:
    """A name shown to someone who may not learn it: each word's first letter, then ``****``
    (``Ravi Kumar`` -> ``R**** K****``), the same length whatever the name."""
    return " ".join(f"{word[:1]}****" for word in name.split())


def sees_own_identifiers(ctx, member_id: int) -> bool:
    """The member themself (signed in to the portal, not a partner acting for them)."""
    from graphql_api.context import Role

    return ctx.role is Role.MEMBER and ctx.principal is not None and ctx.principal.member_id == member_id


@strawberry.type(name="KycDocument", description="A KYC document a staff user has seen (and, when uploaded, its scan).")
class KycDocumentType:
    id: strawberry.ID = strawberry.field(description="Document id: ask kycDocumentFile for the scan.")
    doc_type: str = strawberry.field(description="pan, aadhaar, passport, voter_id, driving_licence, utility_bill or photo.")
    reference_masked: str = strawberry.field(description="Document number with all but the last four characters masked.")
    issued_on: date | None = strawberry.field(description="Issue date.")
    expires_on: date | None = strawberry.field(description="Expiry date.")
    has_scan: bool = strawberry.field(description="True when a scan was uploaded (see kycDocumentFile).")
    content_type: str | None = strawberry.field(description="The scan's type, detected from its content: application/pdf, image/jpeg or image/png.")
    size_bytes: int | None = strawberry.field(description="The scan's size in bytes.")
    file_name: str | None = strawberry.field(description="The name the scan was uploaded under (display only).")
    uploaded_by: str | None = strawberry.field(description="Who recorded it (staff:12).")
    created_at: datetime = strawberry.field(description="When it was recorded (UTC).")


def kyc_document_type(d: KycDocument) -> KycDocumentType:
    return KycDocumentType(
        id=strawberry.ID(str(d.id)), doc_type=str(d.doc_type), reference_masked=d.reference_masked, issued_on=d.issued_on,
        expires_on=d.expires_on, has_scan=bool(d.storage_key), content_type=d.content_type, size_bytes=d.size_bytes,
        file_name=d.file_name, uploaded_by=d.uploaded_by, created_at=d.created_at,
    )


@strawberry.type(name="Member", description="A member of the co-operative bank.")
class MemberType(relay.Node):
    @classmethod
    def resolve_id(cls, root: MemberType, *, info: strawberry.Info) -> str:
        return root.member_number

    member_number: str = strawberry.field(description="Member number (8 digits, Luhn check digit).")
    full_name: str = strawberry.field(description="Full name.")
    date_of_birth: date | None = strawberry.field(description="Date of birth.")
    gender: GenderEnum | None = strawberry.field(description="Gender.")
    email: str | None = strawberry.field(description="E-mail address.")
    address: str | None = strawberry.field(description="Postal address.")
    kyc_status: KycStatusEnum = strawberry.field(description="KYC verification state.")
    aadhaar_masked: str | None = strawberry.field(description="Aadhaar as XXXX XXXX 1234: the full number is never stored.")
    _model: strawberry.Private[Member]
    _full_ids: strawberry.Private[bool]

    @classmethod
    def from_model(cls, m: Member, *, full_identifiers: bool) -> MemberType:
        return cls(
            member_number=m.member_number,
            full_name=m.full_name,
            date_of_birth=m.date_of_birth,
            gender=m.gender,
            email=m.email,
            address=m.address,
            kyc_status=m.kyc_status,
            aadhaar_masked=m.aadhaar_masked,
            _model=m,
            _full_ids=full_identifiers,
        )

    @strawberry.field(description="PAN: in full for admin, manager and clerk, else masked as XXXXX1234X.")
    def pan(self) -> str | None:
        return self._model.pan if self._full_ids else mask_pan(self._model.pan)

    @strawberry.field(description="Mobile number (E.164): in full for admin, manager, clerk and the member themself, else masked (partners included).")
    def mobile(self) -> str | None:
        return self._model.mobile if self._full_ids else mask_mobile(self._model.mobile)

    @strawberry.field(description="KYC documents seen by staff, numbers masked to the last four characters. Staff only (empty for others).")
    async def kyc_documents(self, info: strawberry.Info) -> list[KycDocumentType]:
        if not info.context.is_staff:
            return []
        rows = await KycDocument.filter(member_id=self._model.id).order_by("id")
        return [kyc_document_type(d) for d in rows]

    # KYC review: what the checker decides on and the maker reads back. Staff only: a
    # member or partner gets null (RBI's risk categorisation is the bank's, not shown outside).
    @strawberry.field(description="KYC risk category (sets the re-KYC period). Staff only, else null.")
    def risk_category(self, info: strawberry.Info) -> RiskCategoryEnum | None:
        return RiskCategory(self._model.risk_category) if info.context.is_staff else None

    @strawberry.field(description="Business date KYC was last verified. Staff only, else null.")
    def kyc_verified_on(self, info: strawberry.Info) -> date | None:
        return self._model.kyc_verified_on if info.context.is_staff else None

    @strawberry.field(description="When KYC must be renewed: the verification date plus 2 / 8 / 10 years for high / medium / low risk. Staff only, else null.")
    def re_kyc_due_on(self, info: strawberry.Info) -> date | None:
        return self._model.re_kyc_due_on if info.context.is_staff else None

    @strawberry.field(description="The checker's reason for rejecting KYC (kept until the next decision). Staff only, else null.")
    def kyc_rejection_reason(self, info: strawberry.Info) -> str | None:
        return self._model.kyc_rejection_reason if info.context.is_staff else None

    @strawberry.field(description="Who rejected KYC, as Full Name (login). Staff only, else null.")
    async def kyc_rejected_by(self, info: strawberry.Info) -> str | None:
        return await staff_label(self._model.kyc_rejected_by) if info.context.is_staff else None

    @strawberry.field(description="Business date KYC was rejected. Staff only, else null.")
    def kyc_rejected_on(self, info: strawberry.Info) -> date | None:
        return self._model.kyc_rejected_on if info.context.is_staff else None

    @strawberry.field(description="Who registered the member (the KYC maker), as Full Name (login). Staff only, else null.")
    async def registered_by(self, info: strawberry.Info) -> str | None:
        return await staff_label(self._model.registered_by) if info.context.is_staff else None

    @strawberry.field(description="True when the caller registered this member: as the KYC maker they may not verify or reject it.")
    def registered_by_me(self, info: strawberry.Info) -> bool:
        return bool(info.context.is_staff and self._model.registered_by == info.context.actor)

    @strawberry.field(description="Home branch.")
    async def branch(self, info: strawberry.Info) -> BranchType:
        return BranchType.from_model(await loaders_of(info.context).branch.load(self._model.branch_id))

    @strawberry.field(description="Accounts this member holds that the caller may see, by account number.")
    async def accounts(self, info: strawberry.Info) -> list[Annotated[AccountType, strawberry.lazy("graphql_api.types.account")]]:
        from graphql_api.types.account import AccountType

        query = Account.filter(holders__member_id=self._model.id).distinct().select_related("ledger_account")
        visible = await visible_account_ids(info.context)
        if visible is not None:
            query = query.filter(id__in=visible)
        return [AccountType.from_model(a) for a in await query.order_by("number")]

    @classmethod
    async def resolve_nodes(cls, *, info: strawberry.Info, node_ids: Iterable[str], required: bool = False):
        ids = list(node_ids)
        rows = {m.member_number: m for m in await Member.filter(member_number__in=ids)}
        ctx = info.context
        return [
            cls.from_model(rows[i], full_identifiers=sees_full_identifiers(ctx) or sees_own_identifiers(ctx, rows[i].id))
            if i in rows and can_see_member(ctx, rows[i].id)
            else None
            for i in ids
        ]

"""Member type."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import TYPE_CHECKING, Annotated

import strawberry
from strawberry import relay

from bankcore.models import Account, KycDocument, Member
from graphql_api.dataloaders import loaders_of
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


@strawberry.type(name="KycDocument", description="A KYC document a staff user has seen.")
class KycDocumentType:
    doc_type: str = strawberry.field(description="pan, aadhaar, passport, voter_id, driving_licence, utility_bill or photo.")
    reference_masked: str = strawberry.field(description="Document number with all but the last four characters masked.")
    issued_on: date | None = strawberry.field(description="Issue date.")
    expires_on: date | None = strawberry.field(description="Expiry date.")


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
        return [
            KycDocumentType(doc_type=str(d.doc_type), reference_masked=d.reference_masked, issued_on=d.issued_on, expires_on=d.expires_on)
            for d in rows
        ]

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

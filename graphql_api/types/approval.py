from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated

import strawberry

from bankcore.models import JournalEntry
from bankcore.models.approval import ApprovalRequest
from graphql_api.members.types import staff_label

if TYPE_CHECKING:
    from graphql_api.types.ledger import JournalEntryType


@strawberry.type(name="ApprovalRequest", description="A maker's request awaiting (or decided by) a checker.")
class ApprovalRequestType:
    id: strawberry.ID = strawberry.field(description="Request id.")
    kind: str = strawberry.field(description="What is to be done, e.g. reversal.")
    status: str = strawberry.field(description="pending, approved or rejected.")
    object_ref: str = strawberry.field(description="What it concerns, e.g. journal_entry:42.")
    reason: str = strawberry.field(description="The maker's reason.")
    maker: str = strawberry.field(description="Who asked (staff:12).")
    checker: str | None = strawberry.field(description="Who decided.")
    result_ref: str | None = strawberry.field(description="What was done, e.g. journal_entry:43.")
    created_at: datetime = strawberry.field(description="When it was filed (UTC).")

    @classmethod
    def from_model(cls, r: ApprovalRequest) -> ApprovalRequestType:
        return cls(
            id=strawberry.ID(str(r.id)), kind=r.kind, status=r.status, object_ref=r.object_ref, reason=r.reason,
            maker=r.maker, checker=r.checker, result_ref=r.result_ref, created_at=r.created_at,
        )

    @strawberry.field(description="Who asked, as Full Name (login).")
    async def maker_name(self) -> str:
        return await staff_label(self.maker) or self.maker

    @strawberry.field(description="True when the caller is the maker: they see it waiting and may not approve it.")
    def made_by_me(self, info: strawberry.Info) -> bool:
        return self.maker == info.context.actor

    @strawberry.field(description="For a reversal: the journal entry to be reversed (date, narration, postings with "
                                  "accounts and amounts); null for other kinds.")
    async def entry(self) -> Annotated[JournalEntryType, strawberry.lazy("graphql_api.types.ledger")] | None:
        from graphql_api.types.ledger import JournalEntryType

        kind, _, ident = self.object_ref.partition(":")
        if kind != "journal_entry" or not ident.isdigit():
            return None
        entry = await JournalEntry.get_or_none(id=int(ident))
        return JournalEntryType.from_model(entry) if entry else None

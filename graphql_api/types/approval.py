from __future__ import annotations

from datetime import datetime

import strawberry

from bankcore.models.approval import ApprovalRequest


@strawberry.type(name="ApprovalRequest", description="A maker's request awaiting (or decided by) a checker.")
class ApprovalRequestType:
    id: strawberry.ID = strawberry.field(description="Request id.")
    kind: str = strawberry.field(description="What is to be done, e.g. reversal.")
    status: str = strawberry.field(description="pending, approved or rejected.")
    object_ref: str = strawberry.field(description="What it concerns, e.g. journal_entry:42.")
    reason: str = strawberry.field(description="The maker's reason.")
    maker: str = strawberry.field(description="Who asked.")
    checker: str | None = strawberry.field(description="Who decided.")
    result_ref: str | None = strawberry.field(description="What was done, e.g. journal_entry:43.")
    created_at: datetime = strawberry.field(description="When it was filed (UTC).")

    @classmethod
    def from_model(cls, r: ApprovalRequest) -> ApprovalRequestType:
        return cls(
            id=strawberry.ID(str(r.id)), kind=r.kind, status=r.status, object_ref=r.object_ref, reason=r.reason,
            maker=r.maker, checker=r.checker, result_ref=r.result_ref, created_at=r.created_at,
        )

from enum import StrEnum

from tortoise import fields
from tortoise.indexes import Index
from bankcore.models._base import Model


class ApprovalKind(StrEnum):
    REVERSAL = "reversal"


class ApprovalStatus(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"


class ApprovalRequest(Model):
    """A maker's request that a second, different staff user (the checker) must approve.

    ``payload`` is the request's arguments as JSON text. The result of carrying it out
    (e.g. the reversal's entry id) is kept in ``result_ref``.
    """

    id = fields.BigIntField(primary_key=True)
    kind = fields.CharEnumField(ApprovalKind, max_length=20)
    status = fields.CharEnumField(ApprovalStatus, max_length=10, default=ApprovalStatus.PENDING)
    payload = fields.TextField()
    object_ref = fields.CharField(max_length=60, description="What it is about, e.g. journal_entry:42")
    maker = fields.CharField(max_length=100)
    checker = fields.CharField(max_length=100, null=True)
    reason = fields.CharField(max_length=255)
    result_ref = fields.CharField(max_length=60, null=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    decided_at = fields.DatetimeField(null=True)

    class Meta:
        table = "approval_request"
        indexes = (
            Index(fields=("status", "id"), name="approval_request_status_idx"),
            Index(fields=("object_ref",), name="approval_request_object_idx"),
        )

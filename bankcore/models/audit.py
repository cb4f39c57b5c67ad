"""The audit trail: an append-only, hash-chained log of sign-ins, mutations and denials."""

from enum import StrEnum

from tortoise import fields
from tortoise.indexes import Index
from bankcore.models._base import Model


class AuditOutcome(StrEnum):
    OK = "ok"
    DENIED = "denied"
    FAILED = "failed"


class AuditLog(Model):
    """One audited event. ``hash`` is SHA-256 over ``prev_hash`` and the canonical JSON of the row.

    A row is appended unsealed (``seal_seq``, ``prev_hash`` and ``hash`` null) and sealed
    once by the sealer, which gives it the next place in the chain (``seal_seq``) and the
    hash of the row before it in that order; changing, removing or reordering a sealed row
    breaks the chain at that point (see bankcore/audit.py). On PostgreSQL a trigger refuses
    DELETE, and every UPDATE except that one sealing of an unsealed row.
    """

    id = fields.BigIntField(primary_key=True)
    occurred_at = fields.DatetimeField()
    actor = fields.CharField(max_length=120, description="e.g. staff:12, member:7, partner:pc_x, anonymous, cli")
    action = fields.CharField(max_length=60, description="Dotted verb, e.g. staff.sign_in")
    object_type = fields.CharField(max_length=40, null=True)
    object_id = fields.CharField(max_length=60, null=True)
    outcome = fields.CharEnumField(AuditOutcome, max_length=6)
    details = fields.TextField(null=True, description="Canonical JSON object")
    # Place in the hash chain, null until sealed. No description=: on SQLite, ADD COLUMN with
    # Tortoise's /* comment */ leaves a schema text SQLite cannot parse back.
    seal_seq = fields.BigIntField(null=True, unique=True)
    prev_hash = fields.CharField(max_length=64, null=True)
    hash = fields.CharField(max_length=64, unique=True, null=True)

    class Meta:
        table = "audit_log"
        indexes = (
            Index(fields=("occurred_at", "id"), name="audit_log_occurred_idx"),
            Index(fields=("actor", "id"), name="audit_log_actor_idx"),
            Index(fields=("action", "id"), name="audit_log_action_idx"),
            Index(fields=("outcome", "id"), name="audit_log_outcome_idx"),
        )

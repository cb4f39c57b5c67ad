from enum import StrEnum

from tortoise import fields
from tortoise.indexes import Index
from bankcore.models._base import Model


class HoldStatus(StrEnum):
    """A hold's life: pending until posted or voided, exactly once (TigerBeetle's pending transfer)."""

    PENDING = "pending"
    POSTED = "posted"
    VOIDED = "voided"
    EXPIRED = "expired"  # voided by day-end because its ``expires_on`` passed


class Hold(Model):
    """Money reserved on a member's account: it lowers the available balance, not the balance.

    While pending, ``ledger_account.held_minor`` includes ``amount_minor`` (kept equal to
    the sum of pending holds in the same transaction, checked by ``coopbank verify``).
    It ends once: ``posted`` by the journal entry that moves the money (``entry``),
    ``voided`` (released), or ``expired`` (released by day-end after ``expires_on``).
    """

    id = fields.BigIntField(primary_key=True)
    ledger_account = fields.ForeignKeyField("bankcore.LedgerAccount", related_name="holds", on_delete=fields.RESTRICT)
    amount_minor = fields.BigIntField()
    currency = fields.CharField(max_length=3)
    status = fields.CharEnumField(HoldStatus, max_length=10, default=HoldStatus.PENDING)
    reason = fields.CharField(max_length=255, description="Why the money is held, shown to the member")
    initiator = fields.CharField(max_length=100)
    idempotency_key = fields.CharField(max_length=100, unique=True, null=True)
    request_fingerprint = fields.CharField(max_length=64, null=True)
    placed_on = fields.DateField(description="Business date the hold was placed")
    expires_on = fields.DateField(null=True, description="Day-end of this business date voids it if still pending")
    created_at = fields.DatetimeField()
    resolved_at = fields.DatetimeField(null=True)
    entry = fields.ForeignKeyField("bankcore.JournalEntry", related_name="posted_holds", null=True,
                                   on_delete=fields.RESTRICT, description="The entry that posted it")

    class Meta:
        table = "hold"
        indexes = (
            Index(fields=("ledger_account_id", "status"), name="hold_account_status_idx"),
            Index(fields=("status", "expires_on"), name="hold_status_expiry_idx"),
        )

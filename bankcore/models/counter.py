from enum import StrEnum

from tortoise import fields
from tortoise.indexes import Index
from bankcore.models._base import Model


class DrawerStatus(StrEnum):
    OPEN = "open"
    CLOSED = "closed"


class TellerDrawer(Model):
    """A teller's cash drawer for one business date: opened with a counted float, closed with a count.

    Cash taken in and paid out is not stored here: it is derived from the ledger (the
    teller's cash entries of the date), so the drawer can never disagree with the books.
    At closing the expected cash (float + in - out), the count by denomination and the
    difference (counted - expected; negative is a shortage) are recorded.
    """

    id = fields.BigIntField(primary_key=True)
    teller = fields.CharField(max_length=100, description="The teller as the ledger names them (staff:12)")
    teller_name = fields.CharField(max_length=200)
    branch = fields.ForeignKeyField("bankcore.Branch", related_name="drawers", null=True, on_delete=fields.RESTRICT)
    business_date = fields.DateField()
    currency = fields.CharField(max_length=3)
    status = fields.CharEnumField(DrawerStatus, max_length=6, default=DrawerStatus.OPEN)
    opening_float_minor = fields.BigIntField()
    opened_at = fields.DatetimeField()
    closing_count = fields.JSONField(null=True, description="Pieces per denomination (rupees): {\"2000\": 3, ...}")
    counted_minor = fields.BigIntField(null=True)
    cash_in_minor = fields.BigIntField(null=True, description="Cash taken in, as of the closing")
    cash_out_minor = fields.BigIntField(null=True, description="Cash paid out, as of the closing")
    expected_minor = fields.BigIntField(null=True)
    difference_minor = fields.BigIntField(null=True, description="Counted less expected, negative is a shortage")
    closed_at = fields.DatetimeField(null=True)
    closing_note = fields.CharField(max_length=255, null=True)

    class Meta:
        table = "teller_drawer"
        unique_together = (("teller", "business_date", "currency"),)
        indexes = (Index(fields=("business_date", "branch_id"), name="teller_drawer_date_branch_idx"),)

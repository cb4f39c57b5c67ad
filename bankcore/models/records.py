"""Records kept as they came from an imported data set: standing orders and cards."""

from tortoise import fields
from tortoise.indexes import Index
from bankcore.models._base import Model


class StandingOrder(Model):
    """A standing instruction to pay ``amount_minor`` from ``account`` to another bank's account."""

    id = fields.BigIntField(primary_key=True)
    account = fields.ForeignKeyField("bankcore.Account", related_name="standing_orders", on_delete=fields.RESTRICT)
    bank_to = fields.CharField(max_length=10)
    account_to = fields.CharField(max_length=34)
    amount_minor = fields.BigIntField()
    currency = fields.CharField(max_length=3)
    purpose = fields.CharField(max_length=20, null=True, description="What it pays for (Berka k_symbol)")
    source_ref = fields.CharField(max_length=60, unique=True, null=True)

    class Meta:
        table = "standing_order"
        indexes = (Index(fields=("account_id",), name="standing_order_account_idx"),)


class Card(Model):
    """A payment card issued to an account holder."""

    id = fields.BigIntField(primary_key=True)
    holder = fields.ForeignKeyField("bankcore.AccountHolder", related_name="cards", on_delete=fields.RESTRICT)
    card_type = fields.CharField(max_length=20)
    issued_on = fields.DateField()
    source_ref = fields.CharField(max_length=60, unique=True, null=True)

    class Meta:
        table = "card"
        indexes = (Index(fields=("holder_id",), name="card_holder_idx"),)

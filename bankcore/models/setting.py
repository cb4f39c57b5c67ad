"""Effective-dated settings of the bank (thresholds, limits, rates that regulations change)."""

from tortoise import fields
from tortoise.indexes import Index
from bankcore.models._base import Model


class BankSetting(Model):
    """One value of one setting from ``effective_from`` (inclusive) until a later row replaces it.

    ``value`` is the canonical text of the value (an integer in minor units, a decimal
    string, a date, JSON for lists): see ``bankcore.settings`` for each key's type and
    default. Rows are never changed: a new value is a new row, so history stays readable.
    """

    id = fields.BigIntField(primary_key=True)
    key = fields.CharField(max_length=80)
    value = fields.TextField()
    effective_from = fields.DateField()
    set_by = fields.CharField(max_length=100)
    reason = fields.CharField(max_length=255, null=True)
    created_at = fields.DatetimeField()

    class Meta:
        table = "bank_setting"
        unique_together = (("key", "effective_from"),)
        indexes = (Index(fields=("key", "effective_from"), name="bank_setting_key_idx"),)

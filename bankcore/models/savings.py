"""Savings interest: effective-dated product rates and the record of every interest credit."""

from tortoise import fields
from tortoise.indexes import Index
from bankcore.models._base import Model


class ProductRate(Model):
    """A product's annual interest rate from ``effective_from`` (inclusive) until a later row.

    Before a product's first row, ``Product.interest_rate_bps`` applies. Rows are never
    changed: a rate change adds a row, so a credit period that spans it is split at it.
    """

    id = fields.BigIntField(primary_key=True)
    product = fields.ForeignKeyField("bankcore.Product", related_name="rates", on_delete=fields.RESTRICT)
    effective_from = fields.DateField()
    annual_rate_bps = fields.IntField(description="Nominal annual rate in basis points (350 = 3.50% p.a.)")
    set_by = fields.CharField(max_length=100)
    created_at = fields.DatetimeField()

    class Meta:
        table = "product_rate"
        unique_together = (("product", "effective_from"),)


class SavingsInterestCredit(Model):
    """The interest of one savings account for one credit period, as day-end computed it.

    ``product_minor`` is the period's daily product (the sum of the positive end-of-day
    balances); ``interest_minor`` the amount credited (rounded once, half up). The row is
    the set-based guard that makes the credit idempotent: one row per account and
    period end, written in the transaction that posts the entry (keyed
    ``eod:<period end>:savings.credit_interest:<ledger account id>``).
    """

    id = fields.BigIntField(primary_key=True)
    ledger_account = fields.ForeignKeyField(
        "bankcore.LedgerAccount", related_name="interest_credits", on_delete=fields.RESTRICT
    )
    product = fields.ForeignKeyField("bankcore.Product", related_name="interest_credits", on_delete=fields.RESTRICT)
    period_start = fields.DateField()
    period_end = fields.DateField()
    product_minor = fields.BigIntField(description="Sum over the period's days of max(end-of-day balance, 0)")
    interest_minor = fields.BigIntField(description="Interest credited (0: nothing was posted)")
    created_at = fields.DatetimeField()

    class Meta:
        table = "savings_interest_credit"
        # PostgreSQL: one unique (period_end, ledger_account_id) index stands for both (migration 0032)
        unique_together = (("ledger_account", "period_end"),)
        indexes = (Index(fields=("period_end", "product_id"), name="savings_interest_credit_period_idx"),)

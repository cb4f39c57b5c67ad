"""Balance snapshots: every ledger account's balance at a month end, for reports as of any date."""

from tortoise import fields
from tortoise.indexes import Index
from bankcore.models._base import Model


class BalanceSnapshotRun(Model):
    """One snapshot: balances at the end of ``as_of`` of every posting with id up to
    ``through_posting_id``. A later posting valued on or before ``as_of`` (a back-value)
    has a higher id, so a reader adds it on top (``bankcore.reports.snapshots``)."""

    id = fields.BigIntField(primary_key=True)
    as_of = fields.DateField(unique=True)
    through_posting_id = fields.BigIntField(description="Highest posting id included (every lower id was committed)")
    accounts = fields.IntField(default=0, description="Rows written (accounts with postings)")
    created_at = fields.DatetimeField()

    class Meta:
        table = "balance_snapshot_run"


class BalanceSnapshot(Model):
    """One account's balance in a snapshot: debits minus credits, and its last customer-induced value date."""

    id = fields.BigIntField(primary_key=True)
    run = fields.ForeignKeyField("bankcore.BalanceSnapshotRun", related_name="balances", on_delete=fields.RESTRICT)
    ledger_account = fields.ForeignKeyField("bankcore.LedgerAccount", related_name="snapshots",
                                            on_delete=fields.RESTRICT)
    currency = fields.CharField(max_length=3)
    net_debit_minor = fields.BigIntField()
    last_customer_on = fields.DateField(null=True, description="Last value date of a customer-induced posting")

    class Meta:
        table = "balance_snapshot"
        unique_together = (("run", "ledger_account"),)
        # PostgreSQL: dropped by migration 0032 (the unique index serves every query by run)
        indexes = (Index(fields=("run_id", "currency"), name="balance_snapshot_run_currency_idx"),)


class PassbookPrint(Model):
    """Where an account's passbook was printed up to: the next print continues from here.

    ``last_posting_id`` is the highest posting printed (lines are printed in posting
    order); ``balance_minor`` the running balance after it; ``page`` the passbook page the
    next line goes on and ``line`` how many lines of that page are used already.
    """

    id = fields.BigIntField(primary_key=True)
    account = fields.OneToOneField("bankcore.Account", related_name="passbook_print", on_delete=fields.RESTRICT)
    last_posting_id = fields.BigIntField(default=0)
    balance_minor = fields.BigIntField(default=0)
    page = fields.IntField(default=1)
    line = fields.IntField(default=0)
    printed_on = fields.DateField(null=True, description="Business date of the last print")
    printed_by = fields.CharField(max_length=100, null=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "passbook_print"

from enum import StrEnum

from tortoise import fields
from tortoise.indexes import Index
from tortoise.models import Model


class LoanStatus(StrEnum):
    """Contract status (the Berka codes A-D map onto these)."""

    CLOSED = "closed"  # finished, repaid (Berka A)
    CLOSED_UNPAID = "closed_unpaid"  # finished, not repaid (Berka B)
    RUNNING = "running"  # running, no arrears (Berka C)
    RUNNING_IN_ARREARS = "running_in_arrears"  # running, client in debt (Berka D)


class Loan(Model):
    """A loan contract. Its money is on ``account`` (an asset sub-ledger account).

    Instalments are debited from ``repayment_account``.
    """

    id = fields.BigIntField(primary_key=True)
    account = fields.OneToOneField("bankcore.Account", related_name="loan", on_delete=fields.RESTRICT)
    repayment_account = fields.ForeignKeyField(
        "bankcore.Account", related_name="repaid_loans", on_delete=fields.RESTRICT
    )
    granted_on = fields.DateField()
    amount_minor = fields.BigIntField()
    currency = fields.CharField(max_length=3)
    duration_months = fields.IntField()
    instalment_minor = fields.BigIntField()
    status = fields.CharEnumField(LoanStatus, max_length=20)
    source_ref = fields.CharField(max_length=60, unique=True, null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "loan"
        indexes = (Index(fields=("repayment_account_id",), name="loan_repayment_account_idx"),)

from enum import StrEnum

from tortoise import fields
from tortoise.indexes import Index
from bankcore.models._base import Model


class AccountStatus(StrEnum):
    PENDING = "pending"
    ACTIVE = "active"
    DORMANT = "dormant"
    # RBI: no customer-induced transaction for 2 years. Money may come in and interest is
    # credited; nothing goes out until a manager reactivates it after a KYC check.
    INOPERATIVE = "inoperative"
    FROZEN = "frozen"
    CLOSED = "closed"


class StatementFrequency(StrEnum):
    MONTHLY = "monthly"
    WEEKLY = "weekly"
    PER_TRANSACTION = "per_transaction"


class HolderRole(StrEnum):
    OWNER = "owner"
    JOINT = "joint"
    NOMINEE = "nominee"
    # May operate the account without owning it (Berka's DISPONENT).
    MANDATE_HOLDER = "mandate_holder"


class Account(Model):
    """A member's account: the business face of one sub-ledger ``LedgerAccount``.

    The number carries a Luhn check digit. Money state (balance, floor) lives on the
    ledger account so that a posting locks exactly one row per account.
    """

    id = fields.BigIntField(primary_key=True)
    number = fields.CharField(max_length=20, unique=True)
    ledger_account = fields.OneToOneField(
        "bankcore.LedgerAccount", related_name="account", on_delete=fields.RESTRICT
    )
    product = fields.ForeignKeyField("bankcore.Product", related_name="accounts", on_delete=fields.RESTRICT)
    branch = fields.ForeignKeyField("bankcore.Branch", related_name="accounts", on_delete=fields.RESTRICT)
    status = fields.CharEnumField(AccountStatus, max_length=12, default=AccountStatus.PENDING)
    opened_on = fields.DateField()
    last_customer_activity_on = fields.DateField(
        null=True, description="Value date of the last customer-induced transaction as day-end last saw it (a lower bound)",
    )
    inoperative_since = fields.DateField(null=True, description="The business date day-end marked it inoperative")
    closed_on = fields.DateField(null=True)
    statement_frequency = fields.CharEnumField(StatementFrequency, max_length=20, default=StatementFrequency.MONTHLY)
    source_ref = fields.CharField(max_length=60, unique=True, null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "account"
        indexes = (
            Index(fields=("product_id",), name="account_product_idx"),
            Index(fields=("branch_id",), name="account_branch_idx"),
        )


class AccountHolder(Model):
    """A member's relation to an account: owner, joint holder, nominee or mandate holder."""

    id = fields.BigIntField(primary_key=True)
    account = fields.ForeignKeyField("bankcore.Account", related_name="holders", on_delete=fields.RESTRICT)
    member = fields.ForeignKeyField("bankcore.Member", related_name="holdings", on_delete=fields.RESTRICT)
    role = fields.CharEnumField(HolderRole, max_length=20)
    source_ref = fields.CharField(max_length=60, unique=True, null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "account_holder"
        indexes = (Index(fields=("member_id",), name="account_holder_member_idx"),)
        unique_together = (("account", "member", "role"),)

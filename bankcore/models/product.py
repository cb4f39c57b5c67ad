from enum import StrEnum

from tortoise import fields
from tortoise.indexes import Index
from bankcore.models._base import Model


class ProductKind(StrEnum):
    SAVINGS = "savings"
    CURRENT = "current"
    LOAN = "loan"


class Product(Model):
    """A deposit or loan product: the rules an account is opened under.

    ``interest_rate_bps`` is the nominal annual rate in basis points (350 = 3.50% p.a.).
    The floor of an account is ``min_balance_minor - overdraft_limit_minor``.
    """

    id = fields.IntField(primary_key=True)
    code = fields.CharField(max_length=20, unique=True)
    name = fields.CharField(max_length=100)
    kind = fields.CharEnumField(ProductKind, max_length=10)
    currency = fields.CharField(max_length=3)
    interest_rate_bps = fields.IntField(default=0)
    min_balance_minor = fields.BigIntField(default=0)
    overdraft_limit_minor = fields.BigIntField(default=0)
    control_account = fields.ForeignKeyField(
        "bankcore.LedgerAccount", related_name="products", on_delete=fields.RESTRICT,
        description="GL control account the product's accounts roll up to",
    )
    interest_credit_frequency = fields.CharField(
        max_length=12, default="quarterly", db_default="quarterly",
        description="When savings interest is credited: quarterly (31 Mar, 30 Jun, 30 Sep, 31 Dec) or half-yearly",
    )
    active = fields.BooleanField(default=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "product"
        indexes = (Index(fields=("control_account_id",), name="product_control_account_idx"),)

    @property
    def floor_minor(self) -> int:
        return self.min_balance_minor - self.overdraft_limit_minor

from tortoise import fields
from bankcore.models._base import Model


class Branch(Model):
    """A branch of the bank: members and accounts belong to one."""

    id = fields.IntField(primary_key=True)
    code = fields.CharField(max_length=10, unique=True, description="Short branch code, e.g. '001'")
    name = fields.CharField(max_length=100)
    region = fields.CharField(max_length=100, null=True)
    source_ref = fields.CharField(max_length=60, unique=True, null=True, description="Id in an imported data set")
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "branch"

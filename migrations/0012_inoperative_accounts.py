from tortoise import migrations
from tortoise.migrations import operations as ops
from bankcore.models.account import AccountStatus
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('bankcore', '0011_shares_year_end')]

    initial = False

    operations = [
        ops.AlterField(
            model_name='Account',
            name='status',
            field=fields.CharEnumField(default=AccountStatus.PENDING, description='PENDING: pending\nACTIVE: active\nDORMANT: dormant\nINOPERATIVE: inoperative\nFROZEN: frozen\nCLOSED: closed', enum_type=AccountStatus, max_length=12),
        ),
        ops.AddField(
            model_name='Account',
            name='inoperative_since',
            field=fields.DateField(null=True, description='The business date day-end marked it inoperative'),
        ),
        ops.AddField(
            model_name='Account',
            name='last_customer_activity_on',
            field=fields.DateField(null=True, description='Value date of the last customer-induced transaction as day-end last saw it (a lower bound)'),
        ),
    ]

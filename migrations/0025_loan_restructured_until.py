from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields


class Migration(migrations.Migration):
    dependencies = [('bankcore', '0024_loan_fillfactor')]

    initial = False

    operations = [
        ops.AddField(
            model_name='Loan',
            name='restructured_until',
            field=fields.DateField(null=True, description='End of the specified period after a restructuring: the class is not upgraded before it (bankcore.loans.classify)'),
        ),
    ]

from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('bankcore', '0015_standing_instructions')]

    initial = False

    operations = [
        ops.AddField(
            model_name='Loan',
            name='write_off_requested_by',
            field=fields.CharField(null=True, description='The manager who proposed the write-off', max_length=100),
        ),
    ]

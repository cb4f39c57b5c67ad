from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('bankcore', '0019_loan_day_end_indexes')]

    initial = False

    operations = [
        ops.CreateModel(
            name='PassbookPrint',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('account', fields.OneToOneField('bankcore.Account', source_field='account_id', db_constraint=True, to_field='id', related_name='passbook_print', on_delete=OnDelete.RESTRICT)),
                ('last_posting_id', fields.BigIntField(default=0)),
                ('balance_minor', fields.BigIntField(default=0)),
                ('page', fields.IntField(default=1)),
                ('line', fields.IntField(default=0)),
                ('printed_on', fields.DateField(null=True, description='Business date of the last print')),
                ('printed_by', fields.CharField(max_length=100, null=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'passbook_print', 'app': 'bankcore', 'pk_attr': 'id', 'table_description': 'Where an account\'s passbook was printed up to: the next print continues from here.'},
            bases=['Model'],
        ),
    ]

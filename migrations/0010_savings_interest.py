from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('bankcore', '0009_notifications')]

    initial = False

    operations = [
        ops.CreateModel(
            name='ProductRate',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('product', fields.ForeignKeyField('bankcore.Product', source_field='product_id', db_constraint=True, to_field='id', related_name='rates', on_delete=OnDelete.RESTRICT)),
                ('effective_from', fields.DateField()),
                ('annual_rate_bps', fields.IntField(description='Nominal annual rate in basis points (350 = 3.50% p.a.)')),
                ('set_by', fields.CharField(max_length=100)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'product_rate', 'app': 'bankcore', 'unique_together': (('product', 'effective_from'),), 'pk_attr': 'id', 'table_description': "A product's annual interest rate from ``effective_from`` (inclusive) until a later row."},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='SavingsInterestCredit',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('ledger_account', fields.ForeignKeyField('bankcore.LedgerAccount', source_field='ledger_account_id', db_constraint=True, to_field='id', related_name='interest_credits', on_delete=OnDelete.RESTRICT)),
                ('product', fields.ForeignKeyField('bankcore.Product', source_field='product_id', db_constraint=True, to_field='id', related_name='interest_credits', on_delete=OnDelete.RESTRICT)),
                ('period_start', fields.DateField()),
                ('period_end', fields.DateField()),
                ('product_minor', fields.BigIntField(description="Sum over the period's days of max(end-of-day balance, 0)")),
                ('interest_minor', fields.BigIntField(description='Interest credited (0: nothing was posted)')),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'savings_interest_credit', 'app': 'bankcore', 'unique_together': (('ledger_account', 'period_end'),), 'indexes': [Index(fields=['period_end', 'product_id'], name='savings_interest_credit_period_idx')], 'pk_attr': 'id', 'table_description': 'The interest of one savings account for one credit period, as day-end computed it.'},
            bases=['Model'],
        ),
        ops.AddField(
            model_name='Product',
            name='interest_credit_frequency',
            field=fields.CharField(default='quarterly', description='When savings interest is credited: quarterly (31 Mar, 30 Jun, 30 Sep, 31 Dec) or half-yearly', db_default='quarterly', max_length=12),
        ),
    ]

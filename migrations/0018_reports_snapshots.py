from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('bankcore', '0017_counter_kyc')]

    initial = False

    operations = [
        ops.CreateModel(
            name='BalanceSnapshotRun',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('as_of', fields.DateField(unique=True)),
                ('through_posting_id', fields.BigIntField(description='Highest posting id included (every lower id was committed)')),
                ('accounts', fields.IntField(default=0, description='Rows written (accounts with postings)')),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'balance_snapshot_run', 'app': 'bankcore', 'pk_attr': 'id', 'table_description': 'One snapshot: balances at the end of ``as_of`` of every posting with id up to'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='BalanceSnapshot',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('run', fields.ForeignKeyField('bankcore.BalanceSnapshotRun', source_field='run_id', db_constraint=True, to_field='id', related_name='balances', on_delete=OnDelete.RESTRICT)),
                ('ledger_account', fields.ForeignKeyField('bankcore.LedgerAccount', source_field='ledger_account_id', db_constraint=True, to_field='id', related_name='snapshots', on_delete=OnDelete.RESTRICT)),
                ('currency', fields.CharField(max_length=3)),
                ('net_debit_minor', fields.BigIntField()),
                ('last_customer_on', fields.DateField(null=True, description='Last value date of a customer-induced posting')),
            ],
            options={'table': 'balance_snapshot', 'app': 'bankcore', 'unique_together': (('run', 'ledger_account'),), 'indexes': [Index(fields=['run_id', 'currency'], name='balance_snapshot_run_currency_idx')], 'pk_attr': 'id', 'table_description': "One account's balance in a snapshot: debits minus credits, and its last customer-induced value date."},
            bases=['Model'],
        ),
    ]

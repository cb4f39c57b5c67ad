from tortoise import migrations
from tortoise.migrations import operations as ops
from bankcore.models.counter import DrawerStatus
from bankcore.models.member import RiskCategory
from bankcore.models.payments import PayeeKind
from orjson import loads
from tortoise.fields.base import OnDelete
from tortoise.fields.data import JSON_DUMPS
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('bankcore', '0016_deposits')]

    initial = False

    operations = [
        ops.CreateModel(
            name='TellerDrawer',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('teller', fields.CharField(description='The teller as the ledger names them (staff:12)', max_length=100)),
                ('teller_name', fields.CharField(max_length=200)),
                ('branch', fields.ForeignKeyField('bankcore.Branch', source_field='branch_id', null=True, db_constraint=True, to_field='id', related_name='drawers', on_delete=OnDelete.RESTRICT)),
                ('business_date', fields.DateField()),
                ('currency', fields.CharField(max_length=3)),
                ('status', fields.CharEnumField(default=DrawerStatus.OPEN, description='OPEN: open\nCLOSED: closed', enum_type=DrawerStatus, max_length=6)),
                ('opening_float_minor', fields.BigIntField()),
                ('opened_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('closing_count', fields.JSONField(null=True, description='Pieces per denomination (rupees): {"2000": 3, ...}', encoder=JSON_DUMPS, decoder=loads)),
                ('counted_minor', fields.BigIntField(null=True)),
                ('cash_in_minor', fields.BigIntField(null=True, description='Cash taken in, as of the closing')),
                ('cash_out_minor', fields.BigIntField(null=True, description='Cash paid out, as of the closing')),
                ('expected_minor', fields.BigIntField(null=True)),
                ('difference_minor', fields.BigIntField(null=True, description='Counted less expected, negative is a shortage')),
                ('closed_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('closing_note', fields.CharField(null=True, max_length=255)),
            ],
            options={'table': 'teller_drawer', 'app': 'bankcore', 'unique_together': (('teller', 'business_date', 'currency'),), 'indexes': [Index(fields=['business_date', 'branch_id'], name='teller_drawer_date_branch_idx')], 'pk_attr': 'id', 'table_description': "A teller's cash drawer for one business date: opened with a counted float, closed with a count."},
            bases=['Model'],
        ),
        ops.AddField(
            model_name='KycDocument',
            name='content_type',
            field=fields.CharField(null=True, description='Detected from the content, not the name', max_length=40),
        ),
        ops.AddField(
            model_name='KycDocument',
            name='file_name',
            field=fields.CharField(null=True, max_length=120),
        ),
        ops.AddField(
            model_name='KycDocument',
            name='size_bytes',
            field=fields.IntField(null=True),
        ),
        ops.AddField(
            model_name='KycDocument',
            name='storage_key',
            field=fields.CharField(null=True, description='Where the scan lives in the document store', max_length=120),
        ),
        ops.AddField(
            model_name='KycDocument',
            name='uploaded_by',
            field=fields.CharField(null=True, max_length=100),
        ),
        ops.AddField(
            model_name='Member',
            name='kyc_rejection_reason',
            field=fields.CharField(null=True, description='Why the checker rejected KYC', max_length=255),
        ),
        ops.AddField(
            model_name='Member',
            name='kyc_verified_on',
            field=fields.DateField(null=True, description='Business date KYC was last verified'),
        ),
        ops.AddField(
            model_name='Member',
            name='re_kyc_due_on',
            field=fields.DateField(null=True, description='When KYC must be renewed (verified date + years by risk)'),
        ),
        ops.AddField(
            model_name='Member',
            name='risk_category',
            field=fields.CharEnumField(default=RiskCategory.LOW, db_default='low', description='LOW: low\nMEDIUM: medium\nHIGH: high', enum_type=RiskCategory, max_length=6),
        ),
        ops.AlterModelOptions(
            name='Payee',
            options={'table': 'payee', 'app': 'bankcore', 'indexes': [Index(fields=['member_id'], name='payee_member_idx')], 'pk_attr': 'id', 'table_description': "A member's saved beneficiary: an account of this bank (INTERNAL, ``account_number``), or"},
        ),
        ops.AlterField(
            model_name='Payee',
            name='kind',
            field=fields.CharEnumField(description='INTERNAL: internal\nBANK_ACCOUNT: bank_account\nVPA: vpa', enum_type=PayeeKind, max_length=15),
        ),
    ]

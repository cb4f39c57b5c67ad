from tortoise import migrations
from tortoise.migrations import operations as ops
from bankcore.models.loan import BerkaLoanStatus, DisburseTo, InterestMethod, LoanStatus
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

STATUS_FORWARD = (
    # Loans imported before issue 11 kept Berka's contract status in ``status``: keep it as
    # ``source_status`` and give them the lifecycle status (repaid contracts are closed).
    "UPDATE loan SET source_status = status, status = CASE status WHEN 'closed' THEN 'CLOSED' ELSE 'ACTIVE' END "
    "WHERE status IN ('closed', 'closed_unpaid', 'running', 'running_in_arrears')"
)
STATUS_BACKWARD = "UPDATE loan SET status = source_status WHERE source_status IS NOT NULL"


async def _status_forward(apps, schema_editor) -> None:
    await schema_editor.client.execute_script(STATUS_FORWARD)


async def _status_backward(apps, schema_editor) -> None:
    await schema_editor.client.execute_script(STATUS_BACKWARD)


class Migration(migrations.Migration):
    dependencies = [('bankcore', '0013_identity_hardening')]

    initial = False

    operations = [
        ops.CreateModel(
            name='LoanGuarantor',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('loan', fields.ForeignKeyField('bankcore.Loan', source_field='loan_id', db_constraint=True, to_field='id', related_name='guarantors', on_delete=OnDelete.RESTRICT)),
                ('member', fields.ForeignKeyField('bankcore.Member', source_field='member_id', db_constraint=True, to_field='id', related_name='guarantees', on_delete=OnDelete.RESTRICT)),
                ('confirmed_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('confirmed_by', fields.CharField(null=True, max_length=100)),
            ],
            options={'table': 'loan_guarantor', 'app': 'bankcore', 'unique_together': (('loan', 'member'),), 'pk_attr': 'id', 'table_description': 'A member standing guarantor for a loan, ``confirmed_at`` set once they confirm (portal or branch).'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='LoanInstalment',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('loan', fields.ForeignKeyField('bankcore.Loan', source_field='loan_id', db_constraint=True, to_field='id', related_name='instalments', on_delete=OnDelete.RESTRICT)),
                ('number', fields.IntField()),
                ('due_date', fields.DateField()),
                ('principal_minor', fields.BigIntField()),
                ('interest_minor', fields.BigIntField()),
                ('paid_principal_minor', fields.BigIntField(default=0)),
                ('paid_interest_minor', fields.BigIntField(default=0)),
                ('penal_e6', fields.BigIntField(default=0)),
                ('penal_minor', fields.BigIntField(default=0)),
                ('paid_penal_minor', fields.BigIntField(default=0)),
                ('paid_on', fields.DateField(null=True, description='Date the row was fully paid')),
            ],
            options={'table': 'loan_instalment', 'app': 'bankcore', 'unique_together': (('loan', 'number'),), 'indexes': [Index(fields=['due_date', 'loan_id'], name='loan_instalment_due_idx')], 'pk_attr': 'id', 'table_description': "One row of a loan's repayment schedule, and how much of it has been paid."},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='LoanProduct',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('code', fields.CharField(unique=True, max_length=20)),
                ('name', fields.CharField(max_length=100)),
                ('product', fields.OneToOneField('bankcore.Product', source_field='product_id', db_constraint=True, to_field='id', related_name='loan_product', on_delete=OnDelete.RESTRICT)),
                ('currency', fields.CharField(max_length=3)),
                ('method', fields.CharEnumField(default=InterestMethod.REDUCING, description='REDUCING: reducing\nFLAT: flat\nEQUAL_PRINCIPAL: equal-principal', enum_type=InterestMethod, max_length=20)),
                ('annual_rate_bps', fields.IntField()),
                ('min_amount_minor', fields.BigIntField()),
                ('max_amount_minor', fields.BigIntField()),
                ('min_tenure_months', fields.IntField()),
                ('max_tenure_months', fields.IntField()),
                ('repayment_day', fields.IntField(null=True, description='Day of month instalments fall on (null: the disbursal day)')),
                ('moratorium_months', fields.IntField(default=0)),
                ('processing_fee_bps', fields.IntField(default=0, description='Processing fee, % of the principal in bps (GST on top)')),
                ('penal_rate_bps', fields.IntField(default=0, description='Penal charge a year on overdue instalments (a charge, never capitalised)')),
                ('prepayment_mode', fields.CharField(default='reduce-tenure', description='reduce-tenure or reduce-emi', max_length=20)),
                ('prepayment_allowed', fields.BooleanField(default=True)),
                ('arrears_tolerance_minor', fields.BigIntField(default=0, description='Overdue amounts up to this do not count as arrears')),
                ('guarantors_required', fields.IntField(default=0)),
                ('collateral_kinds', fields.CharField(default='', max_length=60)),
                ('active', fields.BooleanField(default=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'loan_product', 'app': 'bankcore', 'pk_attr': 'id', 'table_description': "A loan product's rules. ``product`` is the account product its loan accounts open under."},
            bases=['Model'],
        ),
        ops.AlterField(
            model_name='Loan',
            name='status',
            field=fields.CharEnumField(description='APPLIED: APPLIED\nRECOMMENDED: RECOMMENDED\nSANCTIONED: SANCTIONED\nACTIVE: ACTIVE\nCLOSED: CLOSED\nWRITTEN_OFF: WRITTEN_OFF\nREJECTED: REJECTED', enum_type=LoanStatus, max_length=20),
        ),
        ops.AddField(
            model_name='Loan',
            name='accrued_interest_minor',
            field=fields.BigIntField(default=0, description='Interest accrued since the last due date, not yet due', db_default=0),
        ),
        ops.AddField(
            model_name='Loan',
            name='annual_rate_bps',
            field=fields.IntField(default=0, db_default=0),
        ),
        ops.AddField(
            model_name='Loan',
            name='applied_by',
            field=fields.CharField(default='', db_default='', max_length=100),
        ),
        ops.AddField(
            model_name='Loan',
            name='applied_on',
            field=fields.DateField(null=True),
        ),
        ops.AddField(
            model_name='Loan',
            name='arrears_tolerance_minor',
            field=fields.BigIntField(default=0, db_default=0),
        ),
        ops.AddField(
            model_name='Loan',
            name='asset_class',
            field=fields.CharField(default='STANDARD', db_default='STANDARD', max_length=12),
        ),
        ops.AddField(
            model_name='Loan',
            name='auto_debit',
            field=fields.BooleanField(default=True, description='Day-end collects due instalments from the repayment account', db_default=True),
        ),
        ops.AddField(
            model_name='Loan',
            name='classified_on',
            field=fields.DateField(null=True),
        ),
        ops.AddField(
            model_name='Loan',
            name='closed_on',
            field=fields.DateField(null=True),
        ),
        ops.AddField(
            model_name='Loan',
            name='collateral_kind',
            field=fields.CharField(null=True, max_length=20),
        ),
        ops.AddField(
            model_name='Loan',
            name='collateral_ref',
            field=fields.CharField(null=True, description='e.g. the deposit account under lien', max_length=60),
        ),
        ops.AddField(
            model_name='Loan',
            name='collateral_value_minor',
            field=fields.BigIntField(null=True),
        ),
        ops.AddField(
            model_name='Loan',
            name='days_past_due',
            field=fields.IntField(default=0, db_default=0),
        ),
        ops.AddField(
            model_name='Loan',
            name='decision_reason',
            field=fields.CharField(null=True, max_length=200),
        ),
        ops.AddField(
            model_name='Loan',
            name='disburse_to',
            field=fields.CharEnumField(default=DisburseTo.SAVINGS, description='SAVINGS: SAVINGS\nCLEARING: CLEARING', db_default='SAVINGS', enum_type=DisburseTo, max_length=10),
        ),
        ops.AddField(
            model_name='Loan',
            name='disbursed_on',
            field=fields.DateField(null=True),
        ),
        ops.AddField(
            model_name='Loan',
            name='fee_minor',
            field=fields.BigIntField(default=0, db_default=0),
        ),
        ops.AddField(
            model_name='Loan',
            name='gst_minor',
            field=fields.BigIntField(default=0, db_default=0),
        ),
        ops.AddField(
            model_name='Loan',
            name='loan_product',
            field=fields.ForeignKeyField('bankcore.LoanProduct', source_field='loan_product_id', null=True, db_constraint=True, to_field='id', related_name='loans', on_delete=OnDelete.RESTRICT),
        ),
        ops.AddField(
            model_name='Loan',
            name='member',
            field=fields.ForeignKeyField('bankcore.Member', source_field='member_id', null=True, description='The borrower', db_constraint=True, to_field='id', related_name='loans', on_delete=OnDelete.RESTRICT),
        ),
        ops.AddField(
            model_name='Loan',
            name='method',
            field=fields.CharEnumField(default=InterestMethod.REDUCING, description='REDUCING: reducing\nFLAT: flat\nEQUAL_PRINCIPAL: equal-principal', db_default='reducing', enum_type=InterestMethod, max_length=20),
        ),
        ops.AddField(
            model_name='Loan',
            name='moratorium_months',
            field=fields.IntField(default=0, db_default=0),
        ),
        ops.AddField(
            model_name='Loan',
            name='npa_since',
            field=fields.DateField(null=True),
        ),
        ops.AddField(
            model_name='Loan',
            name='own_class',
            field=fields.CharField(default='STANDARD', description="This facility's class before borrower-wise", db_default='STANDARD', max_length=12),
        ),
        ops.AddField(
            model_name='Loan',
            name='penal_rate_bps',
            field=fields.IntField(default=0, db_default=0),
        ),
        ops.AddField(
            model_name='Loan',
            name='penal_through',
            field=fields.DateField(null=True, description='Last day-end that levied penal charges (keeps the step idempotent)'),
        ),
        ops.AddField(
            model_name='Loan',
            name='provision_minor',
            field=fields.BigIntField(default=0, db_default=0),
        ),
        ops.AddField(
            model_name='Loan',
            name='purpose',
            field=fields.CharField(default='', db_default='', max_length=200),
        ),
        ops.AddField(
            model_name='Loan',
            name='recommended_by',
            field=fields.CharField(null=True, max_length=100),
        ),
        ops.AddField(
            model_name='Loan',
            name='rejected_by',
            field=fields.CharField(null=True, max_length=100),
        ),
        ops.AddField(
            model_name='Loan',
            name='repayment_day',
            field=fields.IntField(null=True),
        ),
        ops.AddField(
            model_name='Loan',
            name='restructured',
            field=fields.BooleanField(default=False, db_default=False),
        ),
        ops.AddField(
            model_name='Loan',
            name='sanctioned_by',
            field=fields.CharField(null=True, max_length=100),
        ),
        ops.AddField(
            model_name='Loan',
            name='sanctioned_on',
            field=fields.DateField(null=True),
        ),
        ops.AddField(
            model_name='Loan',
            name='second_approver',
            field=fields.CharField(null=True, max_length=100),
        ),
        ops.AddField(
            model_name='Loan',
            name='source_status',
            field=fields.CharEnumField(null=True, description='Status as an imported data set gave it', enum_type=BerkaLoanStatus, max_length=20),
        ),
        ops.AddField(
            model_name='Loan',
            name='written_off_minor',
            field=fields.BigIntField(default=0, db_default=0),
        ),
        ops.AddField(
            model_name='Loan',
            name='written_off_on',
            field=fields.DateField(null=True),
        ),
        ops.AddIndex(
            model_name='Loan',
            index=Index(fields=['member_id'], name='loan_member_idx'),
        ),
        ops.AddIndex(
            model_name='Loan',
            index=Index(fields=['status'], name='loan_status_idx'),
        ),
        ops.AddIndex(
            model_name='Loan',
            index=Index(fields=['loan_product_id'], name='loan_product_idx'),
        ),
        ops.RunPython(_status_forward, _status_backward),
    ]

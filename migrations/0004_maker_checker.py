from tortoise import migrations
from tortoise.migrations import operations as ops
from bankcore.models.approval import ApprovalKind, ApprovalStatus
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('bankcore', '0003_identity_audit')]

    initial = False

    operations = [
        ops.CreateModel(
            name='ApprovalRequest',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('kind', fields.CharEnumField(description='REVERSAL: reversal', enum_type=ApprovalKind, max_length=20)),
                ('status', fields.CharEnumField(default=ApprovalStatus.PENDING, description='PENDING: pending\nAPPROVED: approved\nREJECTED: rejected', enum_type=ApprovalStatus, max_length=10)),
                ('payload', fields.TextField(unique=False)),
                ('object_ref', fields.CharField(description='What it is about, e.g. journal_entry:42', max_length=60)),
                ('maker', fields.CharField(max_length=100)),
                ('checker', fields.CharField(null=True, max_length=100)),
                ('reason', fields.CharField(max_length=255)),
                ('result_ref', fields.CharField(null=True, max_length=60)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('decided_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'approval_request', 'app': 'bankcore', 'indexes': [Index(fields=['status', 'id'], name='approval_request_status_idx'), Index(fields=['object_ref'], name='approval_request_object_idx')], 'pk_attr': 'id', 'table_description': "A maker's request that a second, different staff user (the checker) must approve."},
            bases=['Model'],
        ),
        ops.AddField(
            model_name='Member',
            name='kyc_verified_by',
            field=fields.CharField(null=True, description='Staff actor who approved KYC (the checker)', max_length=100),
        ),
        ops.AddField(
            model_name='Member',
            name='registered_by',
            field=fields.CharField(null=True, description='Staff actor who registered the member (the KYC maker)', max_length=100),
        ),
    ]

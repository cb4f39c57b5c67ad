"""KYC rejection: who rejected a member's KYC and on which business date (issue 9 item 6)."""

from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('bankcore', '0025_loan_restructured_until')]

    initial = False

    operations = [
        ops.AddField(
            model_name='Member',
            name='kyc_rejected_by',
            field=fields.CharField(null=True, description='Staff actor who rejected KYC (the checker)', max_length=100),
        ),
        ops.AddField(
            model_name='Member',
            name='kyc_rejected_on',
            field=fields.DateField(null=True, description='Business date KYC was rejected'),
        ),
    ]

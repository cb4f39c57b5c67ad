from tortoise import migrations
from tortoise.migrations import operations as ops
from bankcore.models.instructions import InstructionFrequency, InstructionOutcome, InstructionStatus
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('bankcore', '0014_loans')]

    initial = False

    operations = [
        ops.CreateModel(
            name='StandingInstruction',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('from_account', fields.ForeignKeyField('bankcore.Account', source_field='from_account_id', db_constraint=True, to_field='id', related_name='instructions_out', on_delete=OnDelete.RESTRICT)),
                ('to_account', fields.ForeignKeyField('bankcore.Account', source_field='to_account_id', db_constraint=True, to_field='id', related_name='instructions_in', on_delete=OnDelete.RESTRICT)),
                ('amount_minor', fields.BigIntField()),
                ('currency', fields.CharField(max_length=3)),
                ('frequency', fields.CharEnumField(description='MONTHLY: monthly\nQUARTERLY: quarterly', enum_type=InstructionFrequency, max_length=10)),
                ('day_of_month', fields.IntField(description="1-31, clamped to the month's last day")),
                ('start_date', fields.DateField()),
                ('end_date', fields.DateField(null=True)),
                ('next_due_on', fields.DateField(null=True, description='Next date to pay, null once cancelled or completed')),
                ('status', fields.CharEnumField(default=InstructionStatus.ACTIVE, description='ACTIVE: active\nCANCELLED: cancelled\nCOMPLETED: completed', enum_type=InstructionStatus, max_length=10)),
                ('purpose', fields.CharField(default='transfer', max_length=20)),
                ('reference', fields.CharField(null=True, description="The other domain's object, e.g. loan:12", max_length=60)),
                ('narration', fields.CharField(max_length=140)),
                ('failed_attempts', fields.IntField(default=0, description='Failed attempts for the current due date')),
                ('last_failure', fields.CharField(null=True, description='Why the last attempt failed, for the member', max_length=255)),
                ('created_by', fields.CharField(max_length=100)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'standing_instruction', 'app': 'bankcore', 'indexes': [Index(fields=['status', 'next_due_on'], name='standing_instruction_due_idx'), Index(fields=['from_account_id'], name='standing_instruction_from_idx')], 'pk_attr': 'id', 'table_description': 'Pay ``amount_minor`` from one account of the bank to another, monthly or quarterly.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='StandingInstructionRun',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('instruction', fields.ForeignKeyField('bankcore.StandingInstruction', source_field='instruction_id', db_constraint=True, to_field='id', related_name='runs', on_delete=OnDelete.RESTRICT)),
                ('due_on', fields.DateField()),
                ('attempted_on', fields.DateField(description='The business date of the attempt')),
                ('outcome', fields.CharEnumField(description='EXECUTED: executed\nFAILED: failed\nGAVE_UP: gave_up', enum_type=InstructionOutcome, max_length=10)),
                ('entry_id', fields.BigIntField(null=True, description="The transfer's journal entry when executed")),
                ('message', fields.CharField(null=True, max_length=255)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'standing_instruction_run', 'app': 'bankcore', 'unique_together': (('instruction', 'due_on', 'attempted_on'),), 'pk_attr': 'id', 'table_description': 'One attempt of day-end at one due date of an instruction: executed, failed or given up.'},
            bases=['Model'],
        ),
    ]

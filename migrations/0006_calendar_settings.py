from tortoise import migrations
from tortoise.migrations import operations as ops
from bankcore.models.calendar import DayEndStatus
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('bankcore', '0005_partner_member')]

    initial = False

    operations = [
        ops.CreateModel(
            name='BankCalendar',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('business_date', fields.DateField()),
                ('updated_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'bank_calendar', 'app': 'bankcore', 'pk_attr': 'id', 'table_description': "The one row (id 1) holding the bank's business date."},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='BankSetting',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('key', fields.CharField(max_length=80)),
                ('value', fields.TextField(unique=False)),
                ('effective_from', fields.DateField()),
                ('set_by', fields.CharField(max_length=100)),
                ('reason', fields.CharField(null=True, max_length=255)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'bank_setting', 'app': 'bankcore', 'unique_together': (('key', 'effective_from'),), 'indexes': [Index(fields=['key', 'effective_from'], name='bank_setting_key_idx')], 'pk_attr': 'id', 'table_description': 'One value of one setting from ``effective_from`` (inclusive) until a later row replaces it.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='DayEndRun',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('business_date', fields.DateField(unique=True, description='The date being closed')),
                ('status', fields.CharEnumField(description='RUNNING: running\nCOMPLETED: completed\nFAILED: failed', enum_type=DayEndStatus, max_length=10)),
                ('initiator', fields.CharField(description='Who ran it: cli, staff:12, ...', max_length=100)),
                ('started_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('finished_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('message', fields.CharField(null=True, description='Why it failed, for the accountant', max_length=500)),
            ],
            options={'table': 'day_end_run', 'app': 'bankcore', 'pk_attr': 'id', 'table_description': 'The close of business of one business date. One row per date, ever.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='DayEndStepRun',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('run', fields.ForeignKeyField('bankcore.DayEndRun', source_field='run_id', db_constraint=True, to_field='id', related_name='steps', on_delete=OnDelete.RESTRICT)),
                ('step', fields.CharField(description='Registered step name, e.g. savings.credit_interest', max_length=60)),
                ('position', fields.IntField(description='Order of the step within the day')),
                ('started_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('finished_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('rows', fields.BigIntField(default=0, description='Rows the step wrote or changed')),
                ('outcome', fields.CharEnumField(description='RUNNING: running\nCOMPLETED: completed\nFAILED: failed', enum_type=DayEndStatus, max_length=10)),
                ('message', fields.CharField(null=True, max_length=500)),
            ],
            options={'table': 'day_end_step_run', 'app': 'bankcore', 'unique_together': (('run', 'step'),), 'indexes': [Index(fields=['run_id', 'position'], name='day_end_step_run_run_idx')], 'pk_attr': 'id', 'table_description': 'One named step of one day-end: when it ran, how many rows it touched, how it ended.'},
            bases=['Model'],
        ),
    ]

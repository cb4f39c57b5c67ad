"""Devices staff users and members have signed in from (issue 14: sign-in from a new device)."""

from tortoise import fields, migrations
from tortoise.migrations import operations as ops

from bankcore.models.identity import PrincipalKind


class Migration(migrations.Migration):
    dependencies = [('bankcore', '0022_account_activity_index')]

    initial = False

    operations = [
        ops.CreateModel(
            name='KnownDevice',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('principal_kind', fields.CharEnumField(description='STAFF: staff\nMEMBER: member\nPARTNER: partner', enum_type=PrincipalKind, max_length=10)),
                ('principal_id', fields.BigIntField()),
                ('fingerprint', fields.CharField(max_length=64)),
                ('label', fields.CharField(max_length=100)),
                ('first_seen_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('last_seen_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('last_address', fields.CharField(null=True, description='IP address of the last sign-in from it', max_length=64)),
            ],
            options={'table': 'known_device', 'app': 'bankcore', 'unique_together': (('principal_kind', 'principal_id', 'fingerprint'),), 'pk_attr': 'id', 'table_description': 'A device a staff user or member has signed in from (issue 14: sign-in from a new device).'},
            bases=['Model'],
        ),
    ]

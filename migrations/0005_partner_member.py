from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('bankcore', '0004_maker_checker')]

    initial = False

    operations = [
        ops.AddField(
            model_name='ApiClient',
            name='member',
            field=fields.ForeignKeyField('bankcore.Member', source_field='member_id', null=True, description='The member the partner acts for (it sees only their accounts), null for none', db_constraint=True, to_field='id', related_name='api_clients', on_delete=OnDelete.RESTRICT),
        ),
        ops.AddIndex(
            model_name='ApiClient',
            index=Index(fields=['member_id'], name='api_client_member_idx'),
        ),
    ]

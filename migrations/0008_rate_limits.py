from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('bankcore', '0007_payments')]

    initial = False

    operations = [
        ops.CreateModel(
            name='RateLimitHit',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('key', fields.CharField(max_length=250)),
                ('hit_at', fields.FloatField()),
            ],
            options={'table': 'rate_limit_hit', 'app': 'bankcore', 'indexes': [Index(fields=['key', 'hit_at'], name='rate_limit_hit_key_idx')], 'pk_attr': 'id', 'table_description': 'One counted attempt under ``key`` at ``hit_at`` (seconds since the epoch).'},
            bases=['Model'],
        ),
    ]

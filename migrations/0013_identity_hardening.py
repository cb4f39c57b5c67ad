from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('bankcore', '0012_inoperative_accounts')]

    initial = False

    operations = [
        ops.CreateModel(
            name='ContactChange',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('member', fields.ForeignKeyField('bankcore.Member', source_field='member_id', db_constraint=True, to_field='id', related_name='contact_changes', on_delete=OnDelete.RESTRICT)),
                ('challenge', fields.ForeignKeyField('bankcore.SignInChallenge', source_field='challenge_id', db_constraint=True, to_field='id', related_name='contact_changes', on_delete=OnDelete.RESTRICT)),
                ('field', fields.CharField(description='mobile or email', max_length=10)),
                ('new_value', fields.CharField(description='The normalised new mobile (E.164) or e-mail', max_length=254)),
                ('deliverable', fields.BooleanField(description="False when no code was sent (the mobile is another member's)")),
                ('requested_by', fields.CharField(description='Actor, e.g. member:42', max_length=120)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('completed_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'contact_change', 'app': 'bankcore', 'indexes': [Index(fields=['member_id', 'created_at'], name='contact_change_member_idx'), Index(fields=['challenge_id'], name='contact_change_challenge_idx')], 'pk_attr': 'id', 'table_description': "A member's request to change the mobile number or e-mail that codes are sent to."},
            bases=['Model'],
        ),
        ops.AddField(
            model_name='AuthSession',
            name='client_address',
            field=fields.CharField(null=True, description='The IP address that signed in', max_length=64),
        ),
        ops.AddField(
            model_name='AuthSession',
            name='device',
            field=fields.CharField(null=True, description='The browser or app that signed in (User-Agent, cut short)', max_length=200),
        ),
        ops.AlterField(
            model_name='MemberCredential',
            name='password_hash',
            field=fields.CharField(description="argon2id PHC string; '!' while portal access is granted but no password is set yet", max_length=255),
        ),
        ops.AlterField(
            model_name='MemberCredential',
            name='totp_secret',
            field=fields.CharField(null=True, description='TOTP secret sealed with AES-GCM, null for sent codes', max_length=200),
        ),
        ops.AddField(
            model_name='MemberCredential',
            name='totp_key_id',
            field=fields.CharField(null=True, description='Id of the key that sealed totp_secret', max_length=16),
        ),
        ops.AlterField(
            model_name='SignInChallenge',
            name='attempts',
            field=fields.IntField(default=0, description='Code attempts taken (each check takes one first)'),
        ),
        ops.AddField(
            model_name='SignInChallenge',
            name='purpose',
            field=fields.CharField(default='sign-in', description='sign-in, step-up, contact or password: a challenge answers only its own purpose', db_default='sign-in', max_length=12),
        ),
        ops.AlterField(
            model_name='StaffUser',
            name='totp_secret',
            field=fields.CharField(null=True, description='TOTP secret sealed with AES-GCM (bankcore.identity.secretbox), null until enrolled', max_length=200),
        ),
        ops.AddField(
            model_name='StaffUser',
            name='must_change_password',
            field=fields.BooleanField(default=False, description="Set by an admin's reset: the next sign-in must choose a new password", db_default=False),
        ),
        ops.AddField(
            model_name='StaffUser',
            name='totp_key_id',
            field=fields.CharField(null=True, description='Id of the key that sealed totp_secret', max_length=16),
        ),
    ]

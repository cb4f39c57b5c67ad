from tortoise import migrations
from tortoise.migrations import operations as ops
from bankcore.models.notification import DeliveryChannel, DeliveryStatus, WebhookDeliveryStatus
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('bankcore', '0008_rate_limits')]

    initial = False

    operations = [
        ops.CreateModel(
            name='Notification',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('member', fields.ForeignKeyField('bankcore.Member', source_field='member_id', null=True, db_constraint=True, to_field='id', related_name='notifications', on_delete=OnDelete.RESTRICT)),
                ('staff', fields.ForeignKeyField('bankcore.StaffUser', source_field='staff_id', null=True, db_constraint=True, to_field='id', related_name='notifications', on_delete=OnDelete.RESTRICT)),
                ('kind', fields.CharField(description='Template key, e.g. debit, emi_due, fd_maturing', max_length=40)),
                ('params', fields.TextField(default='{}', description='JSON parameters of the template', unique=False)),
                ('dedupe_key', fields.CharField(null=True, unique=True, max_length=160)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('read_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('dispatched_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'notification', 'app': 'bankcore', 'indexes': [Index(fields=['member_id', 'read_at'], name='notification_member_idx'), Index(fields=['staff_id', 'read_at'], name='notification_staff_idx'), Index(fields=['dispatched_at', 'id'], name='notification_undispatched_idx')], 'pk_attr': 'id', 'table_description': 'One thing a member or a member of staff is told: an inbox item, and the source of its'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='NotificationDelivery',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('notification', fields.ForeignKeyField('bankcore.Notification', source_field='notification_id', db_constraint=True, to_field='id', related_name='deliveries', on_delete=OnDelete.RESTRICT)),
                ('channel', fields.CharEnumField(description='SMS: sms\nEMAIL: email\nWHATSAPP: whatsapp', enum_type=DeliveryChannel, max_length=8)),
                ('destination', fields.CharField(description='E.164 mobile number or e-mail address', max_length=254)),
                ('subject', fields.CharField(description="The title in the member's language (e-mail subject)", max_length=200)),
                ('body', fields.TextField(description="The text in the member's language, rendered when the delivery was made", unique=False)),
                ('status', fields.CharEnumField(default=DeliveryStatus.PENDING, description='PENDING: pending\nSENT: sent\nFAILED: failed\nSKIPPED: skipped', enum_type=DeliveryStatus, max_length=8)),
                ('attempts', fields.IntField(default=0)),
                ('next_attempt_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('last_error', fields.CharField(null=True, max_length=300)),
                ('provider_ref', fields.CharField(null=True, max_length=120)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('sent_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'notification_delivery', 'app': 'bankcore', 'indexes': [Index(fields=['status', 'next_attempt_at'], name='notification_delivery_due_idx'), Index(fields=['notification_id'], name='notification_delivery_notification_idx')], 'pk_attr': 'id', 'table_description': 'One notification on one channel to one address: the transactional outbox row the'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='NotificationPreference',
            fields=[
                ('member', fields.OneToOneField('bankcore.Member', source_field='member_id', primary_key=True, db_index=True, db_constraint=True, to_field='id', related_name='notification_preference', on_delete=OnDelete.RESTRICT)),
                ('language', fields.CharField(default='en', description='en, hi or mr', max_length=5)),
                ('sms', fields.BooleanField(default=True)),
                ('email', fields.BooleanField(default=True)),
                ('whatsapp', fields.BooleanField(default=False)),
                ('credit_threshold_minor', fields.BigIntField(null=True)),
                ('updated_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'notification_preference', 'app': 'bankcore', 'pk_attr': 'member_id', 'table_description': "A member's choices: language of the messages, channels, and the credit-alert threshold."},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='OutboxEvent',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('topic', fields.CharField(max_length=40)),
                ('ref_id', fields.BigIntField(null=True, description='The id the event is about (entry, loan, deposit...)')),
                ('payload', fields.TextField(default='{}', unique=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('dispatched_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'outbox_event', 'app': 'bankcore', 'indexes': [Index(fields=['dispatched_at', 'id'], name='outbox_event_undispatched_idx')], 'pk_attr': 'id', 'table_description': 'A domain event written in the transaction that caused it (an entry posted, a loan'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='WebhookSubscription',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('api_client', fields.ForeignKeyField('bankcore.ApiClient', source_field='api_client_id', db_constraint=True, to_field='id', related_name='webhooks', on_delete=OnDelete.RESTRICT)),
                ('name', fields.CharField(max_length=100)),
                ('target_url', fields.CharField(max_length=500)),
                ('secret', fields.CharField(max_length=100)),
                ('query', fields.TextField(unique=False)),
                ('events', fields.CharField(max_length=300)),
                ('is_active', fields.BooleanField(default=True)),
                ('disabled_reason', fields.CharField(null=True, max_length=200)),
                ('failing_since', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('created_by', fields.CharField(max_length=100)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'webhook_subscription', 'app': 'bankcore', 'indexes': [Index(fields=['api_client_id'], name='webhook_subscription_client_idx')], 'pk_attr': 'id', 'table_description': "A partner's (API client's) endpoint subscribed to events (Saleor's ``Webhook``)."},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='WebhookDelivery',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('subscription', fields.ForeignKeyField('bankcore.WebhookSubscription', source_field='subscription_id', db_constraint=True, to_field='id', related_name='deliveries', on_delete=OnDelete.RESTRICT)),
                ('event', fields.ForeignKeyField('bankcore.OutboxEvent', source_field='event_id', db_constraint=True, to_field='id', related_name='webhook_deliveries', on_delete=OnDelete.RESTRICT)),
                ('event_type', fields.CharField(max_length=40)),
                ('payload', fields.TextField(unique=False)),
                ('status', fields.CharEnumField(default=WebhookDeliveryStatus.PENDING, description='PENDING: pending\nSUCCESS: success\nFAILED: failed', enum_type=WebhookDeliveryStatus, max_length=8)),
                ('attempts', fields.IntField(default=0)),
                ('next_attempt_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('delivered_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'webhook_delivery', 'app': 'bankcore', 'unique_together': (('subscription_id', 'event_id', 'event_type'),), 'indexes': [Index(fields=['status', 'next_attempt_at'], name='webhook_delivery_due_idx'), Index(fields=['event_id'], name='webhook_delivery_event_idx')], 'pk_attr': 'id', 'table_description': "One event for one subscription (Saleor's ``EventDelivery``): the payload rendered from"},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='WebhookAttempt',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('delivery', fields.ForeignKeyField('bankcore.WebhookDelivery', source_field='delivery_id', db_constraint=True, to_field='id', related_name='attempts_log', on_delete=OnDelete.RESTRICT)),
                ('attempted_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('status_code', fields.IntField(null=True)),
                ('duration_ms', fields.IntField()),
                ('error', fields.CharField(null=True, max_length=300)),
                ('response_body', fields.CharField(null=True, max_length=500)),
            ],
            options={'table': 'webhook_attempt', 'app': 'bankcore', 'indexes': [Index(fields=['delivery_id'], name='webhook_attempt_delivery_idx')], 'pk_attr': 'id', 'table_description': "The delivery log: one HTTP attempt of a delivery, with the answer (Saleor's ``EventDeliveryAttempt``)."},
            bases=['Model'],
        ),
    ]

"""The audit chain is sealed in the background (issue 15 item 2): rows are appended unsealed.

``audit_log`` gains ``seal_seq`` (the row's place in the hash chain, given by the sealer;
null until sealed), and ``prev_hash``/``hash`` become nullable. Existing rows were chained
in id order, so they get ``seal_seq`` = their rank by id. A partial index finds the
unsealed tail. PostgreSQL: the append-only trigger now lets exactly one UPDATE through —
the sealing of an unsealed row (``seal_seq``, ``prev_hash`` and ``hash`` set from null,
every other column unchanged); DELETE and every other UPDATE are still refused.
SQLite: Tortoise rebuilds the table to drop NOT NULL and the rebuild loses the secondary
indexes, so they are created again here.
"""

from tortoise import fields, migrations
from tortoise.migrations import operations as ops

PG_TRIGGER = """
CREATE OR REPLACE FUNCTION coopbank_audit_append_only() RETURNS trigger AS $$
BEGIN
    -- The sealer's one write: an unsealed row gets its place and hashes, nothing else changes.
    IF TG_OP = 'UPDATE' AND OLD.seal_seq IS NULL AND OLD.hash IS NULL AND OLD.prev_hash IS NULL
       AND NEW.seal_seq IS NOT NULL AND NEW.hash IS NOT NULL AND NEW.prev_hash IS NOT NULL
       AND (NEW.id, NEW.occurred_at, NEW.actor, NEW.action, NEW.object_type, NEW.object_id, NEW.outcome, NEW.details)
           IS NOT DISTINCT FROM
           (OLD.id, OLD.occurred_at, OLD.actor, OLD.action, OLD.object_type, OLD.object_id, OLD.outcome, OLD.details)
    THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'audit_log is append-only: % refused', TG_OP
        USING ERRCODE = 'integrity_constraint_violation';
END;
$$ LANGUAGE plpgsql
"""
PG_TRIGGER_BEFORE = """
CREATE OR REPLACE FUNCTION coopbank_audit_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only: % refused', TG_OP
        USING ERRCODE = 'integrity_constraint_violation';
END;
$$ LANGUAGE plpgsql
"""
BACKFILL = (
    "UPDATE audit_log SET seal_seq = ranked.n FROM "
    "(SELECT id, row_number() OVER (ORDER BY id) AS n FROM audit_log) AS ranked "
    "WHERE audit_log.id = ranked.id AND audit_log.seal_seq IS NULL"
)
UNSEALED_INDEX = "CREATE INDEX IF NOT EXISTS audit_log_unsealed_idx ON audit_log (id) WHERE seal_seq IS NULL"
SQLITE_INDEXES = [
    'CREATE INDEX IF NOT EXISTS "audit_log_occurred_idx" ON "audit_log" ("occurred_at", "id")',
    'CREATE INDEX IF NOT EXISTS "audit_log_actor_idx" ON "audit_log" ("actor", "id")',
    'CREATE INDEX IF NOT EXISTS "audit_log_action_idx" ON "audit_log" ("action", "id")',
    'CREATE INDEX IF NOT EXISTS "audit_log_outcome_idx" ON "audit_log" ("outcome", "id")',
]


async def forward(apps, schema_editor) -> None:
    client = schema_editor.client
    if client.capabilities.dialect == "postgres":
        # The backfill sets seal_seq on rows that already carry hashes, which the new rule refuses.
        await client.execute_script("ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only")
        await client.execute_script(BACKFILL)
        await client.execute_script("ALTER TABLE audit_log ENABLE TRIGGER audit_log_append_only")
        await client.execute_script(PG_TRIGGER)
    else:
        for sql in SQLITE_INDEXES:
            await client.execute_script(sql)
        await client.execute_script(BACKFILL)
    await client.execute_script(UNSEALED_INDEX)


async def backward(apps, schema_editor) -> None:
    client = schema_editor.client
    await client.execute_script("DROP INDEX IF EXISTS audit_log_unsealed_idx")
    if client.capabilities.dialect == "postgres":
        await client.execute_script(PG_TRIGGER_BEFORE)


class Migration(migrations.Migration):
    dependencies = [('bankcore', '0026_kyc_review')]

    initial = False

    operations = [
        ops.AlterField(
            model_name='AuditLog',
            name='hash',
            field=fields.CharField(null=True, unique=True, max_length=64),
        ),
        ops.AlterField(
            model_name='AuditLog',
            name='prev_hash',
            field=fields.CharField(null=True, max_length=64),
        ),
        ops.AddField(
            model_name='AuditLog',
            name='seal_seq',
            field=fields.BigIntField(null=True, unique=True),
        ),
        ops.RunPython(forward, backward),
    ]

"""Index for the daily inoperative-account step (issue 10, performance).

``accounts.mark_inoperative`` reads, every day, the accounts whose last customer activity
is unknown or at or before the notice line: four statements that each scanned the whole
``account`` table (1.5 s of an ordinary day on the 100,000-account benchmark, under load).
With ``account_last_activity_idx`` they read only those few accounts (NULLs are indexed
too, for the first day-end after an import). Same SQL on PostgreSQL and SQLite.
"""

from tortoise import migrations
from tortoise.migrations import operations as ops

FORWARD = "CREATE INDEX IF NOT EXISTS account_last_activity_idx ON account (last_customer_activity_on)"
BACKWARD = "DROP INDEX IF EXISTS account_last_activity_idx"


async def forward(apps, schema_editor) -> None:
    await schema_editor.client.execute_script(FORWARD)


async def backward(apps, schema_editor) -> None:
    await schema_editor.client.execute_script(BACKWARD)


class Migration(migrations.Migration):
    dependencies = [("bankcore", "0021_postgres_jit_off")]

    operations = [ops.RunPython(forward, backward)]

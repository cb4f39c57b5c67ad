"""PostgreSQL: restore the two ledger indexes a crashed bulk import could leave missing.

Before the first-load path of ``bankcore/ledger/bulk_first.py`` (which drops and rebuilds
them inside its own transaction, so a crash rolls the drop back), the bulk import dropped
``posting_account_date_idx`` and ``journal_entry_source_ref_key`` on its own and rebuilt
them after the load, and re-created them at the start of the next bulk load if a crash had
left them missing. That repair is gone; ``coopbank migrate`` now makes sure both exist
(a no-op on a healthy bank). Without the first, every account statement and balance as of
a date scans the postings; without the second, imported entries' references are unchecked.
SQLite: nothing to do (its import never dropped them).
"""

from tortoise import migrations
from tortoise.migrations import operations as ops

PG_FORWARD = [
    "CREATE INDEX IF NOT EXISTS posting_account_date_idx ON posting (ledger_account_id, value_date, id)",
    "CREATE UNIQUE INDEX IF NOT EXISTS journal_entry_source_ref_key ON journal_entry (source_ref) "
    "WHERE source_ref IS NOT NULL",
]


async def forward(apps, schema_editor) -> None:
    if schema_editor.client.capabilities.dialect == "postgres":
        for sql in PG_FORWARD:
            await schema_editor.client.execute_script(sql)


async def backward(apps, schema_editor) -> None:
    """Nothing to undo: the indexes belong to the schema since ``0001`` and ``0032``."""


class Migration(migrations.Migration):
    dependencies = [("bankcore", "0033_loan_classification_on_read")]

    operations = [ops.RunPython(forward, backward)]

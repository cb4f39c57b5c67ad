"""Database-level guards on the ledger that the ORM cannot express.

PostgreSQL: CHECK constraints on postings, and a trigger that refuses UPDATE and DELETE
on journal entries and postings, so the ledger stays append-only even against a
hand-typed SQL statement. SQLite: the same CHECKs as insert triggers (SQLite cannot add a
constraint to an existing table); the append-only rule is enforced by the services only.
"""

from tortoise import migrations
from tortoise.migrations import operations as ops

PG_FORWARD = [
    "ALTER TABLE posting ADD CONSTRAINT posting_amount_positive CHECK (amount_minor > 0)",
    "ALTER TABLE posting ADD CONSTRAINT posting_side_valid CHECK (side IN ('D', 'C'))",
    "ALTER TABLE ledger_account ADD CONSTRAINT ledger_account_kind_valid "
    "CHECK (kind IN ('asset', 'liability', 'equity', 'income', 'expense'))",
    """
    CREATE OR REPLACE FUNCTION coopbank_ledger_append_only() RETURNS trigger AS $$
    BEGIN
        RAISE EXCEPTION 'ledger table % is append-only: % refused; post a reversing entry instead',
            TG_TABLE_NAME, TG_OP
            USING ERRCODE = 'integrity_constraint_violation';
    END;
    $$ LANGUAGE plpgsql
    """,
    "CREATE TRIGGER journal_entry_append_only BEFORE UPDATE OR DELETE ON journal_entry "
    "FOR EACH ROW EXECUTE FUNCTION coopbank_ledger_append_only()",
    "CREATE TRIGGER posting_append_only BEFORE UPDATE OR DELETE ON posting "
    "FOR EACH ROW EXECUTE FUNCTION coopbank_ledger_append_only()",
]
PG_BACKWARD = [
    "DROP TRIGGER IF EXISTS posting_append_only ON posting",
    "DROP TRIGGER IF EXISTS journal_entry_append_only ON journal_entry",
    "DROP FUNCTION IF EXISTS coopbank_ledger_append_only()",
    "ALTER TABLE ledger_account DROP CONSTRAINT IF EXISTS ledger_account_kind_valid",
    "ALTER TABLE posting DROP CONSTRAINT IF EXISTS posting_side_valid",
    "ALTER TABLE posting DROP CONSTRAINT IF EXISTS posting_amount_positive",
]
SQLITE_FORWARD = [
    """
    CREATE TRIGGER posting_checks BEFORE INSERT ON posting
    WHEN NEW.amount_minor <= 0 OR NEW.side NOT IN ('D', 'C')
    BEGIN SELECT RAISE(ABORT, 'posting amount must be positive and side D or C'); END
    """,
]
SQLITE_BACKWARD = ["DROP TRIGGER IF EXISTS posting_checks"]


def _statements(schema_editor, *, forward: bool) -> list[str]:
    if schema_editor.client.capabilities.dialect == "postgres":
        return PG_FORWARD if forward else PG_BACKWARD
    return SQLITE_FORWARD if forward else SQLITE_BACKWARD


async def forward(apps, schema_editor) -> None:
    for sql in _statements(schema_editor, forward=True):
        await schema_editor.client.execute_script(sql)


async def backward(apps, schema_editor) -> None:
    for sql in _statements(schema_editor, forward=False):
        await schema_editor.client.execute_script(sql)


class Migration(migrations.Migration):
    dependencies = [("bankcore", "0001_initial")]

    operations = [ops.RunPython(forward, backward)]

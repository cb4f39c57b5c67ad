"""PostgreSQL: a posting's entry and account are checked once per statement, not per row (issue 10 item 7).

A foreign key checks each inserted row on its own: one query per row and per key, each
taking a ``FOR KEY SHARE`` lock on the referenced row (a WAL record and a dirtied page
each time). The quarter-end savings credit inserts 123,116 postings in one statement;
the two checks were 8.7 s of its 13.9 s in ``EXPLAIN ANALYZE`` on the 100,000-account
benchmark (under load), the largest part of the quarter-end. Every other bulk writer
(the loans' collection, the importer's COPY) paid the same.

The two foreign keys of ``posting`` are replaced by a statement-level trigger that reads
the statement's new rows (a transition table, filled by INSERT and COPY alike) and
refuses the whole statement, with the foreign-key error code (23503), if any row names
an entry or a ledger account that does not exist: the same rows are refused as before,
by one anti-join over the distinct keys instead of a query and a row lock per row.

Why the row locks are no longer needed: a foreign key locks the referenced row so that
no one deletes it (or changes its key) between the check and the commit. Here neither
can happen to anyone: ``journal_entry`` already refuses UPDATE and DELETE (migration
``0002``); ``ledger_account`` now refuses DELETE and a change of ``id`` (a ledger account
is closed, never deleted; nothing in the bank deletes one), where before RESTRICT
refused the delete only while a posting referred to it. So a row seen by the check
stays for good, and the guarantee is the same as the foreign keys': every posting's
entry and account exist. ``coopbank verify`` also looks for a posting without them.
TRUNCATE bypasses this as it bypassed the append-only triggers (tests only).

SQLite: unchanged (its foreign keys cost little, and dropping one rebuilds the table).
"""

from tortoise import migrations
from tortoise.migrations import operations as ops

PG_FORWARD = [
    "ALTER TABLE posting DROP CONSTRAINT IF EXISTS posting_entry_id_fkey",
    "ALTER TABLE posting DROP CONSTRAINT IF EXISTS posting_ledger_account_id_fkey",
    """
    CREATE OR REPLACE FUNCTION coopbank_posting_refs_check() RETURNS trigger AS $$
    BEGIN
        IF EXISTS (SELECT 1 FROM (SELECT DISTINCT entry_id FROM coopbank_new_postings) n
                   WHERE NOT EXISTS (SELECT 1 FROM journal_entry e WHERE e.id = n.entry_id)) THEN
            RAISE EXCEPTION 'insert on table "posting" violates its reference to "journal_entry": no such entry'
                USING ERRCODE = 'foreign_key_violation';
        END IF;
        IF EXISTS (SELECT 1 FROM (SELECT DISTINCT ledger_account_id FROM coopbank_new_postings) n
                   WHERE NOT EXISTS (SELECT 1 FROM ledger_account la WHERE la.id = n.ledger_account_id)) THEN
            RAISE EXCEPTION 'insert on table "posting" violates its reference to "ledger_account": no such account'
                USING ERRCODE = 'foreign_key_violation';
        END IF;
        RETURN NULL;
    END;
    $$ LANGUAGE plpgsql
    """,
    "CREATE TRIGGER posting_refs_exist AFTER INSERT ON posting REFERENCING NEW TABLE AS coopbank_new_postings "
    "FOR EACH STATEMENT EXECUTE FUNCTION coopbank_posting_refs_check()",
    """
    CREATE OR REPLACE FUNCTION coopbank_ledger_account_kept() RETURNS trigger AS $$
    BEGIN
        IF TG_OP = 'DELETE' OR NEW.id <> OLD.id THEN
            RAISE EXCEPTION 'ledger accounts are never deleted nor renumbered: % refused (close the account instead)', TG_OP
                USING ERRCODE = 'integrity_constraint_violation';
        END IF;
        RETURN NEW;
    END;
    $$ LANGUAGE plpgsql
    """,
    "CREATE TRIGGER ledger_account_kept BEFORE DELETE OR UPDATE OF id ON ledger_account "
    "FOR EACH ROW EXECUTE FUNCTION coopbank_ledger_account_kept()",
]
PG_BACKWARD = [
    "DROP TRIGGER IF EXISTS ledger_account_kept ON ledger_account",
    "DROP FUNCTION IF EXISTS coopbank_ledger_account_kept()",
    "DROP TRIGGER IF EXISTS posting_refs_exist ON posting",
    "DROP FUNCTION IF EXISTS coopbank_posting_refs_check()",
    "ALTER TABLE posting ADD CONSTRAINT posting_entry_id_fkey FOREIGN KEY (entry_id) REFERENCES journal_entry (id) "
    "ON DELETE RESTRICT",
    "ALTER TABLE posting ADD CONSTRAINT posting_ledger_account_id_fkey FOREIGN KEY (ledger_account_id) "
    "REFERENCES ledger_account (id) ON DELETE RESTRICT",
]


async def forward(apps, schema_editor) -> None:
    if schema_editor.client.capabilities.dialect == "postgres":
        for sql in PG_FORWARD:
            await schema_editor.client.execute_script(sql)


async def backward(apps, schema_editor) -> None:
    if schema_editor.client.capabilities.dialect == "postgres":
        for sql in PG_BACKWARD:
            await schema_editor.client.execute_script(sql)


class Migration(migrations.Migration):
    dependencies = [("bankcore", "0030_penal_charges_on_read")]

    operations = [ops.RunPython(forward, backward)]

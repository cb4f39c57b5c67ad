"""PostgreSQL: leaner indexes and reference checks for the quarter-end's bulk writes, and a
block-range index on the postings' value date (issue 10 item 7).

On the 100,000-account benchmark the quarter-end writes 61,558 entries, 123,116 postings,
61,563 interest records and 100,814 snapshot rows in a handful of statements, and every
index of those tables costs a WAL record (often a full-page image) per row:

* ``journal_entry.source_ref`` and ``reverses_id`` are NULL for every entry but imported
  ones (``source_ref``) and reversals, yet both unique indexes held a NULL entry for each
  of the other entries. They become partial unique indexes (``WHERE ... IS NOT NULL``):
  the same uniqueness (NULLs never conflicted), and ``=`` / ``IN`` lookups still use them
  (a strict comparison implies NOT NULL).
* ``savings_interest_credit``: the unique ``(ledger_account_id, period_end)`` put each of
  a quarter's rows on its own leaf (one per account, a full-page image each after a
  checkpoint) and ``(period_end, product_id)`` served no query. One unique index
  ``(period_end, ledger_account_id)`` replaces both: the credit's guard (an account and a
  period end) and listing a period use it, and a quarter's rows are appended at its end.
* ``balance_snapshot``: ``(run_id, currency)`` duplicated the unique ``(run_id,
  ledger_account_id)`` for every query (each filters by run first).
* ``posting.value_date`` gets a BRIN index: postings are written in value-date order (a
  back-value only widens one block range), so the savings daily products read the period's
  postings (a seventh of the table after 14 months) instead of all of them; it is a few
  pages and costs next to nothing on insert.
* The statement-level check of a posting's entry and account (``0031``) asked ``EXISTS``
  of an anti-join: planned for the first row, that is a nested loop probing both primary
  keys once per distinct key (61,558 and 61,559 probes for the credit's postings, each
  fetching a heap page, since the rows are fresh: 0.3-1.4 s under load). A statement of
  more than 1,000 postings now counts the missing keys instead, planned for that
  statement (``EXECUTE``): a hash anti-join with ``ledger_account``, and with the entries
  from the statement's lowest entry id on (the entries a statement's postings name are
  the newest ones): about 0.15 s each. Smaller statements keep the cached probes.

SQLite: unchanged (dropping a table constraint there means rebuilding the table). The
models keep declaring the original indexes (Tortoise's schema state, as in ``0028``).
"""

import importlib

from tortoise import migrations
from tortoise.migrations import operations as ops

_0031 = importlib.import_module("migrations.0031_posting_refs_checked_per_statement")

PG_FORWARD = [
    "ALTER TABLE journal_entry DROP CONSTRAINT IF EXISTS journal_entry_source_ref_key",
    "CREATE UNIQUE INDEX IF NOT EXISTS journal_entry_source_ref_key ON journal_entry (source_ref) "
    "WHERE source_ref IS NOT NULL",
    "ALTER TABLE journal_entry DROP CONSTRAINT IF EXISTS journal_entry_reverses_id_key",
    "CREATE UNIQUE INDEX IF NOT EXISTS journal_entry_reverses_id_key ON journal_entry (reverses_id) "
    "WHERE reverses_id IS NOT NULL",
    # the unique (ledger_account_id, period_end) constraint has a generated name: found by its columns
    """
    DO $$
    DECLARE name text;
    BEGIN
        FOR name IN SELECT c.conname FROM pg_constraint c
                    WHERE c.conrelid = 'savings_interest_credit'::regclass AND c.contype = 'u'
        LOOP
            EXECUTE format('ALTER TABLE savings_interest_credit DROP CONSTRAINT %I', name);
        END LOOP;
    END $$
    """,
    "DROP INDEX IF EXISTS savings_interest_credit_period_idx",
    "CREATE UNIQUE INDEX IF NOT EXISTS savings_interest_credit_period_account_key "
    "ON savings_interest_credit (period_end, ledger_account_id)",
    "DROP INDEX IF EXISTS balance_snapshot_run_currency_idx",
    "CREATE INDEX IF NOT EXISTS posting_value_date_brin ON posting USING brin (value_date) "
    "WITH (autosummarize = on)",
]
PG_FORWARD.append("""
    CREATE OR REPLACE FUNCTION coopbank_posting_refs_check() RETURNS trigger AS $$
    DECLARE
        big boolean := (SELECT count(*) FROM (SELECT 1 FROM coopbank_new_postings LIMIT 1001) k) > 1000;
        missing bigint := 0;
    BEGIN
        IF NOT big THEN
            IF EXISTS (SELECT 1 FROM (SELECT DISTINCT entry_id FROM coopbank_new_postings) n
                       WHERE NOT EXISTS (SELECT 1 FROM journal_entry e WHERE e.id = n.entry_id)) THEN
                missing := 1;
            END IF;
        ELSE
            EXECUTE 'SELECT count(*) FROM coopbank_new_postings n WHERE NOT EXISTS (SELECT 1 FROM journal_entry e '
                    'WHERE e.id = n.entry_id AND e.id >= (SELECT min(entry_id) FROM coopbank_new_postings))' INTO missing;
        END IF;
        IF missing > 0 THEN
            RAISE EXCEPTION 'insert on table "posting" violates its reference to "journal_entry": no such entry'
                USING ERRCODE = 'foreign_key_violation';
        END IF;
        IF NOT big THEN
            IF EXISTS (SELECT 1 FROM (SELECT DISTINCT ledger_account_id FROM coopbank_new_postings) n
                       WHERE NOT EXISTS (SELECT 1 FROM ledger_account la WHERE la.id = n.ledger_account_id)) THEN
                missing := 1;
            END IF;
        ELSE
            EXECUTE 'SELECT count(*) FROM coopbank_new_postings n '
                    'WHERE NOT EXISTS (SELECT 1 FROM ledger_account la WHERE la.id = n.ledger_account_id)' INTO missing;
        END IF;
        IF missing > 0 THEN
            RAISE EXCEPTION 'insert on table "posting" violates its reference to "ledger_account": no such account'
                USING ERRCODE = 'foreign_key_violation';
        END IF;
        RETURN NULL;
    END;
    $$ LANGUAGE plpgsql
""")

PG_BACKWARD = [
    _0031.PG_FORWARD[2],  # the per-statement check as 0031 wrote it
    "DROP INDEX IF EXISTS posting_value_date_brin",
    "CREATE INDEX IF NOT EXISTS balance_snapshot_run_currency_idx ON balance_snapshot (run_id, currency)",
    "DROP INDEX IF EXISTS savings_interest_credit_period_account_key",
    "CREATE INDEX IF NOT EXISTS savings_interest_credit_period_idx ON savings_interest_credit (period_end, product_id)",
    "ALTER TABLE savings_interest_credit ADD CONSTRAINT uid_savings_int_ledger__babcfd "
    "UNIQUE (ledger_account_id, period_end)",
    "DROP INDEX IF EXISTS journal_entry_reverses_id_key",
    "ALTER TABLE journal_entry ADD CONSTRAINT journal_entry_reverses_id_key UNIQUE (reverses_id)",
    "DROP INDEX IF EXISTS journal_entry_source_ref_key",
    "ALTER TABLE journal_entry ADD CONSTRAINT journal_entry_source_ref_key UNIQUE (source_ref)",
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
    dependencies = [("bankcore", "0031_posting_refs_checked_per_statement")]

    operations = [ops.RunPython(forward, backward)]

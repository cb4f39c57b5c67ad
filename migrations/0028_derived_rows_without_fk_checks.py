"""PostgreSQL: no per-row foreign-key checks on two tables of derived rows (issue 10 item 7).

``balance_snapshot`` (a month-end cache of every account's balance, computed from postings)
and ``savings_interest_credit`` (one record per account and period, computed from the
accounts of a product) are written 100,000 rows at a time by one set-based statement whose
rows come from ``posting`` / ``account`` joined to ``ledger_account`` and ``product``: their
references are valid by construction, and every one is already held by a checked foreign
key (postings to their ledger account, accounts to their product), so the accounts and
products they name can never be deleted either. On the 100,000-account benchmark the
foreign-key triggers were 4.1 s of the quarter-end snapshot's 7.7 s and 2.7 s of the
interest records' 4.2 s (``EXPLAIN ANALYZE``, under load). SQLite: nothing to do (its
foreign keys cost little and dropping one means rebuilding the table).
"""

from tortoise import migrations
from tortoise.migrations import operations as ops

CONSTRAINTS = (
    ("balance_snapshot", "balance_snapshot_run_id_fkey", "run_id", "balance_snapshot_run"),
    ("balance_snapshot", "balance_snapshot_ledger_account_id_fkey", "ledger_account_id", "ledger_account"),
    ("savings_interest_credit", "savings_interest_credit_ledger_account_id_fkey", "ledger_account_id", "ledger_account"),
    ("savings_interest_credit", "savings_interest_credit_product_id_fkey", "product_id", "product"),
)


async def forward(apps, schema_editor) -> None:
    if schema_editor.client.capabilities.dialect == "postgres":
        for table, name, _column, _target in CONSTRAINTS:
            await schema_editor.client.execute_script(f"ALTER TABLE {table} DROP CONSTRAINT IF EXISTS {name}")


async def backward(apps, schema_editor) -> None:
    if schema_editor.client.capabilities.dialect == "postgres":
        for table, name, column, target in CONSTRAINTS:
            await schema_editor.client.execute_script(
                f"ALTER TABLE {table} ADD CONSTRAINT {name} FOREIGN KEY ({column}) REFERENCES {target} (id) "
                "ON DELETE RESTRICT")


class Migration(migrations.Migration):
    dependencies = [("bankcore", "0027_audit_sealer")]

    operations = [ops.RunPython(forward, backward)]

"""PostgreSQL: room in the pages of the two tables a due date rewrites most (issue 11, performance).

Every posting rewrites its accounts' ``ledger_account`` row (the cached balance), and a
due date's collection rewrites every overdue instalment row (each pays its penal charge
first, RBI order), about eight rows for each EMI of a loan in arrears. With full pages
each new row version goes to another page and gets an entry in every index of the table
(``ledger_account`` has three, one on a text code; ``loan_instalment`` five); with room
in the page PostgreSQL makes a heap-only (HOT) update that touches no index, as neither
the balance nor a penal charge is indexed. ``ledger_account`` gets half its pages free
(it had none: 83 of 161,000 balance updates were HOT on the loans benchmark's due date;
with 20 % free 50,000, with half all: a due date rewrites 40 % of the accounts, a
quarter's interest every savings account; the table is small beside the postings), ``loan_instalment``
25 % (was 15 % since ``0024``: 458,000 of 615,000 row updates were HOT, now 588,000).
Measured on the 100,000-loan benchmark's worst due date: ``collect_dues`` 9.9 s -> 7.9 s
(tuned server), 12-13 s -> 9.3-9.6 s (stock).

Takes effect for pages written from now on: a new bank, and an imported one, gets it
whole; an existing bank gets it for its tables' old pages after
``VACUUM FULL ledger_account, loan_instalment`` (an exclusive lock while it runs: a
maintenance window). SQLite: nothing to do.
"""

from tortoise import migrations
from tortoise.migrations import operations as ops

FORWARD = ["ALTER TABLE ledger_account SET (fillfactor = 50)", "ALTER TABLE loan_instalment SET (fillfactor = 75)"]
BACKWARD = ["ALTER TABLE loan_instalment SET (fillfactor = 85)", "ALTER TABLE ledger_account RESET (fillfactor)"]


async def forward(apps, schema_editor) -> None:
    if schema_editor.client.capabilities.dialect == "postgres":
        for sql in FORWARD:
            await schema_editor.client.execute_script(sql)


async def backward(apps, schema_editor) -> None:
    if schema_editor.client.capabilities.dialect == "postgres":
        for sql in BACKWARD:
            await schema_editor.client.execute_script(sql)


class Migration(migrations.Migration):
    dependencies = [("bankcore", "0034_restore_ledger_indexes")]

    operations = [ops.RunPython(forward, backward)]

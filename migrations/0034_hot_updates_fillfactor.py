"""PostgreSQL: room on each page for the day-end's updates of instalment rows and balances
(issue 11 item 12: the due date's collection over 100,000 loans).

A collection rewrites every overdue instalment row it pays something on: with penal charges
in arrears (paid first, RBI order) that is each overdue row of the loan, 615,320 rows for
80,671 EMIs on the benchmark's due date. On pages packed full (fillfactor 100, the default,
and what a bulk load leaves) every new row version goes to another page, so each update
also inserts into all five indexes of ``loan_instalment``: 10-12 s for that one UPDATE.
With a fifth of each page kept free, a version that changes no indexed column (a payment
that does not settle the row: ``paid_on`` is in a partial index's predicate) stays on its
page as a heap-only tuple and touches no index: the same UPDATE took 3.4-4.6 s. The space
is taken back when the page is next pruned, so it serves every due date.
``ledger_account`` (a balance update per posting) keeps a tenth free for the same reason.

Applies to pages written from now on; an existing bank's tables take it when rewritten
(``VACUUM FULL loan_instalment`` in a maintenance window). SQLite: nothing to do.
"""

from tortoise import migrations
from tortoise.migrations import operations as ops

PG_FORWARD = [
    "ALTER TABLE loan_instalment SET (fillfactor = 80)",
    "ALTER TABLE ledger_account SET (fillfactor = 90)",
]
PG_BACKWARD = [
    "ALTER TABLE loan_instalment RESET (fillfactor)",
    "ALTER TABLE ledger_account RESET (fillfactor)",
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
    dependencies = [("bankcore", "0033_loan_classification_on_read")]

    operations = [ops.RunPython(forward, backward)]

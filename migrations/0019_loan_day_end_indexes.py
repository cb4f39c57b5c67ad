"""Indexes for the loans' set-based day-end (issue 11, performance).

* ``loan_instalment_unpaid_idx``: the rows not fully paid, by due date. Classification,
  penal charges and collection read only the rows due and unpaid (the arrears), which
  stay few however long the book's history grows; a partial index keeps the fully paid
  rows (most of them) out of every day-end.
* ``loan_instalment_loan_due_idx``: a loan's rows by due date (the last due date on or
  before a day, for the daily accrual; reading one loan's schedule).

Same SQL on PostgreSQL and SQLite (both have partial indexes).
"""

from tortoise import migrations
from tortoise.migrations import operations as ops

FORWARD = [
    "CREATE INDEX IF NOT EXISTS loan_instalment_unpaid_idx ON loan_instalment (due_date, loan_id) WHERE paid_on IS NULL",
    "CREATE INDEX IF NOT EXISTS loan_instalment_loan_due_idx ON loan_instalment (loan_id, due_date)",
]
BACKWARD = [
    "DROP INDEX IF EXISTS loan_instalment_loan_due_idx",
    "DROP INDEX IF EXISTS loan_instalment_unpaid_idx",
]


async def forward(apps, schema_editor) -> None:
    for sql in FORWARD:
        await schema_editor.client.execute_script(sql)


async def backward(apps, schema_editor) -> None:
    for sql in BACKWARD:
        await schema_editor.client.execute_script(sql)


class Migration(migrations.Migration):
    dependencies = [("bankcore", "0018_reports_snapshots")]

    operations = [ops.RunPython(forward, backward)]

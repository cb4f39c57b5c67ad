"""Days past due and accrued interest on read; classification writes only what changes (issue 11 item 12).

Day-end rewrote every ACTIVE loan row each day because ``days_past_due`` and
``accrued_interest_minor`` change daily (8-12 s of PostgreSQL CPU at 100,000 loans).
Both are now computed when read (``bankcore.loans.book``, ``bankcore.loans.classify``),
so the columns go; classification writes a loan only when its class or NPA date changes,
and the date it ran is one row (``loan_classification``) instead of ``loan.classified_on``.
"""

from tortoise import fields, migrations
from tortoise.migrations import operations as ops


async def forward(apps, schema_editor) -> None:
    # the last classification date the loans carried
    await schema_editor.client.execute_script(
        "INSERT INTO loan_classification (id, classified_on) "
        "SELECT 1, t.last FROM (SELECT MAX(classified_on) AS last FROM loan) t WHERE t.last IS NOT NULL")


async def backward(apps, schema_editor) -> None:
    return None


class Migration(migrations.Migration):
    dependencies = [("bankcore", "0032_quarter_end_write_costs")]

    initial = False

    operations = [
        ops.CreateModel(
            name='LoanClassification',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('classified_on', fields.DateField()),
            ],
            options={'table': 'loan_classification', 'app': 'bankcore', 'pk_attr': 'id',
                     'table_description': "Business date of the loans' last classification (one row)"},
            bases=['Model'],
        ),
        ops.RunPython(forward, backward),
        ops.RemoveField(model_name='Loan', name='classified_on'),
        ops.RemoveField(model_name='Loan', name='days_past_due'),
        ops.RemoveField(model_name='Loan', name='accrued_interest_minor'),
    ]

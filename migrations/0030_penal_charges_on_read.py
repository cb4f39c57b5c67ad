"""Penal charges computed on read (issue 11 item 12): a row's marker and the levied dates.

Day-end no longer rewrites every overdue instalment row each day: ``loan_penal_levy``
records the dates levied, ``loan_instalment.penal_through`` the last date a row's
``penal_e6`` includes. Existing rows hold what was levied through their loan's
``penal_through``; the levied dates start empty, so nothing is counted twice.
"""

from tortoise import fields, migrations
from tortoise.migrations import operations as ops


async def forward(apps, schema_editor) -> None:
    # the charges already levied are in penal_e6, through the loan's last levy date
    await schema_editor.client.execute_script(
        "UPDATE loan_instalment SET penal_through = (SELECT l.penal_through FROM loan l WHERE l.id = loan_instalment.loan_id) "
        "WHERE penal_e6 <> 0")


async def backward(apps, schema_editor) -> None:
    return None


class Migration(migrations.Migration):
    dependencies = [("bankcore", "0029_post_entry_function")]

    initial = False

    operations = [
        ops.AddField(
            model_name='LoanInstalment',
            name='penal_through',
            field=fields.DateField(null=True, description='Last day-end whose penal charge penal_e6 includes (NULL: none)'),
        ),
        ops.CreateModel(
            name='LoanPenalLevy',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('levied_from', fields.DateField()),
                ('levied_through', fields.DateField()),
            ],
            options={'table': 'loan_penal_levy', 'app': 'bankcore', 'pk_attr': 'id',
                     'table_description': 'Dates whose penal charges readers compute on read (one row)'},
            bases=['Model'],
        ),
        ops.RunPython(forward, backward),
    ]

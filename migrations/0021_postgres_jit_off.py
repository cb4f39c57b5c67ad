"""PostgreSQL: no JIT compilation for this database's sessions (``ALTER DATABASE ... SET jit = off``).

The bank's statements are short OLTP queries or set-based batch statements whose planner
cost crosses ``jit_above_cost`` although they touch few rows: on the 100,000-account
benchmark the loans' accrual UPDATE spent 1.67 s of its 1.84 s compiling (JIT inlining and
optimisation) to change 0 rows, and the savings daily product 5.2 s of 10.9 s (see README,
Benchmarks). Applies to new connections. Needs the database's owner (or a superuser): a
role without the right is told so by a NOTICE and nothing changes (set it by hand, or in
``postgresql.conf``). SQLite: nothing to do.
"""

from tortoise import migrations
from tortoise.migrations import operations as ops

FORWARD = """
DO $$
BEGIN
    EXECUTE format('ALTER DATABASE %I SET jit = off', current_database());
EXCEPTION WHEN insufficient_privilege THEN
    RAISE NOTICE 'coopbank: could not turn JIT off for this database (not its owner); set jit = off by hand';
END $$
"""
BACKWARD = """
DO $$
BEGIN
    EXECUTE format('ALTER DATABASE %I RESET jit', current_database());
EXCEPTION WHEN insufficient_privilege THEN
    NULL;
END $$
"""


async def forward(apps, schema_editor) -> None:
    if schema_editor.client.capabilities.dialect == "postgres":
        await schema_editor.client.execute_script(FORWARD)


async def backward(apps, schema_editor) -> None:
    if schema_editor.client.capabilities.dialect == "postgres":
        await schema_editor.client.execute_script(BACKWARD)


class Migration(migrations.Migration):
    dependencies = [("bankcore", "0020_passbook_print")]

    operations = [ops.RunPython(forward, backward)]

"""``instructions.execute`` (band 300): pay the standing instructions due on the date closed."""

from __future__ import annotations

from bankcore.calendar.registry import StepContext, day_end_step
from bankcore.instructions.service import execute_due_instructions


@day_end_step("instructions.execute", position=300,
              description="Pay the standing instructions due today; retry yesterday's failures")
async def execute_instructions(ctx: StepContext) -> int:
    counts = await execute_due_instructions(on=ctx.business_date)
    return sum(counts.values())

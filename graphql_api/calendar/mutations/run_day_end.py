"""``runDayEnd(through:)``: the accountant's close of business from the Day-end page."""

from __future__ import annotations

from datetime import date

import strawberry

from bankcore.calendar.runner import run_day_end as run_day_end_service
from bankcore.models import DayEndRun, DayEndStepRun
from graphql_api.calendar.types import DayEndRunType
from graphql_api.context import Context
from graphql_api.errors import UserError
from graphql_api.mutations._base import run


@strawberry.type(description="The result of a day-end: the dates it closed and the business date it left.")
class RunDayEndPayload:
    business_date: date | None = strawberry.field(default=None, description="The business date afterwards.")
    closed: list[DayEndRunType] = strawberry.field(default_factory=list, description="The dates closed, in order.")
    user_errors: list[UserError] = strawberry.field(
        default_factory=list,
        description="DAY_END_RUNNING (another run holds the lock), DAY_END_FAILED (a step failed: run again to resume), "
                    "INVALID_DATE (too many dates at once).",
    )


async def run_day_end(info: strawberry.Info[Context, None], through: date | None = None) -> RunDayEndPayload:
    """Close the business date (and every date up to ``through``), as ``coopbank day-end`` does."""

    async def act() -> RunDayEndPayload:
        summary = await run_day_end_service(through=through, initiator=info.context.actor)
        dates = [c.business_date for c in summary.closed]
        runs = {r.business_date: r for r in await DayEndRun.filter(business_date__in=dates)}
        steps = await DayEndStepRun.filter(run_id__in=[r.id for r in runs.values()])
        closed = []
        for run_row in sorted(runs.values(), key=lambda r: str(r.business_date)):
            closed.append(DayEndRunType.of(run_row, [s for s in steps if s.run_id == run_row.id]))  # type: ignore[attr-defined]
        return RunDayEndPayload(business_date=summary.business_date, closed=closed)

    return await run(RunDayEndPayload, act)

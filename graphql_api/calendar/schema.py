"""Root fields of the calendar: ``businessDate``, ``bankTimeZone``, ``dayEndRuns``, ``runDayEnd``, ``dayEndProgress``."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from datetime import date

import strawberry

from bankcore.calendar.business_date import business_date
from bankcore.calendar.registry import registered_steps
from bankcore.day_end_plan import load_day_end_plan
from bankcore.events import DayEndProgress, SessionRevoked, broker
from bankcore.models import DayEndRun, DayEndStepRun
from bankcore.settings import BANK_TIME_ZONE
from graphql_api.calendar.mutations.run_day_end import run_day_end
from graphql_api.calendar.types import DayEndProgressType, DayEndRunType, DayEndStepType
from graphql_api.context import Context
from graphql_api.policy import RootFieldPolicy

GUARD = [RootFieldPolicy]
MAX_RUNS = 100


@strawberry.type
class CalendarQuery:
    @strawberry.field(description="The bank's business date: the value date of today's postings (not the wall clock).",
                      permission_classes=GUARD)
    async def business_date(self) -> date:
        return await business_date()

    @strawberry.field(description="The IANA time zone in which the bank shows times (setting bank.time_zone, "
                      "Asia/Kolkata unless configured), e.g. for labelling a time IST.", permission_classes=GUARD)
    async def bank_time_zone(self) -> str:
        return await BANK_TIME_ZONE.get()

    @strawberry.field(description="Day-end runs, latest date first, with their steps (at most 100).",
                      permission_classes=GUARD)
    async def day_end_runs(self, first: int = 20) -> list[DayEndRunType]:
        runs = await DayEndRun.all().order_by("-business_date").limit(max(1, min(first, MAX_RUNS)))
        steps = await DayEndStepRun.filter(run_id__in=[r.id for r in runs])
        return [DayEndRunType.of(r, [s for s in steps if s.run_id == r.id]) for r in runs]  # type: ignore[attr-defined]

    @strawberry.field(description="The steps a day-end runs, in the order of the day.", permission_classes=GUARD)
    async def day_end_steps(self) -> list[DayEndStepType]:
        load_day_end_plan()
        return [DayEndStepType.of(s) for s in registered_steps()]


@strawberry.type
class CalendarMutation:
    run_day_end = strawberry.mutation(
        resolver=run_day_end, permission_classes=GUARD,
        description="Accountant, admin: close the business date (and every date through `through`); resumes an "
                    "interrupted run first. Progress is published on `dayEndProgress`.",
    )


@strawberry.type
class CalendarSubscription:
    @strawberry.subscription(description="Live progress of day-ends run in this instance: first a `subscribed` event "
                                         "carrying the business date, then every step started, completed or failed, and "
                                         "each date completed.", permission_classes=GUARD)
    async def day_end_progress(self, info: strawberry.Info[Context, None]) -> AsyncGenerator[DayEndProgressType, None]:
        session_id = info.context.principal.session_id if info.context.principal is not None else None
        topics = (f"session:{session_id}",) if session_id else ()
        async with broker.subscribe("day_end", *topics) as queue:
            yield DayEndProgressType.of(DayEndProgress(business_date=await business_date(), step="", step_index=0,
                                                       step_count=0, status="subscribed"))
            while True:
                event = await queue.get()
                if isinstance(event, SessionRevoked):
                    return
                if isinstance(event, DayEndProgress):
                    yield DayEndProgressType.of(event)

"""GraphQL types of the calendar: day-end runs, their steps, and live progress."""

from __future__ import annotations

from datetime import date, datetime
from enum import Enum

import strawberry

from bankcore.calendar.registry import DayEndStep
from bankcore.events import DayEndProgress
from bankcore.models import DayEndRun, DayEndStatus, DayEndStepRun

DayEndStatusEnum = strawberry.enum(
    Enum("DayEndStatus", {s.name: s.value for s in DayEndStatus}),  # type: ignore[misc]
    name="DayEndStatus",
    description="running (or interrupted: the next run resumes it), completed, failed (the next run retries the step).",
)


def _as_date(value: object) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


@strawberry.type(name="DayEndStepRun", description="One step of one day-end: when it ran, the rows it wrote, how it ended.")
class DayEndStepRunType:
    step: str = strawberry.field(description="Registered step name, e.g. savings.credit_interest.")
    position: int = strawberry.field(description="Order of the step in the day.")
    started_at: datetime = strawberry.field(description="When it started (the last attempt).")
    finished_at: datetime | None = strawberry.field(description="When it finished; null while running or after a crash.")
    rows: str = strawberry.field(description="Rows it wrote or changed (a decimal string: may exceed 32 bits).")
    outcome: DayEndStatusEnum = strawberry.field(description="How it ended.")  # type: ignore[valid-type]
    message: str | None = strawberry.field(description="Why it failed.")

    @classmethod
    def of(cls, row: DayEndStepRun) -> DayEndStepRunType:
        return cls(step=row.step, position=row.position, started_at=row.started_at, finished_at=row.finished_at,
                   rows=str(row.rows), outcome=DayEndStatusEnum(row.outcome), message=row.message)


@strawberry.type(name="DayEndRun", description="The close of business of one business date.")
class DayEndRunType:
    business_date: date = strawberry.field(description="The date closed.")
    status: DayEndStatusEnum = strawberry.field(description="How the close went.")  # type: ignore[valid-type]
    initiator: str = strawberry.field(description="Who ran it: cli, staff:<id>.")
    started_at: datetime = strawberry.field(description="When it started.")
    finished_at: datetime | None = strawberry.field(description="When it finished.")
    message: str | None = strawberry.field(description="Why it stopped, if it failed.")
    steps: list[DayEndStepRunType] = strawberry.field(description="Its steps in the order they ran.")

    @classmethod
    def of(cls, run: DayEndRun, steps: list[DayEndStepRun]) -> DayEndRunType:
        return cls(business_date=_as_date(run.business_date), status=DayEndStatusEnum(run.status), initiator=run.initiator,
                   started_at=run.started_at, finished_at=run.finished_at, message=run.message,
                   steps=[DayEndStepRunType.of(s) for s in sorted(steps, key=lambda s: (s.position, s.step))])


@strawberry.type(name="DayEndStep", description="A step registered for the close of business.")
class DayEndStepType:
    name: str = strawberry.field(description="Its name, e.g. savings.credit_interest.")
    position: int = strawberry.field(description="Its place in the day (100 holds ... 900 housekeeping).")
    description: str = strawberry.field(description="What it does.")

    @classmethod
    def of(cls, step: DayEndStep) -> DayEndStepType:
        return cls(name=step.name, position=step.position, description=step.description)


@strawberry.type(name="DayEndProgress", description="How a running day-end is going (live).")
class DayEndProgressType:
    business_date: date = strawberry.field(description="The date being closed.")
    step: str = strawberry.field(description="The step (empty when the whole date completed).")
    step_index: int = strawberry.field(description="The step's number in the day, from 1.")
    step_count: int = strawberry.field(description="How many steps the day runs.")
    status: str = strawberry.field(description="subscribed (the first event: business date only), started, progress, completed, skipped, failed or day_completed.")
    rows: str = strawberry.field(description="Rows the step wrote (when completed).")
    done: int = strawberry.field(description="The step's own progress so far.")
    total: int | None = strawberry.field(description="The step's own total, when known.")
    message: str | None = strawberry.field(description="Why it failed.")

    @classmethod
    def of(cls, event: DayEndProgress) -> DayEndProgressType:
        return cls(business_date=event.business_date, step=event.step, step_index=event.step_index,
                   step_count=event.step_count, status=event.status, rows=str(event.rows), done=event.done,
                   total=event.total, message=event.message)

"""The day-end runner: closes business dates one by one, step by step, resumably.

Closing date D:

1. in one transaction, the business date moves from D to D+1 (waiting for postings in
   flight, see ``business_date``) and a ``DayEndRun`` row for D is written: postings
   made while D closes are valued D+1;
2. each registered step due on D runs in order and is recorded in ``DayEndStepRun``
   (started, finished, rows, outcome); a step already completed for D is skipped;
3. the run is marked completed.

A crash anywhere leaves the run ``running`` (or ``failed`` if a step raised): the next
invocation resumes it at the first unfinished step, before closing any further date.
Steps are idempotent per date, so the interrupted step re-runs without posting twice.
The whole invocation holds the bank-wide day-end lock (``lock.py``).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from tortoise.transactions import in_transaction

from bankcore.calendar.business_date import advance_business_date, business_date
from bankcore.calendar.lock import day_end_lock
from bankcore.calendar.registry import DayEndStep, StepContext, registered_steps
from bankcore.errors import DomainError, ErrorCode
from bankcore.events import DayEndProgress, broker
from bankcore.observability import DAY_END_STEP_SECONDS
from bankcore.models import DayEndRun, DayEndStatus, DayEndStepRun

log = logging.getLogger(__name__)

# A run may close at most this many dates in one go (a typo in --through must not start a
# century of day-ends); more is refused.
MAX_DATES_PER_RUN = 3660


@dataclass(slots=True)
class ClosedDate:
    """What one date's close of business did: rows per step that ran."""

    business_date: date
    steps: dict[str, int] = field(default_factory=dict)
    resumed: bool = False


@dataclass(slots=True)
class DayEndSummary:
    """The dates an invocation closed (in order) and the business date it left."""

    closed: list[ClosedDate]
    business_date: date


ProgressCallback = Callable[[DayEndProgress], None]


def _now() -> datetime:
    return datetime.now(UTC)


async def _open_run(closing: date, initiator: str) -> DayEndRun:
    """Advance the business date past ``closing`` and record its run, in one transaction."""
    async with in_transaction() as conn:
        await advance_business_date(conn, closing=closing)
        run = await DayEndRun.create(
            business_date=closing, status=DayEndStatus.RUNNING, initiator=initiator[:100], started_at=_now(),
            using_db=conn,
        )
    return run


async def _record_step(
    run: DayEndRun, step: DayEndStep, record: DayEndStepRun | None, *, started_at: datetime, outcome: DayEndStatus,
    rows: int = 0, message: str | None = None,
) -> None:
    """Write how a step ended: a new record, or the earlier failed/interrupted one updated."""
    if record is None:
        await DayEndStepRun.create(run_id=run.id, step=step.name, position=step.position, started_at=started_at,
                                   finished_at=_now(), outcome=outcome, rows=rows, message=message)
        return
    record.started_at, record.finished_at, record.outcome, record.rows, record.message = (
        started_at, _now(), outcome, rows, message)
    await record.save(update_fields=["started_at", "finished_at", "outcome", "rows", "message"])


async def _run_steps(
    run: DayEndRun, steps: Sequence[DayEndStep], *, resumed: bool, on_progress: ProgressCallback | None
) -> ClosedDate:
    closing = run.business_date if isinstance(run.business_date, date) else date.fromisoformat(str(run.business_date))
    # A fresh run has no step records yet: only a resumed one needs reading.
    done = {s.step: s for s in await DayEndStepRun.filter(run_id=run.id)} if resumed else {}
    due = [s for s in steps if s.runs_on(closing)]
    result = ClosedDate(business_date=closing, resumed=resumed)

    def emit(step: str, position: int, status: str, rows: int = 0, done_n: int = 0, total: int | None = None,
             message: str | None = None) -> None:
        event = DayEndProgress(
            business_date=closing, step=step, step_index=position, step_count=len(due), status=status,
            rows=rows, done=done_n, total=total, message=message,
        )
        broker.publish(event)
        if on_progress is not None:
            on_progress(event)

    for index, step in enumerate(due, start=1):
        record = done.get(step.name)
        if record is not None and record.outcome == DayEndStatus.COMPLETED:
            result.steps[step.name] = record.rows
            emit(step.name, index, "skipped", rows=record.rows)
            continue
        # A step's record is written once, when it ends (completed or failed): a step cut off by a
        # crash has none (or its earlier failure) and runs again on resume, as a RUNNING row
        # would have made it; the step in progress is shown live by the progress events.
        # Two writes a step were most of an ordinary day's statements.
        started_at = _now()
        emit(step.name, index, "started")
        ctx = StepContext(
            business_date=closing, run_id=run.id, step=step.name, initiator=run.initiator,
            report=lambda n, total, _s=step.name, _i=index: emit(_s, _i, "progress", done_n=n, total=total),
        )
        started = time.perf_counter()
        try:
            rows = int(await step.run(ctx))
        except Exception as exc:
            message = (exc.message if isinstance(exc, DomainError) else f"{type(exc).__name__}: {exc}")[:500]
            log.exception("day-end step %s for %s failed", step.name, closing)
            await _record_step(run, step, record, started_at=started_at, outcome=DayEndStatus.FAILED, message=message)
            run.status, run.message = DayEndStatus.FAILED, f"{step.name}: {message}"[:500]
            await run.save(update_fields=["status", "message"])
            emit(step.name, index, "failed", message=message)
            raise DomainError(
                ErrorCode.DAY_END_FAILED,
                f"day-end of {closing.isoformat()} stopped at step {step.name}: {message}; run it again to resume",
            ) from exc
        DAY_END_STEP_SECONDS.labels(step.name).observe(time.perf_counter() - started)
        await _record_step(run, step, record, started_at=started_at, outcome=DayEndStatus.COMPLETED, rows=rows)
        result.steps[step.name] = rows
        emit(step.name, index, "completed", rows=rows)
    run.status, run.finished_at, run.message = DayEndStatus.COMPLETED, _now(), None
    await run.save(update_fields=["status", "finished_at", "message"])
    emit("", len(due), "day_completed")
    return result


async def run_day_end(
    *,
    through: date | None = None,
    initiator: str,
    on_progress: ProgressCallback | None = None,
    steps: Sequence[DayEndStep] | None = None,
) -> DayEndSummary:
    """Close the current business date and every following date up to and including ``through``.

    Leaves the business date at the day after ``through``. Without ``through``, closes just
    the current business date. An interrupted earlier run is resumed first; when there was
    one and ``through`` is not given, that is all this call does. Dates already closed are
    not closed again (``through`` before the business date does nothing).

    ``initiator`` names who runs it (``cli``, ``staff:12``). ``on_progress`` is called
    with every ``DayEndProgress`` (also published on the event broker's ``day_end``
    topic). ``steps`` defaults to the registered plan (``bankcore.day_end_plan``).

    Raises ``DomainError``: ``DAY_END_RUNNING`` (another run holds the lock),
    ``DAY_END_FAILED`` (a step raised; the run stays resumable), ``INVALID_DATE``
    (``through`` more than ``MAX_DATES_PER_RUN`` days ahead).
    """
    if steps is None:
        from bankcore.day_end_plan import load_day_end_plan

        load_day_end_plan()
        steps = registered_steps()
    steps = sorted(steps, key=lambda s: (s.position, s.name))
    closed: list[ClosedDate] = []
    async with day_end_lock():
        unfinished = await DayEndRun.filter(status__in=[DayEndStatus.RUNNING, DayEndStatus.FAILED]).order_by("business_date")
        for run in unfinished:
            log.info("resuming the day-end of %s", run.business_date)
            run.status, run.message = DayEndStatus.RUNNING, None
            await run.save(update_fields=["status", "message"])
            closed.append(await _run_steps(run, steps, resumed=True, on_progress=on_progress))
        current = await business_date()
        if through is None:
            through = current - timedelta(days=1) if unfinished else current
        if (through - current).days >= MAX_DATES_PER_RUN:
            raise DomainError(
                ErrorCode.INVALID_DATE, f"a day-end closes at most {MAX_DATES_PER_RUN} dates at a time", field="through"
            )
        while current <= through:
            # DayEndRun.business_date is unique: a date is never closed twice.
            run = await _open_run(current, initiator)
            closed.append(await _run_steps(run, steps, resumed=False, on_progress=on_progress))
            current = await business_date()
    return DayEndSummary(closed=closed, business_date=await business_date())

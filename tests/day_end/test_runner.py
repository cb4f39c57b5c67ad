"""The business date and the day-end runner, on the real database (SQLite or PostgreSQL).

Steps here are registered by the tests themselves (the domains' real steps have their own
tests): what is proven is the runner's contract: order, records, resume, exclusivity,
and the business date that postings take.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import textwrap
import time
from datetime import date, timedelta

import pytest
from tortoise.connection import get_connection

from bankcore.calendar.business_date import business_date, ensure_calendar, set_business_date_at_least
from bankcore.calendar.registry import DayEndStep, StepContext, is_month_end, is_quarter_end
from bankcore.calendar.runner import run_day_end
from bankcore.errors import DomainError, ErrorCode
from bankcore.events import DayEndProgress
from bankcore.models import DayEndRun, DayEndStatus, DayEndStepRun, JournalEntry
from bankcore.services.money_movement import deposit_cash
from tests.conftest import BACKEND, PG_SERVER
from tests.ledger.factory import inr, make_account, small_bank

START = date(1994, 3, 29)


def step(name: str, position: int, fn, runs_on=lambda d: True) -> DayEndStep:  # noqa: ANN001
    return DayEndStep(name=name, position=position, run=fn, description=name, runs_on=runs_on)


class Counter:
    """A step that counts its calls per date and returns a fixed row count."""

    def __init__(self, rows: int = 1) -> None:
        self.calls: list[date] = []
        self.rows = rows

    async def __call__(self, ctx: StepContext) -> int:
        self.calls.append(ctx.business_date)
        return self.rows


async def test_a_new_bank_starts_on_the_day_it_is_set_up_and_imports_only_move_it_forward(db: str) -> None:
    first = await business_date()
    assert abs((first - date.today()).days) <= 1  # the wall clock, once: the bank's first day
    assert await set_business_date_at_least(first - timedelta(days=400)) == first  # never backwards
    later = first + timedelta(days=3)
    assert await set_business_date_at_least(later) == later
    assert await business_date() == later


async def test_an_import_sets_the_first_business_date_of_a_new_bank(db: str) -> None:
    assert await set_business_date_at_least(date(1994, 2, 28)) == date(1994, 2, 28)
    assert await business_date() == date(1994, 2, 28)


async def test_day_end_closes_the_date_runs_steps_in_order_and_records_them(db: str) -> None:
    await ensure_calendar(start=START)
    order: list[str] = []

    def recorder(name: str, rows: int):  # noqa: ANN202
        async def run(ctx: StepContext) -> int:
            assert ctx.business_date == START
            assert await business_date() == START + timedelta(days=1)  # the date moved before the steps
            order.append(name)
            return rows
        return run

    progress: list[DayEndProgress] = []
    summary = await run_day_end(
        initiator="test", on_progress=progress.append,
        steps=[step("b.second", 200, recorder("b.second", 5)), step("a.first", 100, recorder("a.first", 3))],
    )
    assert order == ["a.first", "b.second"]
    assert summary.business_date == START + timedelta(days=1)
    assert [c.business_date for c in summary.closed] == [START]
    assert summary.closed[0].steps == {"a.first": 3, "b.second": 5}
    run = await DayEndRun.get(business_date=START)
    assert run.status == DayEndStatus.COMPLETED and run.finished_at is not None and run.initiator == "test"
    records = await DayEndStepRun.filter(run_id=run.id).order_by("position")
    assert [(r.step, r.rows, r.outcome) for r in records] == [
        ("a.first", 3, DayEndStatus.COMPLETED), ("b.second", 5, DayEndStatus.COMPLETED)
    ]
    assert all(r.finished_at >= r.started_at for r in records)
    statuses = [(e.step, e.status) for e in progress]
    assert ("a.first", "started") in statuses and ("b.second", "completed") in statuses
    assert statuses[-1] == ("", "day_completed")


async def test_through_closes_every_date_once_and_a_second_run_changes_nothing(db: str) -> None:
    await ensure_calendar(start=START)
    daily, month_end, quarter_end = Counter(), Counter(), Counter()
    steps = [step("x.daily", 100, daily), step("x.month", 200, month_end, is_month_end),
             step("x.quarter", 300, quarter_end, is_quarter_end)]
    through = date(1994, 4, 2)
    summary = await run_day_end(through=through, initiator="test", steps=steps)
    closed = [START + timedelta(days=i) for i in range(5)]
    assert [c.business_date for c in summary.closed] == closed
    assert daily.calls == closed
    assert month_end.calls == quarter_end.calls == [date(1994, 3, 31)]
    assert await business_date() == date(1994, 4, 3)

    again = await run_day_end(through=through, initiator="test", steps=steps)
    assert again.closed == [] and again.business_date == date(1994, 4, 3)
    assert len(daily.calls) == 5
    assert await DayEndRun.all().count() == 5


async def test_a_failed_step_stops_the_day_and_the_next_run_resumes_at_that_step(db: str) -> None:
    await ensure_calendar(start=START)
    before, after = Counter(2), Counter(7)
    attempts: list[int] = []

    async def flaky(ctx: StepContext) -> int:
        attempts.append(1)
        if len(attempts) == 1:
            raise RuntimeError("disk full")
        return 4

    steps = [step("s.before", 100, before), step("s.flaky", 200, flaky), step("s.after", 300, after)]
    with pytest.raises(DomainError) as err:
        await run_day_end(through=START + timedelta(days=1), initiator="test", steps=steps)
    assert err.value.code is ErrorCode.DAY_END_FAILED
    assert "s.flaky" in err.value.message
    run = await DayEndRun.get(business_date=START)
    assert run.status == DayEndStatus.FAILED and "disk full" in run.message
    failed = await DayEndStepRun.get(run_id=run.id, step="s.flaky")
    assert failed.outcome == DayEndStatus.FAILED and "disk full" in failed.message
    assert after.calls == []
    # Postings of the new day already take the next date: it moved before the steps ran.
    assert await business_date() == START + timedelta(days=1)

    # No --through: resume the interrupted day, and only that.
    summary = await run_day_end(initiator="test", steps=steps)
    assert [c.business_date for c in summary.closed] == [START]
    assert summary.closed[0].resumed
    assert before.calls == [START]  # not run again
    assert len(attempts) == 2 and after.calls == [START]
    assert (await DayEndRun.get(business_date=START)).status == DayEndStatus.COMPLETED
    assert summary.business_date == START + timedelta(days=1)

    # Then the next date closes as usual.
    summary = await run_day_end(initiator="test", steps=steps)
    assert [c.business_date for c in summary.closed] == [START + timedelta(days=1)]


async def test_postings_take_the_business_date_and_future_value_dates_are_refused(db: str) -> None:
    await small_bank()
    await ensure_calendar(start=START)
    number = await make_account(deposit="100.00")
    posted = await deposit_cash(account_number=number, amount=inr("5.00"), initiator="test")
    assert posted.value_date == START
    with pytest.raises(DomainError) as err:
        await deposit_cash(account_number=number, amount=inr("5.00"), initiator="test", value_date=START + timedelta(days=1))
    assert err.value.code is ErrorCode.VALUE_DATE_IN_FUTURE
    back = await deposit_cash(account_number=number, amount=inr("5.00"), initiator="test", value_date=START - timedelta(days=10))
    assert back.value_date == START - timedelta(days=10)


async def test_a_posting_made_while_a_date_closes_is_valued_the_next_day(db: str) -> None:
    await small_bank()
    await ensure_calendar(start=START)
    number = await make_account(deposit="100.00")
    seen: list[date] = []

    async def teller_posts_meanwhile(ctx: StepContext) -> int:
        posted = await deposit_cash(account_number=number, amount=inr("1.00"), initiator="teller")
        seen.append(posted.value_date)
        return 0

    await run_day_end(initiator="test", steps=[step("t.meanwhile", 100, teller_posts_meanwhile)])
    assert seen == [START + timedelta(days=1)]


async def test_only_one_day_end_runs_at_a_time_in_one_process(db: str) -> None:
    await ensure_calendar(start=START)
    release = asyncio.Event()
    started = asyncio.Event()

    async def slow(ctx: StepContext) -> int:
        started.set()
        await release.wait()
        return 0

    first = asyncio.create_task(run_day_end(initiator="first", steps=[step("s.slow", 100, slow)]))
    await started.wait()
    with pytest.raises(DomainError) as err:
        await run_day_end(initiator="second", steps=[step("s.slow", 100, slow)])
    assert err.value.code is ErrorCode.DAY_END_RUNNING
    release.set()
    await first
    assert await DayEndRun.all().count() == 1


def _holder_script(database_url: str) -> str:
    """A process that takes the day-end lock the way the runner does, then sleeps until killed."""
    return textwrap.dedent(f"""
        import asyncio, sys
        from tortoise import Tortoise
        from bankcore.db import tortoise_config
        from bankcore.calendar.lock import day_end_lock

        async def main():
            await Tortoise.init(config=tortoise_config({database_url!r}))
            async with day_end_lock():
                print("locked", flush=True)
                await asyncio.sleep(600)

        asyncio.run(main())
    """)


async def test_another_process_holding_the_lock_refuses_a_run_and_its_death_releases_it(db: str) -> None:
    await ensure_calendar(start=START)
    holder = subprocess.Popen([sys.executable, "-c", _holder_script(db)], stdout=subprocess.PIPE, text=True,
                              env={**os.environ, "PYTHONPATH": os.getcwd()})
    try:
        line = await asyncio.wait_for(asyncio.to_thread(holder.stdout.readline), 60)
        assert line.strip() == "locked"
        counter = Counter()
        with pytest.raises(DomainError) as err:
            await run_day_end(initiator="test", steps=[step("s.c", 100, counter)])
        assert err.value.code is ErrorCode.DAY_END_RUNNING
        assert counter.calls == [] and await DayEndRun.all().count() == 0
    finally:
        holder.kill()  # kill -9: nothing is unlocked by hand
        holder.wait()
    deadline = time.monotonic() + 10
    while True:  # PostgreSQL notices the dead session's connection within moments
        try:
            await run_day_end(initiator="test", steps=[step("s.c", 100, counter)])
            break
        except DomainError as exc:
            if exc.code is not ErrorCode.DAY_END_RUNNING or time.monotonic() > deadline:
                raise
            await asyncio.sleep(0.2)
    assert counter.calls == [START]


@pytest.mark.skipif(BACKEND != "postgres", reason="the advisory lock is PostgreSQL's")
async def test_the_lock_is_a_postgres_advisory_lock(db: str) -> None:
    import asyncpg

    from bankcore.calendar.lock import DAY_END_LOCK_KEY

    await ensure_calendar(start=START)
    name = db.rsplit("/", 1)[1]
    other = await asyncpg.connect(PG_SERVER.replace("postgres://", "postgresql://", 1) + f"/{name}")
    try:
        assert await other.fetchval("SELECT pg_try_advisory_lock($1)", DAY_END_LOCK_KEY)
        with pytest.raises(DomainError) as err:
            await run_day_end(initiator="test", steps=[])
        assert err.value.code is ErrorCode.DAY_END_RUNNING
    finally:
        await other.close()
    await run_day_end(initiator="test", steps=[])
    assert (await get_connection("default").execute_query_dict("SELECT count(*) AS n FROM day_end_run"))[0]["n"] == 1
    assert await JournalEntry.all().count() == 0

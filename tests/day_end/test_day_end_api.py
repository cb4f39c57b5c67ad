"""The calendar through GraphQL: businessDate, dayEndRuns, runDayEnd and live dayEndProgress."""

from __future__ import annotations

import asyncio
from datetime import date

from bankcore.calendar.business_date import ensure_calendar
from bankcore.calendar.lock import day_end_lock
from graphql_api.schema import schema
from tests.api.helpers import codes, gql, member, staff

RUN = """
mutation RunDayEnd($through: Date) {
  runDayEnd(through: $through) {
    businessDate
    closed { businessDate status initiator steps { step rows outcome } }
    userErrors { code field message }
  }
}"""

RUNS = "query DayEndRuns { businessDate dayEndRuns(first: 5) { businessDate status steps { step position outcome rows } } }"


async def test_an_accountant_closes_dates_and_sees_them_in_the_history(db: str) -> None:
    # given a bank whose business date is 30 March 1994
    await ensure_calendar(start=date(1994, 3, 30))
    # when the accountant closes through 31 March
    result = await gql(staff("accountant", id=7), RUN, through="1994-03-31")
    # then two dates are closed and the business date is 1 April
    assert result.errors is None
    payload = result.data["runDayEnd"]
    assert payload["userErrors"] == [] and payload["businessDate"] == "1994-04-01"
    assert [c["businessDate"] for c in payload["closed"]] == ["1994-03-30", "1994-03-31"]
    assert payload["closed"][0]["initiator"] == "staff:7"
    assert "savings.credit_interest" in [s["step"] for s in payload["closed"][1]["steps"]]
    history = await gql(staff("auditor"), RUNS)
    assert history.data["businessDate"] == "1994-04-01"
    assert [r["businessDate"] for r in history.data["dayEndRuns"]] == ["1994-03-31", "1994-03-30"]
    assert all(r["status"] == "COMPLETED" for r in history.data["dayEndRuns"])
    # a second run of the same dates does nothing
    again = await gql(staff("admin"), RUN, through="1994-03-31")
    assert again.data["runDayEnd"]["closed"] == [] and again.data["runDayEnd"]["businessDate"] == "1994-04-01"


async def test_a_member_sees_the_business_date_but_may_not_run_day_end(db: str) -> None:
    await ensure_calendar(start=date(1994, 3, 30))
    assert (await gql(member(1), "query { businessDate }")).data == {"businessDate": "1994-03-30"}
    refused = await gql(member(1), RUN)
    assert codes(refused) == ["FORBIDDEN"]
    assert codes(await gql(staff("manager"), RUN)) == ["FORBIDDEN"]


async def test_a_second_run_while_one_holds_the_lock_is_a_typed_refusal(db: str) -> None:
    await ensure_calendar(start=date(1994, 3, 30))
    async with day_end_lock():
        result = await gql(staff("accountant"), RUN)
    assert [e["code"] for e in result.data["runDayEnd"]["userErrors"]] == ["DAY_END_RUNNING"]


async def test_progress_streams_every_step_of_a_run(db: str) -> None:
    await ensure_calendar(start=date(1994, 3, 31))
    stream = await schema.subscribe(
        "subscription { dayEndProgress { businessDate step stepIndex stepCount status rows } }",
        context_value=staff("accountant"),
    )
    hello = (await stream.__anext__()).data["dayEndProgress"]  # listening now: the current business date
    assert (hello["status"], hello["businessDate"]) == ("subscribed", "1994-03-31")
    first = asyncio.ensure_future(stream.__anext__())
    await gql(staff("accountant"), RUN)
    events = [(await first).data["dayEndProgress"]]
    while events[-1]["status"] != "day_completed":
        events.append((await asyncio.wait_for(stream.__anext__(), 5)).data["dayEndProgress"])
    await stream.aclose()
    assert events[0]["status"] == "started" and events[0]["stepIndex"] == 1
    assert {e["step"] for e in events if e["status"] == "completed"} >= {"savings.credit_interest"}
    assert all(e["businessDate"] == "1994-03-31" for e in events)

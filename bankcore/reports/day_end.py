"""Reports at close of business: the month-end balance snapshot (band 900, housekeeping).

``reports.balance_snapshot`` (900, month ends): snapshots every ledger account's balance
at the end of the month just closed (``bankcore.reports.snapshots``), so that reports as
of any later date read one month of postings instead of the whole history. Idempotent:
a snapshot already taken for the date is kept.
"""

from __future__ import annotations

from bankcore.calendar.registry import StepContext, day_end_step, is_month_end
from bankcore.reports.snapshots import take_snapshot


@day_end_step("reports.balance_snapshot", position=900, runs_on=is_month_end,
              description="Snapshot every account's balance at the month end (fast reports as of any date)")
async def balance_snapshot(ctx: StepContext) -> int:
    run = await take_snapshot(as_of=ctx.business_date)
    ctx.report(run.accounts, run.accounts)
    return run.accounts

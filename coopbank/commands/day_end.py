"""``coopbank day-end [--through YYYY-MM-DD]``: run the close of business, with a progress bar."""

from __future__ import annotations

import argparse
import sys
from datetime import date

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn, TimeElapsedColumn

from bankcore.calendar.runner import run_day_end
from bankcore.db import open_database
from bankcore.errors import DomainError
from bankcore.events import DayEndProgress
from coopbank.commands._run import run_async
from coopbank.commands.import_berka import describe_failure


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "day-end",
        help="Close the current business date (and each following date up to --through), leaving the business "
        "date at the day after. Resumes an interrupted run first; closing a closed date does nothing.",
    )
    parser.add_argument("--through", type=date.fromisoformat, default=None, metavar="YYYY-MM-DD",
                        help="last date to close (inclusive); default: just the current business date")
    parser.set_defaults(func=_run)


class _Bar:
    """A rich progress bar: one task for the dates, one for the current step."""

    def __init__(self, progress: Progress) -> None:
        self.progress = progress
        self.step_task: TaskID | None = None

    def __call__(self, event: DayEndProgress) -> None:
        label = f"{event.business_date.isoformat()} {event.step_index}/{event.step_count} {event.step}"
        if event.status == "started":
            if self.step_task is not None:
                self.progress.remove_task(self.step_task)
            self.step_task = self.progress.add_task(label, total=None)
        elif event.status == "progress" and self.step_task is not None:
            self.progress.update(self.step_task, completed=event.done, total=event.total)
        elif event.status in ("completed", "skipped"):
            verb = "done" if event.status == "completed" else "done before"
            self.progress.console.print(f"{label}: {verb}, {event.rows} rows")
            if self.step_task is not None:
                self.progress.remove_task(self.step_task)
                self.step_task = None
        elif event.status == "failed":
            self.progress.console.print(f"[red]{label}: failed: {event.message}[/red]")
        elif event.status == "day_completed":
            self.progress.console.print(f"[green]{event.business_date.isoformat()} closed[/green]")


def _run(args: argparse.Namespace) -> int:
    console = Console(stderr=True)

    async def main() -> str:
        async with open_database():
            with Progress(
                TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                console=console, transient=True,
            ) as progress:
                summary = await run_day_end(through=args.through, initiator="cli", on_progress=_Bar(progress))
            closed = len(summary.closed)
            if closed == 0:
                console.print("nothing to close: those dates are closed already")
            else:
                first, last = summary.closed[0].business_date, summary.closed[-1].business_date
                console.print(f"closed {closed} date(s), {first.isoformat()} to {last.isoformat()}")
            return summary.business_date.isoformat()

    try:
        new_date = run_async(main)
    except DomainError as exc:
        print(f"day-end: {exc.message} ({exc.code})", file=sys.stderr)
        return 1
    except Exception as exc:  # noqa: BLE001 - one line for the operator
        print(f"day-end: {describe_failure(exc)}", file=sys.stderr)
        return 2
    print(f"business date {new_date}")
    return 0

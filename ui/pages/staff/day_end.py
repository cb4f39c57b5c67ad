"""The accountant's Day-end page: the business date, a run button, live progress through
the ``dayEndProgress`` subscription, and the history of runs with their step figures."""

from __future__ import annotations

from datetime import date

from fastapi import Request
from fastapi.responses import RedirectResponse
from nicegui import background_tasks, ui

from ui import fmt, frame
from ui.api import Api, ApiError, SignedOut, user_errors
from ui.i18n import _
from ui.pages.staff.common import open_staff_page

DAY_END = """
query DayEnd {
  businessDate
  dayEndRuns(first: 15) {
    businessDate status initiator startedAt finishedAt message
    steps { step position startedAt finishedAt rows outcome message }
  }
}"""

RUN_DAY_END = """
mutation RunDayEnd($through: Date) {
  runDayEnd(through: $through) { businessDate closed { businessDate status } userErrors { code field message } }
}"""

PROGRESS = """
subscription DayEndProgress {
  dayEndProgress { businessDate step stepIndex stepCount status rows message }
}"""

_OUTCOME_COLOUR = {"COMPLETED": "positive", "RUNNING": "warning", "FAILED": "negative"}


@ui.page("/staff/day-end")
async def day_end_page(request: Request) -> RedirectResponse | None:
    api = await open_staff_page(request, _("Day-end"), "/staff/day-end")
    if not isinstance(api, Api):
        return api
    with frame.body():
        await DayEndView(api).draw()
    return None


def _seconds(step: dict) -> str:
    if not step.get("finishedAt"):
        return "—"
    from datetime import datetime

    started = datetime.fromisoformat(step["startedAt"])
    finished = datetime.fromisoformat(step["finishedAt"])
    return f"{(finished - started).total_seconds():.2f} s"


class DayEndView:
    def __init__(self, api: Api) -> None:
        self.api = api
        self.running = False

    async def draw(self) -> None:
        with ui.card().classes("w-full max-w-xl").mark("day-end-card"):
            with ui.row().classes("items-baseline gap-2"):
                ui.label(_("Business date")).classes("text-slate-600")
                self.date_label = ui.label("…").classes("text-2xl font-semibold").mark("business-date-value")
            ui.label(_("Closing a date runs every day-end step for it and moves the business date to the next day. "
                        "Leave 'Through' empty to close just the business date.")).classes("text-sm text-slate-600")
            if self.api.may("runDayEnd"):
                with ui.row().classes("items-end gap-2 w-full"):
                    self.through = frame.date_input(_("Through")).mark("through")
                    self.button = ui.button(_("Run day-end"), icon="play_arrow", on_click=self.run) \
                        .props("unelevated").mark("run-day-end")
            self.progress = ui.linear_progress(value=0, show_value=False).classes("w-full").mark("progress")
            self.progress.visible = False
            self.status = ui.label("").classes("text-sm").mark("progress-text")
            self.message = ui.column().classes("w-full")
        ui.label(_("Runs")).classes("text-lg font-medium mt-4")
        self.history = ui.column().classes("w-full gap-2").mark("history")
        self._follow()
        await self.load()

    def _follow(self) -> None:
        client = ui.context.client

        async def listen() -> None:
            try:
                async for data in self.api.subscribe(PROGRESS):
                    self._show(data["dayEndProgress"])
            except (SignedOut, ApiError):
                return

        task = background_tasks.create(listen(), name="day-end progress")
        client.on_delete(task.cancel)

    def _show(self, event: dict) -> None:
        status = event["status"]
        if status == "subscribed":
            return
        self.progress.visible = True
        count = max(event["stepCount"], 1)
        done = event["stepIndex"] if status in ("completed", "skipped", "day_completed") else event["stepIndex"] - 1
        self.progress.value = min(max(done / count, 0), 1)
        day = fmt.day(event["businessDate"])
        if status == "day_completed":
            self.status.text = _("{day} closed").format(day=day)
        elif status == "failed":
            self.status.text = _("{day}: {step} failed: {message}").format(day=day, step=event["step"],
                                                                          message=event["message"] or "")
        else:
            self.status.text = _("{day}: step {index} of {count}, {step} ({status})").format(
                day=day, index=event["stepIndex"], count=event["stepCount"], step=event["step"], status=_(status))

    async def run(self) -> None:
        if self.running:
            return
        through = fmt.parse_day(self.through.value) if self.through.value else None
        if self.through.value and through is None:
            self._say(_("Enter the date as DD-MM-YYYY."), error=True)
            return
        self.running = True
        self.button.disable()
        self.message.clear()
        try:
            data = await frame.call(self.api, RUN_DAY_END, on_error=lambda m: self._say(m, error=True),
                                    through=through.isoformat() if through else None)
            payload = (data or {}).get("runDayEnd")
            if payload is not None:
                problems = user_errors(payload)
                if problems:
                    self._say("; ".join(problems), error=True)
                elif payload["closed"]:
                    closed = payload["closed"]
                    self._say(_("Closed {count} date(s), {first} to {last}. Business date now {date}.").format(
                        count=len(closed), first=fmt.day(closed[0]["businessDate"]), last=fmt.day(closed[-1]["businessDate"]),
                        date=fmt.day(payload["businessDate"])))
                else:
                    self._say(_("Nothing to close: those dates are closed already."))
            await self.load()
        finally:
            self.running = False
            self.button.enable()

    def _say(self, text: str, *, error: bool = False) -> None:
        self.message.clear()
        with self.message:
            (frame.error if error else _note)(text)

    async def load(self) -> None:
        async def draw() -> None:
            data = await self.api.run(DAY_END)
            self.date_label.text = fmt.day(data["businessDate"])
            frame.show_business_date(date.fromisoformat(data["businessDate"]))  # a run moves it: the header too
            runs = data["dayEndRuns"]
            if not runs:
                frame.empty(_("No day-end has run yet."))
                return
            for run in runs:
                with ui.expansion(value=run is runs[0]).classes("w-full border rounded").mark(f"run {run['businessDate']}") as box:
                    with box.add_slot("header"), ui.row().classes("items-center gap-2 w-full"):
                        ui.badge(_(run["status"].lower()), color=_OUTCOME_COLOUR.get(run["status"], "grey"))
                        ui.label(fmt.day(run["businessDate"])).classes("font-medium")
                        ui.label(_("by {who}").format(who=run["initiator"])).classes("text-xs text-slate-500")
                    if run["message"]:
                        frame.error(run["message"])
                    rows = [{"id": s["step"], "step": s["step"], "outcome": _(s["outcome"].lower()),
                             "rows": f"{int(s['rows']):,}", "time": _seconds(s), "message": s["message"] or ""}
                            for s in run["steps"]]
                    ui.table(columns=[
                        {"name": "step", "label": _("Step"), "field": "step", "align": "left"},
                        {"name": "outcome", "label": _("Outcome"), "field": "outcome", "align": "left"},
                        {"name": "rows", "label": _("Rows"), "field": "rows", "align": "right"},
                        {"name": "time", "label": _("Time"), "field": "time", "align": "right",
                         "classes": "gt-xs", "headerClasses": "gt-xs"},
                        {"name": "message", "label": _("Message"), "field": "message", "align": "left",
                         "classes": "gt-xs whitespace-normal", "headerClasses": "gt-xs"},
                    ], rows=rows, row_key="id").props("flat dense wrap-cells").classes("w-full").mark("steps")

        await frame.section(self.api, self.history, draw)


def _note(text: str) -> None:
    with ui.row().classes("items-center gap-2 text-green-800 p-2").mark("note"):
        ui.icon("check_circle")
        ui.label(text)

"""Branch overview: members, accounts and deposits, with charts of daily volume and states."""

from __future__ import annotations

from decimal import Decimal

from fastapi import Request
from fastapi.responses import RedirectResponse
from ui.i18n import N_, _
from nicegui import ui

from ui import fmt, frame
from ui.api import Api
from ui.pages.staff.common import open_staff_page
from ui.pages.staff.drawer import branch_drawers

BRANCH_OVERVIEW = """
query BranchOverview($branchCode: String, $days: Int!, $toDate: Date) {
  branches { code name }
  branchOverview(branchCode: $branchCode, days: $days, toDate: $toDate) {
    branchCode members membersKycPending lastActivity
    accountsByStatus { status count }
    deposits { amount currency }
    dailyVolume { valueDate entries amount { amount currency } }
  }
}"""


@ui.page("/staff/branch")
async def branch_page(request: Request) -> RedirectResponse | None:
    api = await open_staff_page(request, "Branch overview", "/staff/branch")
    if not isinstance(api, Api):
        return api
    with frame.body():
        await Overview(api).draw()
    return None


class Overview:
    def __init__(self, api: Api) -> None:
        self.api = api

    async def draw(self) -> None:
        with ui.row().classes("w-full items-end gap-2"):
            self.branch = ui.select({"": _("All branches")}, value="", label=_("Branch")).props("outlined dense").classes(
                "w-64").mark("branch")
            self.days = ui.select({30: _("30 days"), 90: _("90 days"), 365: _("1 year")}, value=30, label=_("Period")).props(
                "outlined dense").classes("w-32")
            self.to_date = frame.date_input(_("Up to (default: last activity)")).classes("w-56").mark("to-date")
            ui.button(_("Show"), on_click=self.load).props("unelevated").mark("show")
        self.box = ui.column().classes("w-full gap-4")
        await self.load()
        if frame.may_all(self.api, ("branchDrawers",)):
            with ui.card().classes("w-full").mark("branch-drawers"):
                await branch_drawers(self.api)

    async def load(self) -> None:
        self.box.clear()
        to_date = fmt.parse_day(self.to_date.value)
        data = await frame.call(self.api, BRANCH_OVERVIEW, branchCode=self.branch.value or None, days=self.days.value,
                                toDate=to_date.isoformat() if to_date else None)
        if data is None:
            return
        self.branch.options = {"": _("All branches"), **{b["code"]: f"{b['code']} {b['name']}" for b in data["branches"]}}
        self.branch.update()
        o = data["branchOverview"]
        with self.box:
            with ui.grid().classes("w-full gap-3 grid-cols-2 sm:grid-cols-4"):
                tile(N_("Members"), f"{o['members']:,}")
                tile(N_("KYC pending"), f"{o['membersKycPending']:,}")
                tile(N_("Accounts"), f"{sum(s['count'] for s in o['accountsByStatus']):,}")
                tile(N_("Deposits"), ", ".join(fmt.money_of(d) for d in o["deposits"]) or "—")
            volume = o["dailyVolume"]
            if not volume:
                frame.empty(_("No postings in this period."))
            else:
                ui.label(_('Daily volume up to {0}').format(fmt.day(o['lastActivity']))).classes("font-medium")
                currency = volume[0]["amount"]["currency"]
                days = [v for v in volume if v["amount"]["currency"] == currency]
                # ECharts needs numbers; major units rounded to whole units are plenty for a chart.
                ui.echart({
                    "tooltip": {"trigger": "axis"},
                    "grid": {"left": 70, "right": 50, "top": 40, "bottom": 30},
                    "legend": {"top": 0, "data": [_("Amount ({0})").format(currency), _("Entries")]},
                    "xAxis": {"type": "category", "data": [fmt.day(v["valueDate"])[:5] for v in days]},
                    "yAxis": [{"type": "value"}, {"type": "value"}],
                    "series": [
                        {"name": _("Amount ({0})").format(currency), "type": "bar", "barMaxWidth": 28,
                         "data": [int(Decimal(v["amount"]["amount"])) for v in days]},
                        {"name": _("Entries"), "type": "line", "yAxisIndex": 1, "data": [v["entries"] for v in days]},
                    ],
                }).classes("w-full h-72").mark("volume-chart")
            with ui.grid().classes("w-full gap-3 grid-cols-1 sm:grid-cols-2"):
                ui.echart(pie(_("Accounts by state"), [(s["status"].lower(), s["count"]) for s in o["accountsByStatus"]])
                          ).classes("w-full h-64").mark("accounts-chart")
                ui.echart(pie(_("Members' KYC"), [(_("verified or rejected"), o["members"] - o["membersKycPending"]),
                                              (_("pending"), o["membersKycPending"])])).classes("w-full h-64").mark("kyc-chart")


def tile(label: str, value: str) -> None:
    with ui.card().classes("gap-0"):
        ui.label(_(label)).classes("text-xs text-slate-500")
        ui.label(value).classes("text-lg font-semibold").mark(f"tile {label}")


def pie(title: str, parts: list[tuple[str, int]]) -> dict:
    return {
        "title": {"text": title, "left": "center", "textStyle": {"fontSize": 14}},
        "tooltip": {"trigger": "item"},
        "series": [{"type": "pie", "radius": ["35%", "65%"], "top": 20,
                    "data": [{"name": name, "value": value} for name, value in parts]}],
    }

"""Settings: the bank's thresholds, limits and rates, with their source and history; an
admin gives one a new value from a business date on (never back-dated, with a reason)."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import RedirectResponse
from nicegui import ui

from ui import fmt, frame
from ui.api import Api
from ui.i18n import _
from ui.pages.staff.common import open_staff_page

SETTINGS = """
query Settings {
  settings { key kind description source default value history { effectiveFrom value setBy reason } }
}"""

SET_SETTING = """
mutation SetSetting($input: SetSettingInput!) {
  setSetting(input: $input) { setting { key value } userErrors { field code message } }
}"""


@ui.page("/staff/settings")
async def settings_page(request: Request) -> RedirectResponse | None:
    api = await open_staff_page(request, _("Settings"), "/staff/settings")
    if not isinstance(api, Api):
        return api
    with frame.body() as column:
        page = SettingsPage(api, column)
        await page.load()
    return None


def shown(kind: str, text: str) -> str:
    """A value as a person reads it: money in rupees, the rest as stored."""
    if kind == "money" and text.lstrip("-").isdigit():
        return fmt.money(fmt.parse_amount(f"{int(text) / 100:.2f}") or 0, "INR")
    return text


class SettingsPage:
    def __init__(self, api: Api, column: ui.column) -> None:
        self.api = api
        self.column = column

    async def load(self) -> None:
        self.column.clear()
        with self.column:
            data = await frame.call(self.api, SETTINGS)
            if data is None:
                return
            self.filter = ui.input(_("Filter"), on_change=lambda e: self.draw(data["settings"], e.value)).props(
                "outlined dense clearable").classes("w-full sm:w-80").mark("settings-filter")
            self.list = ui.column().classes("w-full gap-2")
            self.draw(data["settings"], "")

    def draw(self, settings: list[dict], term: str | None) -> None:
        term = (term or "").lower()
        self.list.clear()
        with self.list:
            for s in settings:
                if term and term not in s["key"].lower() and term not in s["description"].lower():
                    continue
                with ui.card().classes("w-full").mark(f"setting {s['key']}"):
                    with ui.row().classes("w-full items-start justify-between gap-2 no-wrap"):
                        with ui.column().classes("gap-0 min-w-0"):
                            ui.label(s["key"]).classes("font-mono text-sm font-medium break-all")
                            ui.label(s["description"]).classes("text-sm text-slate-600")
                            if s["source"]:
                                ui.label(f"{_('Source')}: {s['source']}").classes("text-xs text-slate-500")
                        # A long text value (a name, a time zone) wraps within half the card, never past the screen.
                        with ui.column().classes("items-end gap-0 min-w-0 max-w-[50%]"):
                            ui.label(shown(s["kind"], s["value"])).classes("font-semibold break-all text-right").mark(
                                f"value {s['key']}")
                            if s["value"] != s["default"]:
                                ui.label(f"{_('default')} {shown(s['kind'], s['default'])}").classes("text-xs text-slate-500")
                    if s["history"]:
                        with ui.expansion(_("History")).classes("w-full text-sm"):
                            for h in s["history"]:
                                ui.label(f"{fmt.day(h['effectiveFrom'])}: {shown(s['kind'], h['value'])} · {h['setBy']}"
                                         f"{' · ' + h['reason'] if h['reason'] else ''}").classes("text-sm")
                    if self.api.may("setSetting"):
                        ui.button(_("Change"), icon="edit", on_click=lambda s=s: self.edit(s)).props("flat dense").mark(
                            f"edit {s['key']}")

    def edit(self, s: dict) -> None:
        with ui.dialog() as dialog, ui.card().classes("w-full max-w-md").mark("setting-dialog"):
            ui.label(s["key"]).classes("font-mono font-medium break-all")
            ui.label(s["description"]).classes("text-sm text-slate-600")
            hint = _("In minor units (paise): ₹50,000 is 5000000") if s["kind"] == "money" else s["kind"]
            value = ui.input(_("New value"), value=s["value"]).props("outlined dense").classes("w-full").mark("setting-value")
            ui.label(hint).classes("text-xs text-slate-500")
            when = frame.date_input(_("From (default: today's business date)")).classes("w-full").mark("setting-from")
            reason = ui.input(_("Reason")).props("outlined dense maxlength=200").classes("w-full").mark("setting-reason")
            message = ui.label().classes("text-sm text-red-700").mark("setting-message")

            async def save() -> None:
                day = fmt.parse_day(when.value)
                data = await frame.call(self.api, SET_SETTING, input={
                    "key": s["key"], "value": value.value or "", "reason": reason.value or "",
                    "effectiveFrom": day.isoformat() if day else None})
                if data is None:
                    return
                errors = data["setSetting"]["userErrors"]
                if errors:
                    message.text = " ".join(e["message"] for e in errors)
                    return
                dialog.close()
                ui.notify(_("Setting changed"), type="positive")
                await self.load()

            with ui.row():
                ui.button(_("Save"), icon="check", on_click=save).mark("setting-save")
                ui.button(_("Cancel"), on_click=dialog.close).props("flat")
        dialog.open()

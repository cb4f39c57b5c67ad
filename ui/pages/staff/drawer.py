"""The teller's cash drawer on the counter page, and every drawer of the branch for a manager."""

from __future__ import annotations

from decimal import Decimal

from nicegui import ui

from ui import fmt, frame
from ui.api import Api
from ui.i18n import _

MY_DRAWER = """
query MyDrawer { myDrawer {
  id tellerName businessDate status
  openingCash { amount currency } cashIn { amount currency } cashOut { amount currency }
  expected { amount currency } counted { amount currency } difference { amount currency }
  closingCount { value pieces } closingNote
} }"""

BRANCH_DRAWERS = """
query BranchDrawers { branchDrawers {
  id tellerName businessDate status
  openingCash { amount currency } cashIn { amount currency } cashOut { amount currency }
  expected { amount currency } counted { amount currency } difference { amount currency }
  closingCount { value pieces } closingNote
} }"""

OPEN_DRAWER = """
mutation OpenDrawer($input: OpenDrawerInput!) {
  openDrawer(input: $input) { drawer { id status } userErrors { field code message } }
}"""

CLOSE_DRAWER = """
mutation CloseDrawer($input: CloseDrawerInput!) {
  closeDrawer(input: $input) { drawer { id status difference { amount currency } } userErrors { field code message } }
}"""

DENOMINATIONS = (2000, 500, 200, 100, 50, 20, 10, 5, 2, 1)


def difference_text(diff: dict | None) -> str:
    if diff is None:
        return ""
    value = Decimal(diff["amount"])
    if value == 0:
        return _("Balanced")
    label = _("Short by") if value < 0 else _("Over by")
    return f"{label} {fmt.money(abs(value), diff['currency'])}"


def figures(d: dict) -> None:
    """The drawer's figures as label/value pairs."""
    rows = [(_("Opening float"), fmt.money_of(d["openingCash"])), (_("Cash in"), fmt.money_of(d["cashIn"])),
            (_("Cash out"), fmt.money_of(d["cashOut"])), (_("Expected in drawer"), fmt.money_of(d["expected"]))]
    if d["counted"] is not None:
        rows += [(_("Counted"), fmt.money_of(d["counted"])), (_("Difference"), difference_text(d["difference"]))]
    with ui.grid(columns=2).classes("gap-x-4 gap-y-0 text-sm"):
        for label, value in rows:
            ui.label(label).classes("text-slate-500")
            ui.label(value).mark(f"drawer {label}")


class DrawerCard:
    """Open with a counted float; see in, out and expected; close with a denomination count."""

    def __init__(self, api: Api) -> None:
        self.api = api

    async def draw(self) -> None:
        self.card = ui.card().classes("w-full no-print").mark("drawer")
        await self.refresh()

    async def refresh(self) -> None:
        self.card.clear()
        with self.card:
            data = await frame.call(self.api, MY_DRAWER)
            if data is None:
                return
            d = data["myDrawer"]
            if d is None:
                self._opening()
                return
            status = _("open") if d["status"] == "OPEN" else _("closed")
            ui.label(f"{_('Cash drawer')} · {fmt.day(d['businessDate'])} · {status}").classes("font-medium").mark(
                "drawer-title")
            figures(d)
            if d["status"] == "OPEN":
                self._closing()

    def _opening(self) -> None:
        ui.label(_("Cash drawer: count your float and open the drawer to start the day")).classes("font-medium")
        with ui.row().classes("w-full items-end gap-2"):
            amount = ui.input(_("Opening float (counted)"), validation={_("Enter an amount like 20000"): lambda v: not v or fmt.parse_amount(v) is not None}).props(
                "outlined dense inputmode=decimal").mark("drawer-float")
            message = ui.label().classes("text-sm text-red-700").mark("drawer-message")

            async def open_it() -> None:
                value = fmt.parse_amount(amount.value)
                if value is None:
                    message.text = _("Enter the counted float, e.g. 20000.")
                    return
                data = await frame.call(self.api, OPEN_DRAWER, input={"openingCash": {"amount": str(value), "currency": "INR"}})
                if data is None:
                    return
                errors = data["openDrawer"]["userErrors"]
                if errors:
                    message.text = " ".join(e["message"] for e in errors)
                    return
                await self.refresh()

            ui.button(_("Open drawer"), icon="lock_open", on_click=open_it).mark("drawer-open")

    def _closing(self) -> None:
        with ui.expansion(_("Close the drawer: count by denomination"), icon="calculate").classes("w-full").mark(
                "drawer-close-panel"):
            inputs: dict[int, ui.number] = {}
            total = ui.label().classes("font-medium").mark("drawer-count-total")

            def update() -> None:
                value = sum(d * int(inputs[d].value or 0) for d in DENOMINATIONS)
                total.text = f"{_('Counted')}: {fmt.money(Decimal(value), 'INR')}"

            with ui.grid().classes("grid-cols-2 sm:grid-cols-5 gap-2 w-full"):
                for d in DENOMINATIONS:
                    inputs[d] = ui.number(f"₹{d} ×", value=0, min=0, precision=0, format="%d", on_change=update).props(
                        "outlined dense").mark(f"count {d}")
            update()
            note = ui.input(_("Note (optional)")).props("outlined dense maxlength=200").classes("w-full").mark("drawer-note")
            message = ui.label().classes("text-sm text-red-700").mark("drawer-close-message")

            async def close_it() -> None:
                count = [{"value": d, "pieces": int(inputs[d].value or 0)} for d in DENOMINATIONS if inputs[d].value]
                data = await frame.call(self.api, CLOSE_DRAWER, input={"count": count, "note": note.value or None})
                if data is None:
                    return
                errors = data["closeDrawer"]["userErrors"]
                if errors:
                    message.text = " ".join(e["message"] for e in errors)
                    return
                ui.notify(f"{_('Drawer closed')}: {difference_text(data['closeDrawer']['drawer']['difference'])}")
                await self.refresh()

            ui.button(_("Close drawer"), icon="lock", on_click=close_it).mark("drawer-close")


async def branch_drawers(api: Api) -> None:
    """Every teller's drawer of the manager's branch today (drawn inside a card)."""
    data = await frame.call(api, BRANCH_DRAWERS)
    if data is None:
        return
    ui.label(_("Cash drawers today")).classes("font-medium")
    if not data["branchDrawers"]:
        frame.empty(_("No teller has opened a drawer today."))
    with ui.row().classes("w-full gap-2"):
        for d in data["branchDrawers"]:
            status = _("open") if d["status"] == "OPEN" else _("closed")
            with ui.card().classes("w-full sm:w-72").mark(f"branch-drawer {d['tellerName']}"):
                ui.label(f"{d['tellerName']} · {status}").classes("font-medium")
                figures(d)
                if d["closingNote"]:
                    ui.label(d["closingNote"]).classes("text-sm text-slate-600")

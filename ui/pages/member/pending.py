"""On an account's page: money held for pending payments, and the UPI QR to be paid by."""

from __future__ import annotations

import base64
from collections.abc import Awaitable, Callable

from nicegui import ui

from ui import fmt, frame
from ui.api import Api
from ui.i18n import _

PENDING_AND_UPI = """
query AccountPayments($number: String!) {
  account(number: $number) { heldBalance { amount currency } }
  holds(accountNumber: $number) { id amount { amount currency } reason placedOn }
  upiQr(accountNumber: $number) { vpa uri svg }
}"""


def draw_pending_and_upi(api: Api, account: dict, box: ui.column) -> Callable[[], Awaitable[None]]:
    """A coroutine function that fills ``box`` (drawn after the head, so the page does not wait)."""

    async def draw() -> None:
        if account["product"]["kind"] == "LOAN":
            with box:
                ui.button(_("Pay an EMI from another bank"), icon="add_card",
                          on_click=lambda: ui.navigate.to("/member/add-money?purpose=emi")).props("outline dense")
            return
        data = await frame.call(api, PENDING_AND_UPI, number=account["number"])
        if data is None:
            return
        box.clear()
        with box:
            ui.button(_("Add money"), icon="add_card", on_click=lambda: ui.navigate.to("/member/add-money")).props(
                "outline dense").mark("add-money")
            if data["holds"]:
                with ui.card().classes("w-full bg-amber-50").mark("pending"):
                    ui.label(_("Pending: {amount} held for payments on their way").format(
                        amount=fmt.money_of(data["account"]["heldBalance"]))).classes("text-sm font-medium")
                    for hold in data["holds"]:
                        with ui.row().classes("w-full justify-between text-sm"):
                            ui.label(hold["reason"]).classes("text-slate-700")
                            ui.label(fmt.money_of(hold["amount"])).classes("whitespace-nowrap")
            qr = data.get("upiQr")
            if qr:
                with ui.expansion(_("Receive money by UPI"), icon="qr_code_2").classes("w-full").mark("upi"):
                    encoded = base64.b64encode(qr["svg"].encode()).decode()
                    ui.image(f"data:image/svg+xml;base64,{encoded}").classes("w-48 h-48").mark("upi-qr")
                    ui.label(qr["vpa"]).classes("text-sm font-mono").mark("upi-vpa")
                    ui.label(_("Any UPI app can scan this to pay into this account.")).classes("text-xs text-slate-500")

    return draw

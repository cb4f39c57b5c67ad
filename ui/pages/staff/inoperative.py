"""The manager's reactivation of an inoperative account, after checking the holders' KYC."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import RedirectResponse
from nicegui import ui

from ui import frame
from ui.api import Api, user_errors
from ui.i18n import _
from ui.pages.staff.common import open_staff_page

REACTIVATE = """
mutation ReactivateAccount($accountNumber: String!) {
  reactivateAccount(accountNumber: $accountNumber) { account { number status } userErrors { field code message } }
}"""


@ui.page("/staff/inoperative")
async def inoperative_page(request: Request) -> RedirectResponse | None:
    api = await open_staff_page(request, _("Inoperative accounts"), "/staff/inoperative")
    if not isinstance(api, Api):
        return api
    with frame.body(), ui.card().classes("w-full max-w-xl").mark("reactivate-card"):
        ui.label(_("An account without a customer-induced transaction for two years is inoperative: money may come in "
                   "and interest is credited, nothing goes out. Reactivate it once the holders' KYC is up to date "
                   "(the bank refuses while a holder's KYC is not verified).")).classes("text-sm text-slate-600")
        number = ui.input(_("Account number")).props("outlined inputmode=numeric").classes("w-full").mark("reactivate-number")
        result = ui.column().classes("w-full")

        async def reactivate() -> None:
            result.clear()
            with result:
                data = await frame.call(api, REACTIVATE, accountNumber=(number.value or "").replace(" ", ""))
                payload = (data or {}).get("reactivateAccount")
                if payload is None:
                    return
                problems = user_errors(payload)
                if problems:
                    frame.error("; ".join(problems))
                    return
                with ui.row().classes("items-center gap-2 text-green-800").mark("reactivated"):
                    ui.icon("check_circle")
                    ui.label(_("Account {number} is active again.").format(number=payload["account"]["number"]))

        ui.button(_("Reactivate"), icon="lock_open", on_click=reactivate).props("unelevated").mark("reactivate")
    return None

"""Loans: the member's loan accounts (deposits have their own page, ui/pages/member/deposits.py)."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import RedirectResponse
from ui.i18n import _
from nicegui import ui

from ui import fmt, frame
from ui.api import Api

MEMBER_LOANS = """
query MemberLoans {
  me { member { accounts { number status openedOn product { name kind } balance { amount currency } } } }
}"""


@ui.page("/member/loans")
async def loans_page(request: Request) -> RedirectResponse | None:
    api = await frame.signed_in(request)
    if api is None:
        return frame.to_sign_in()
    if frame.shell(api, "Loans", audience=frame.MEMBER):
        with frame.body() as column:
            await frame.section(api, column, lambda: draw_loans(api))
    return None


async def draw_loans(api: Api) -> None:
    accounts = (await api.run(MEMBER_LOANS))["me"]["member"]["accounts"]
    loans = [a for a in accounts if a["product"]["kind"] == "LOAN"]
    if not loans:
        frame.empty(_("You have no loans with us. EMI schedules will show here once you do."))
        return
    for loan in loans:
        with ui.card().classes("w-full max-w-xl").mark(f"loan {loan['number']}"):
            ui.label(f"{loan['product']['name']} · {loan['number']}").classes("font-medium")
            ui.label(_('Outstanding {0}').format(fmt.money_of(loan['balance']))).classes("text-lg")
            ui.label(_('Since {0} · {1}').format(fmt.day(loan['openedOn']), loan['status'].lower())).classes("text-xs text-slate-500")
            ui.button(_("History"), on_click=lambda n=loan["number"]: ui.navigate.to(f"/member/accounts/{n}")).props(
                "flat dense")

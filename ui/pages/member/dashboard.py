"""The member's home: every account with its balance, updated live."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import RedirectResponse
from ui.i18n import N_, _
from nicegui import ui

from ui import fmt, frame
from ui.api import Api
from ui.live import follow_balance

MEMBER_DASHBOARD = """
query MemberDashboard {
  me {
    member {
      memberNumber fullName
      accounts {
        number status currency
        balance { amount currency }
        availableBalance { amount currency }
        product { name kind }
      }
    }
  }
}"""


ACCOUNT_STATUS = {"PENDING": N_("pending"), "ACTIVE": N_("active"), "DORMANT": N_("dormant"),
                  "INOPERATIVE": N_("inoperative"), "FROZEN": N_("frozen"), "CLOSED": N_("closed")}


@ui.page("/member")
async def member_dashboard(request: Request) -> RedirectResponse | None:
    api = await frame.signed_in(request)
    if api is None:
        return frame.to_sign_in()
    if frame.shell(api, "My accounts", audience=frame.MEMBER):
        with frame.body() as column:
            await frame.section(api, column, lambda: draw(api))
    return None


async def draw(api: Api) -> None:
    data = await api.run(MEMBER_DASHBOARD)
    member = data["me"]["member"]
    ui.label(_('{0} · member {1}').format(member['fullName'], member['memberNumber'])).classes("text-slate-600 px-1").mark("member")
    accounts = member["accounts"]
    if not accounts:
        frame.empty(_("You hold no accounts yet. Visit your branch to open one."))
        return
    with ui.grid().classes("w-full gap-3 grid-cols-1 sm:grid-cols-2"):
        for account in accounts:
            account_card(api, account)


def account_card(api: Api, account: dict) -> None:
    number = account["number"]
    kind = account["product"]["kind"]
    with ui.card().classes("w-full cursor-pointer hover:shadow-lg").mark(f"account {number}") as card:
        card.on("click", lambda n=number: ui.navigate.to(f"/member/accounts/{n}"))
        with ui.row().classes("w-full items-center justify-between"):
            ui.label(account["product"]["name"]).classes("font-medium text-slate-700")
            ui.badge(_(ACCOUNT_STATUS.get(account["status"], account["status"].lower())), color="green" if account["status"] == "ACTIVE" else "grey")
        ui.label(_spaced(number)).classes("text-xs text-slate-500 font-mono")
        balance = ui.label(fmt.money_of(account["balance"])).classes("text-2xl font-semibold text-slate-900").mark(
            f"balance {number}")
        if kind != "LOAN":
            ui.label(_('Available {0}').format(fmt.money_of(account['availableBalance']))).classes("text-xs text-slate-500")
        else:
            ui.label(_("Loan account: outstanding amount")).classes("text-xs text-slate-500")

    def show(money: dict) -> None:
        balance.text = fmt.money_of(money)

    follow_balance(api, number, show)


def _spaced(number: str) -> str:
    return " ".join(number[i:i + 4] for i in range(0, len(number), 4))

"""Standing instructions: the member's (or, at the branch, staff's) monthly or quarterly
payments to another account of the bank, with what day-end did and why a payment failed."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import RedirectResponse
from nicegui import ui

from ui import fmt, frame
from ui.api import Api, user_errors
from ui.i18n import _

MY_ACCOUNTS = """
query InstructionAccounts { me { member { accounts { number currency status product { name } } } } }"""

INSTRUCTIONS = """
query StandingInstructions($accountNumber: String) {
  businessDate
  standingInstructions(accountNumber: $accountNumber, first: 20) {
    id fromAccountNumber toAccountNumber amount { amount currency } frequency dayOfMonth startDate endDate
    nextDueOn status narration failedAttempts lastFailure runs { dueOn attemptedOn outcome message }
  }
}"""

CREATE = """
mutation CreateStandingInstruction($input: CreateStandingInstructionInput!) {
  createStandingInstruction(input: $input) { instruction { id nextDueOn } userErrors { field code message } }
}"""

CANCEL = """
mutation CancelStandingInstruction($id: ID!) {
  cancelStandingInstruction(id: $id) { instruction { id status } userErrors { field code message } }
}"""

_STATUS_COLOUR = {"ACTIVE": "positive", "CANCELLED": "grey", "COMPLETED": "primary"}


@ui.page("/member/instructions")
async def member_instructions_page(request: Request) -> RedirectResponse | None:
    api = await frame.signed_in(request)
    if api is None:
        return frame.to_sign_in()
    if frame.shell(api, "Standing instructions", audience=frame.MEMBER,
                   needs=("standingInstructions", "createStandingInstruction")):
        with frame.body():
            await InstructionsView(api, member=True).draw()
    return None


class InstructionsView:
    """The list and the form; ``member`` picks the paying account from the member's own,
    staff type an account number (and see that account's instructions)."""

    def __init__(self, api: Api, *, member: bool) -> None:
        self.api = api
        self.member = member
        self.currency = "INR"

    async def draw(self) -> None:
        options: dict[str, str] = {}
        if self.member:
            data = await frame.call(self.api, MY_ACCOUNTS)
            if data is None:
                return
            accounts = [a for a in data["me"]["member"]["accounts"] if a["status"] == "ACTIVE"]
            options = {a["number"]: f"{a['product']['name']} {a['number']}" for a in accounts}
            if accounts:
                self.currency = accounts[0]["currency"]
        with ui.card().classes("w-full max-w-xl").mark("instruction-form"):
            ui.label(_("New standing instruction")).classes("text-lg font-medium")
            ui.label(_("Day-end pays it on the chosen day (the last day of shorter months for 29-31). "
                        "A failed payment is tried again the next day.")).classes("text-sm text-slate-600")
            if self.member:
                if not options:
                    frame.empty(_("You hold no active account to pay from."))
                    return
                self.source = ui.select(options, value=next(iter(options)), label=_("Pay from")) \
                    .props("outlined").classes("w-full").mark("si-from")
            else:
                self.source = ui.input(_("Pay from (account number)")).props("outlined inputmode=numeric") \
                    .classes("w-full").mark("si-from")
                ui.button(_("Show its instructions"), on_click=self.load).props("flat no-caps").mark("si-show")
            self.target = ui.input(_("Pay to (account number)")).props("outlined inputmode=numeric").classes("w-full") \
                .mark("si-to")
            with ui.row().classes("w-full gap-2 items-end"):
                self.amount = ui.input(_("Amount")).props("outlined inputmode=decimal").classes("w-36").mark("si-amount")
                self.frequency = ui.select({"MONTHLY": _("Monthly"), "QUARTERLY": _("Quarterly")}, value="MONTHLY",
                                           label=_("Every")).props("outlined").classes("w-36").mark("si-frequency")
                self.day = ui.number(_("Day of month"), value=1, min=1, max=31, step=1, format="%d") \
                    .props("outlined").classes("w-32").mark("si-day")
            with ui.row().classes("w-full gap-2"):
                self.start = frame.date_input(_("Start")).mark("si-start")
                self.end = frame.date_input(_("End (optional)")).mark("si-end")
            self.narration = ui.input(_("Note on statements (optional)"), validation={
                _("At most 140 characters"): lambda v: len(v or "") <= 140}).props("outlined").classes("w-full") \
                .mark("si-narration")
            ui.button(_("Set up"), icon="event_repeat", on_click=self.create).props("unelevated").mark("si-create")
            self.feedback = ui.column().classes("w-full")
        ui.label(_("Your instructions") if self.member else _("Instructions of the account")) \
            .classes("text-lg font-medium mt-4")
        self.list_box = ui.column().classes("w-full gap-2").mark("si-list")
        await self.load()

    def _say(self, text: str, *, error: bool = False) -> None:
        self.feedback.clear()
        with self.feedback:
            if error:
                frame.error(text)
            else:
                with ui.row().classes("items-center gap-2 text-green-800").mark("si-done"):
                    ui.icon("check_circle")
                    ui.label(text)

    async def create(self) -> None:
        amount = fmt.parse_amount(self.amount.value)
        start = fmt.parse_day(self.start.value)
        end = fmt.parse_day(self.end.value) if self.end.value else None
        day = int(self.day.value or 0)
        if amount is None or amount <= 0:
            self._say(_("Enter an amount like 1500 or 1500.50."), error=True)
            return
        if start is None or (self.end.value and end is None):
            self._say(_("Enter the dates as DD-MM-YYYY."), error=True)
            return
        if not 1 <= day <= 31:
            self._say(_("The day of month is 1 to 31."), error=True)
            return
        payload = {
            "fromAccountNumber": (self.source.value or "").replace(" ", ""),
            "toAccountNumber": (self.target.value or "").replace(" ", ""),
            "amount": {"amount": f"{amount:.2f}", "currency": self.currency}, "frequency": self.frequency.value,
            "dayOfMonth": day, "startDate": start.isoformat(), "endDate": end.isoformat() if end else None,
            "narration": self.narration.value or None,
        }
        data = await frame.call(self.api, CREATE, on_error=lambda m: self._say(m, error=True), input=payload)
        result = (data or {}).get("createStandingInstruction")
        if result is None:
            return
        problems = user_errors(result)
        if problems:
            self._say("; ".join(problems), error=True)
            return
        self._say(_("Set up. First payment on {day}.").format(day=fmt.day(result["instruction"]["nextDueOn"])))
        await self.load()

    async def cancel(self, instruction_id: str) -> None:
        data = await frame.call(self.api, CANCEL, on_error=lambda m: self._say(m, error=True), id=instruction_id)
        result = (data or {}).get("cancelStandingInstruction")
        if result is not None:
            problems = user_errors(result)
            self._say("; ".join(problems) if problems else _("Cancelled."), error=bool(problems))
            await self.load()

    async def load(self) -> None:
        async def draw() -> None:
            account = None if self.member else (self.source.value or "").replace(" ", "") or None
            if not self.member and account is None:
                frame.empty(_("Enter an account number to see its instructions."))
                return
            data = await self.api.run(INSTRUCTIONS, accountNumber=account)
            items = data["standingInstructions"]
            if not items:
                frame.empty(_("No standing instructions yet."))
                return
            for si in items:
                self._card(si)

        await frame.section(self.api, self.list_box, draw)

    def _card(self, si: dict) -> None:
        with ui.card().classes("w-full").mark(f"si {si['id']}"):
            with ui.row().classes("items-center gap-2 w-full"):
                ui.badge(_(si["status"].lower()), color=_STATUS_COLOUR.get(si["status"], "grey"))
                ui.label(fmt.money_of(si["amount"])).classes("font-medium")
                ui.label(_("to {account}").format(account=si["toAccountNumber"]))
                ui.space()
                if si["status"] == "ACTIVE":
                    ui.button(_("Cancel"), on_click=lambda _e=None, i=si["id"]: self.cancel(i)) \
                        .props("flat dense no-caps color=negative").mark(f"si-cancel {si['id']}")
            every = _("monthly") if si["frequency"] == "MONTHLY" else _("quarterly")
            ui.label(_("{every} on day {day}, from {account} · {note}").format(
                every=every, day=si["dayOfMonth"], account=si["fromAccountNumber"], note=si["narration"])) \
                .classes("text-sm text-slate-600 break-words")
            if si["nextDueOn"]:
                ui.label(_("Next payment {day}").format(day=fmt.day(si["nextDueOn"]))).classes("text-sm")
            if si["lastFailure"]:
                with ui.row().classes("items-center gap-1 text-red-700 text-sm").mark("si-failure"):
                    ui.icon("warning")
                    ui.label(_("Last attempt failed ({attempts} so far): {why}").format(
                        attempts=si["failedAttempts"], why=si["lastFailure"]))
            for run in si["runs"][:3]:
                text = _("{due}: {outcome} on {day}").format(due=fmt.day(run["dueOn"]), outcome=_(run["outcome"].lower()),
                                                             day=fmt.day(run["attemptedOn"]))
                ui.label(text + (f" · {run['message']}" if run["message"] else "")).classes("text-xs text-slate-500")

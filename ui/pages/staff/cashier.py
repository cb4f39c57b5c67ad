"""The counter: the teller's cash drawer, find a member or account, take or pay out cash,
print a receipt, and see today's cash totals.

What the cashier reviewed is what posts: kind, account, amount, narration and Form 60
are frozen when the confirmation is drawn, and any edit of the form takes the
confirmation away (the cashier reviews again). Loan accounts take no cash at the counter
(bankcore refuses it too, with ``LOAN_ACCOUNT_CASH``).
"""

from __future__ import annotations

import uuid

from fastapi import Request
from fastapi.responses import RedirectResponse
from nicegui import ui

from ui import fmt, frame
from ui.api import Api, ApiError, SignedOut
from ui.i18n import N_, _
from ui.pages.staff.common import open_staff_page
from ui.pages.staff.drawer import DrawerCard

COUNTER_LOOKUP = """
query CounterLookup($search: String!) {
  members(search: $search, first: 10) {
    edges { node { memberNumber fullName kycStatus accounts { number status currency balance { amount currency } product { name kind } } } }
  }
}"""

COUNTER_ACCOUNT = """
query CounterAccount($number: String!) {
  account(number: $number) {
    number status currency product { name kind }
    balance { amount currency } availableBalance { amount currency }
    holders { role memberNumber fullName }
  }
}"""

DEPOSIT_CASH = """
mutation DepositCash($input: DepositCashInput!) {
  depositCash(input: $input) {
    replayed entry { entryId valueDate postedAt } account { number balance { amount currency } }
    userErrors { field code message }
  }
}"""

WITHDRAW_CASH = """
mutation WithdrawCash($input: WithdrawCashInput!) {
  withdrawCash(input: $input) {
    replayed entry { entryId valueDate postedAt } account { number balance { amount currency } }
    userErrors { field code message }
  }
}"""

CASH_TOTALS = """
query CashTotals {
  cashTotals {
    currency depositsCount withdrawalsCount
    deposits { amount currency } withdrawals { amount currency } net { amount currency }
  }
}"""

PRINT_CSS = "@media print { .q-header, .q-drawer, .no-print { display: none !important; } .q-page-container { padding: 0 !important; } }"

# What the cashier can do about each refusal (the API's message says what went wrong).
WHAT_TO_DO = {
    "PAN_REQUIRED": N_("Record the member's PAN, or take a signed Form 60 and tick the Form 60 box."),
    "CASH_LIMIT_EXCEEDED": N_("Take the rest by cheque or transfer, or on another day."),
    "LOAN_ACCOUNT_CASH": N_("Take a loan repayment through the loan's own page."),
    "DRAWER_NOT_OPEN": N_("Open your cash drawer above with the counted float."),
    "INSUFFICIENT_FUNDS": N_("Pay out a smaller amount."),
    "MIN_BALANCE": N_("Pay out a smaller amount: the account keeps a minimum balance."),
}


@ui.page("/staff/cashier")
async def cashier_page(request: Request) -> RedirectResponse | None:
    api = await open_staff_page(request, _("Counter"), "/staff/cashier")
    if not isinstance(api, Api):
        return api
    ui.add_css(PRINT_CSS)
    with frame.body():
        await Counter(api).draw()
    return None


def explain(error: dict) -> str:
    hint = WHAT_TO_DO.get(error.get("code", ""))
    return f"{error['message']}. {_(hint)}" if hint else error["message"]


class Counter:
    def __init__(self, api: Api) -> None:
        self.api = api
        self.account: dict | None = None
        self.pending: dict | None = None

    async def draw(self) -> None:
        self.drawer = DrawerCard(self.api)
        await self.drawer.draw()
        self.totals = ui.card().classes("w-full no-print").mark("cash-totals")
        await self.refresh_totals()
        with ui.card().classes("w-full no-print"):
            ui.label(_("Find a member or account")).classes("font-medium")
            with ui.row().classes("w-full items-end gap-2"):
                self.search = ui.input(_("Name, member number, mobile or account number")).props("outlined dense").classes(
                    "grow").mark("search")
                self.search.on("keydown.enter", self.lookup)
                ui.button(_("Find"), icon="search", on_click=self.lookup).mark("find")
            self.results = ui.column().classes("w-full gap-1")
        self.work = ui.column().classes("w-full")

    async def refresh_totals(self) -> None:
        self.totals.clear()
        with self.totals:
            ui.label(_("Today's cash")).classes("font-medium")
            data = await frame.call(self.api, CASH_TOTALS)
            if data is None:
                return
            if not data["cashTotals"]:
                frame.empty(_("No cash taken in or paid out today."))
            for t in data["cashTotals"]:
                with ui.row().classes("w-full gap-x-6 gap-y-1 text-sm"):
                    ui.label(f"{_('In')}: {t['depositsCount']} · {fmt.money_of(t['deposits'])}").mark("cash-in")
                    ui.label(f"{_('Out')}: {t['withdrawalsCount']} · {fmt.money_of(t['withdrawals'])}").mark("cash-out")
                    ui.label(f"{_('Net')}: {fmt.money_of(t['net'])}").classes("font-semibold").mark("cash-net")

    async def lookup(self) -> None:
        term = (self.search.value or "").replace(" ", "").strip()
        self.results.clear()
        if not term:
            return
        if term.isdigit() and len(term) == 12:
            await self.choose(term)
            return
        data = await frame.call(self.api, COUNTER_LOOKUP, search=(self.search.value or "").strip())
        if data is None:
            return
        edges = data["members"]["edges"]
        with self.results:
            if not edges:
                frame.empty(_("No member matches."))
            for edge in edges:
                m = edge["node"]
                ui.label(_('{0} · {1} · KYC {2}').format(m['fullName'], m['memberNumber'], m['kycStatus'].lower())).classes("text-sm font-medium")
                for a in m["accounts"]:
                    if a["product"]["kind"] == "LOAN":
                        continue
                    ui.button(f"{a['number']} · {a['product']['name']} · {fmt.money_of(a['balance'])}",
                              on_click=lambda n=a["number"]: self.choose(n)).props("flat dense no-caps align=left").mark(
                        f"pick {a['number']}")

    async def choose(self, number: str) -> None:
        data = await frame.call(self.api, COUNTER_ACCOUNT, number=number)
        self.work.clear()
        self.pending = None
        if data is None:
            return
        account = data["account"]
        with self.work:
            if account is None:
                frame.refusal(_("No such account."))
                return
            if account["product"]["kind"] == "LOAN":
                frame.refusal(_("This is a loan account: cash is never paid out of a loan, and a repayment is taken "
                                "through the loan, not as a cash deposit."))
                return
            self.account = account
            with ui.card().classes("w-full no-print").mark("counter-account"):
                ui.label(f"{account['number']} · {account['product']['name']} · {account['status'].lower()}").classes(
                    "font-medium")
                ui.label(", ".join(f"{h['fullName']} ({h['role'].lower()})" for h in account["holders"])).classes(
                    "text-sm text-slate-600")
                self.balance = ui.label(f"{_('Balance')} {fmt.money_of(account['balance'])} · {_('available')} "
                                        f"{fmt.money_of(account['availableBalance'])}").classes("text-sm").mark("counter-balance")
                self.kind = ui.toggle({"deposit": _("Deposit"), "withdraw": _("Withdrawal")}, value="deposit",
                                      on_change=self.edited).mark("cash-kind")
                self.amount = ui.input(_("Amount"), validation={_("Enter an amount like 500 or 500.50"):
                                                                lambda v: not v or fmt.parse_amount(v) is not None},
                                       on_change=self.edited).props("outlined dense inputmode=decimal").mark("cash-amount")
                self.form60 = ui.checkbox(_("No PAN: the depositor signed a Form 60 declaration"),
                                          on_change=self.edited).mark("cash-form60")
                self.narration = ui.input(_("Narration (optional)"), on_change=self.edited).props(
                    "outlined dense maxlength=100").classes("w-full").mark("cash-narration")
                self.message = ui.label().classes("text-sm").mark("cash-message")
                ui.button(_("Review"), on_click=self.review).mark("cash-review")
            self.confirm_box = ui.column().classes("w-full")

    def edited(self) -> None:
        """Any change to the form withdraws the confirmation: what posts is what was reviewed."""
        self.form60.set_visibility(self.kind.value == "deposit")
        if self.pending is not None:
            self.pending = None
            self.confirm_box.clear()
            self.message.text = _("Changed: review again before confirming.")

    def review(self) -> None:
        amount = fmt.parse_amount(self.amount.value)
        if amount is None:
            self.message.text = _("Enter an amount like 500 or 500.50.")
            return
        self.message.text = ""
        deposit = self.kind.value == "deposit"
        key = f"ui-{uuid.uuid4()}"  # one per attempt: pressing Confirm twice posts once
        inputs = {"accountNumber": self.account["number"], "amount": {"amount": str(amount), "currency": self.account["currency"]},
                  "idempotencyKey": key, "narration": self.narration.value or None}
        if deposit:
            inputs["form60"] = bool(self.form60.value)
        self.pending = pending = {"deposit": deposit, "input": inputs}
        verb = _("Take in") if deposit else _("Pay out")
        self.confirm_box.clear()
        with self.confirm_box, ui.card().classes("w-full no-print").mark("cash-confirm"):
            ui.label(f"{verb} {fmt.money(amount, self.account['currency'])} {_('for')} {self.account['number']}?").classes(
                "font-medium").mark("cash-confirm-text")
            if deposit and inputs["form60"]:
                ui.label(_("With a Form 60 declaration")).classes("text-sm")
            with ui.row():
                button = ui.button(_("Confirm"), icon="check", on_click=lambda: self.post(pending, button)).mark(
                    "cash-confirm-button")
                ui.button(_("Cancel"), on_click=self.cancel).props("flat")

    def cancel(self) -> None:
        self.pending = None
        self.confirm_box.clear()

    async def post(self, pending: dict, button: ui.button) -> None:
        if pending is not self.pending:  # the form changed after this confirmation was drawn
            self.confirm_box.clear()
            return
        button.disable()
        deposit = pending["deposit"]
        try:
            data = await self.api.run(DEPOSIT_CASH if deposit else WITHDRAW_CASH, input=pending["input"])
        except SignedOut:
            frame.leave("expired")
            return
        except ApiError as exc:
            self.message.text = exc.for_person()
            button.enable()
            return
        payload = data["depositCash" if deposit else "withdrawCash"]
        self.pending = None
        self.confirm_box.clear()
        if payload["userErrors"]:
            self.message.text = " ".join(explain(e) for e in payload["userErrors"])
            return
        self.balance.text = f"{_('Balance')} {fmt.money_of(payload['account']['balance'])}"
        with self.confirm_box:
            receipt(payload, pending["input"], deposit)
        await self.refresh_totals()
        await self.drawer.refresh()


def receipt(payload: dict, pending: dict, deposit: bool) -> None:
    entry = payload["entry"]
    with ui.card().classes("w-full max-w-sm").mark("receipt"):
        ui.label(f"{frame.BANK_NAME} · {_('Cash deposit') if deposit else _('Cash withdrawal')} {_('receipt')}").classes(
            "font-semibold")
        with ui.grid(columns=2).classes("gap-x-4 text-sm"):
            for label, value in (
                (_("Reference"), entry["entryId"]), (_("Date"), fmt.moment(entry["postedAt"])),
                (_("Account"), pending["accountNumber"]), (_("Amount"), fmt.money_of(pending["amount"])),
                (_("Balance after"), fmt.money_of(payload["account"]["balance"])),
            ):
                ui.label(label).classes("text-slate-500")
                ui.label(value)
        ui.button(_("Print"), icon="print", on_click=lambda: ui.run_javascript("window.print()")).props("flat").classes(
            "no-print").mark("print")

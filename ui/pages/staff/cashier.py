"""The counter: find a member or account, take or pay out cash, print a receipt, and see
today's cash-drawer totals."""

from __future__ import annotations

import uuid

from fastapi import Request
from fastapi.responses import RedirectResponse
from nicegui import ui

from ui import fmt, frame
from ui.api import Api, ApiError, SignedOut
from ui.pages.staff.common import open_staff_page

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


@ui.page("/staff/cashier")
async def cashier_page(request: Request) -> RedirectResponse | None:
    api = await open_staff_page(request, "Counter", "/staff/cashier")
    if not isinstance(api, Api):
        return api
    ui.add_css(PRINT_CSS)
    with frame.body():
        await Counter(api).draw()
    return None


class Counter:
    def __init__(self, api: Api) -> None:
        self.api = api
        self.account: dict | None = None

    async def draw(self) -> None:
        self.totals = ui.card().classes("w-full no-print").mark("cash-totals")
        await self.refresh_totals()
        with ui.card().classes("w-full no-print"):
            ui.label("Find a member or account").classes("font-medium")
            with ui.row().classes("w-full items-end gap-2"):
                self.search = ui.input("Name, member number, mobile or account number").props("outlined dense").classes(
                    "grow").mark("search")
                self.search.on("keydown.enter", self.lookup)
                ui.button("Find", icon="search", on_click=self.lookup).mark("find")
            self.results = ui.column().classes("w-full gap-1")
        self.work = ui.column().classes("w-full")

    async def refresh_totals(self) -> None:
        self.totals.clear()
        with self.totals:
            ui.label("Today's cash").classes("font-medium")
            data = await frame.call(self.api, CASH_TOTALS)
            if data is None:
                return
            if not data["cashTotals"]:
                frame.empty("No cash taken in or paid out today.")
            for t in data["cashTotals"]:
                with ui.row().classes("w-full gap-6 text-sm"):
                    ui.label(f"In: {t['depositsCount']} · {fmt.money_of(t['deposits'])}").mark("cash-in")
                    ui.label(f"Out: {t['withdrawalsCount']} · {fmt.money_of(t['withdrawals'])}").mark("cash-out")
                    ui.label(f"Net: {fmt.money_of(t['net'])}").classes("font-semibold").mark("cash-net")

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
                frame.empty("No member matches.")
            for edge in edges:
                m = edge["node"]
                ui.label(f"{m['fullName']} · {m['memberNumber']} · KYC {m['kycStatus'].lower()}").classes("text-sm font-medium")
                for a in m["accounts"]:
                    if a["product"]["kind"] == "LOAN":
                        continue
                    ui.button(f"{a['number']} · {a['product']['name']} · {fmt.money_of(a['balance'])}",
                              on_click=lambda n=a["number"]: self.choose(n)).props("flat dense no-caps align=left").mark(
                        f"pick {a['number']}")

    async def choose(self, number: str) -> None:
        data = await frame.call(self.api, COUNTER_ACCOUNT, number=number)
        self.work.clear()
        if data is None:
            return
        account = data["account"]
        with self.work:
            if account is None:
                frame.refusal("No such account.")
                return
            self.account = account
            with ui.card().classes("w-full no-print").mark("counter-account"):
                ui.label(f"{account['number']} · {account['product']['name']} · {account['status'].lower()}").classes(
                    "font-medium")
                ui.label(", ".join(f"{h['fullName']} ({h['role'].lower()})" for h in account["holders"])).classes(
                    "text-sm text-slate-600")
                self.balance = ui.label(f"Balance {fmt.money_of(account['balance'])} · available "
                                        f"{fmt.money_of(account['availableBalance'])}").classes("text-sm").mark("counter-balance")
                self.kind = ui.toggle({"deposit": "Deposit", "withdraw": "Withdrawal"}, value="deposit").mark("cash-kind")
                self.amount = ui.input("Amount", validation={"Enter an amount like 500 or 500.50":
                                                             lambda v: not v or fmt.parse_amount(v) is not None}).props(
                    "outlined dense inputmode=decimal").mark("cash-amount")
                self.narration = ui.input("Narration (optional)").props("outlined dense maxlength=100").classes("w-full")
                self.message = ui.label().classes("text-sm").mark("cash-message")
                ui.button("Review", on_click=self.review).mark("cash-review")
            self.confirm_box = ui.column().classes("w-full")

    def review(self) -> None:
        amount = fmt.parse_amount(self.amount.value)
        if amount is None:
            self.message.text = "Enter an amount like 500 or 500.50."
            return
        self.message.text = ""
        key = f"ui-{uuid.uuid4()}"  # one per attempt: pressing Confirm twice posts once
        pending = {"accountNumber": self.account["number"], "amount": {"amount": str(amount), "currency": self.account["currency"]},
                   "idempotencyKey": key, "narration": self.narration.value or None}
        verb = "Take in" if self.kind.value == "deposit" else "Pay out"
        self.confirm_box.clear()
        with self.confirm_box, ui.card().classes("w-full no-print").mark("cash-confirm"):
            ui.label(f"{verb} {fmt.money(amount, self.account['currency'])} for {self.account['number']}?").classes("font-medium")
            with ui.row():
                button = ui.button("Confirm", icon="check", on_click=lambda: self.post(pending, button)).mark("cash-confirm-button")
                ui.button("Cancel", on_click=self.confirm_box.clear).props("flat")

    async def post(self, pending: dict, button: ui.button) -> None:
        button.disable()
        deposit = self.kind.value == "deposit"
        try:
            data = await self.api.run(DEPOSIT_CASH if deposit else WITHDRAW_CASH, input=pending)
        except SignedOut:
            frame.leave("expired")
            return
        except ApiError as exc:
            self.message.text = exc.for_person()
            button.enable()
            return
        payload = data["depositCash" if deposit else "withdrawCash"]
        self.confirm_box.clear()
        if payload["userErrors"]:
            self.message.text = " ".join(e["message"] for e in payload["userErrors"])
            return
        self.balance.text = f"Balance {fmt.money_of(payload['account']['balance'])}"
        with self.confirm_box:
            receipt(payload, pending, deposit)
        await self.refresh_totals()


def receipt(payload: dict, pending: dict, deposit: bool) -> None:
    entry = payload["entry"]
    with ui.card().classes("w-full max-w-sm").mark("receipt"):
        ui.label(f"{frame.BANK_NAME} · {'Cash deposit' if deposit else 'Cash withdrawal'} receipt").classes("font-semibold")
        with ui.grid(columns=2).classes("gap-x-4 text-sm"):
            for label, value in (
                ("Reference", entry["entryId"]), ("Date", fmt.moment(entry["postedAt"])),
                ("Account", pending["accountNumber"]), ("Amount", fmt.money_of(pending["amount"])),
                ("Balance after", fmt.money_of(payload["account"]["balance"])),
            ):
                ui.label(label).classes("text-slate-500")
                ui.label(value)
        ui.button("Print", icon="print", on_click=lambda: ui.run_javascript("window.print()")).props("flat").classes(
            "no-print").mark("print")

"""Transfer money from one of the member's accounts to their own or another member's.

Two steps: details, then a confirmation card; confirming sends ``transferFunds`` with an
idempotency key made when the confirmation was shown, so a retry of the same attempt
(double click, a timeout) cannot move the money twice, and editing the details makes a
new attempt with a new key.
"""

from __future__ import annotations

import uuid
from decimal import Decimal

from fastapi import Request
from fastapi.responses import RedirectResponse
from nicegui import ui

from ui import fmt, frame
from ui.api import Api, ApiError, SignedOut

TRANSFER_ACCOUNTS = """
query TransferAccounts {
  me { member { accounts { number currency status product { name kind } availableBalance { amount currency } } } }
}"""

TRANSFER_FUNDS = """
mutation TransferFunds($input: TransferFundsInput!) {
  transferFunds(input: $input) {
    replayed
    entry { entryId valueDate }
    account { number balance { amount currency } availableBalance { amount currency } }
    userErrors { field code message }
  }
}"""

# What the person can do about each refusal (the API's message says what went wrong).
WHAT_TO_DO = {
    "INSUFFICIENT_FUNDS": "Enter a smaller amount, at most what is available.",
    "INVALID_ACCOUNT_NUMBER": "Check the receiving account number: it has 12 digits.",
    "NOT_FOUND": "Check the receiving account number with the person you are paying.",
    "SAME_ACCOUNT": "Choose a different receiving account.",
    "ACCOUNT_NOT_ACTIVE": "One of the accounts is not active; contact your branch.",
    "CURRENCY_MISMATCH": "Both accounts must be in the same currency.",
    "INVALID_AMOUNT": "Enter an amount like 1500 or 1500.50.",
    "IDEMPOTENCY_CONFLICT": "Start a new transfer.",
    "RATE_LIMITED": "Wait a minute, then try again.",
}


@ui.page("/member/transfer")
async def transfer_page(request: Request) -> RedirectResponse | None:
    api = await frame.signed_in(request)
    if api is None:
        return frame.to_sign_in()
    if frame.shell(api, "Transfer money", audience=frame.MEMBER, needs=("transferFunds",)):
        with frame.body():
            await TransferForm(api, request.query_params.get("from")).draw()
    return None


def explain(error: dict) -> str:
    hint = WHAT_TO_DO.get(error.get("code", ""))
    return f"{error['message']}. {hint}" if hint else error["message"]


class TransferForm:
    def __init__(self, api: Api, from_number: str | None) -> None:
        self.api = api
        self.preselect = from_number
        self.key: str | None = None

    async def draw(self) -> None:
        data = await frame.call(self.api, TRANSFER_ACCOUNTS)
        if data is None:
            return
        accounts = [a for a in data["me"]["member"]["accounts"]
                    if a["status"] == "ACTIVE" and a["product"]["kind"] != "LOAN"]
        if not accounts:
            frame.empty("You have no active account to pay from.")
            return
        self.accounts = {a["number"]: a for a in accounts}
        options = {a["number"]: f"{a['product']['name']} {a['number']} ({fmt.money_of(a['availableBalance'])} available)"
                   for a in accounts}
        own_targets = {n: f"My {a['product']['name']} {n}" for n, a in self.accounts.items()}
        with ui.card().classes("w-full max-w-xl") as self.form:
            first = self.preselect if self.preselect in options else next(iter(options))
            self.source = ui.select(options, value=first, label="From").props("outlined").classes("w-full").mark("from")
            self.target_kind = ui.toggle({"other": "Another member", "own": "My own account"}, value="other",
                                         on_change=self._target_kind_changed).props("no-caps").mark("target-kind")
            self.target = ui.input("To account number", validation={"12 digits": lambda v: _is_number(v)}).props(
                "outlined inputmode=numeric maxlength=14").classes("w-full").mark("to")
            self.own_target = ui.select(own_targets, label="To").props("outlined").classes("w-full").mark("to-own")
            self.own_target.set_visibility(False)
            self.amount = ui.input("Amount", validation={"Enter an amount like 1500.50": lambda v: fmt.parse_amount(v) is not None}
                                   ).props("outlined inputmode=decimal").classes("w-full").mark("amount")
            self.narration = ui.input("Remark (optional)").props("outlined maxlength=100").classes("w-full").mark("remark")
            ui.button("Review", icon="arrow_forward", on_click=self.review).classes("w-full").mark("review")
            self.form_message = ui.label().classes("text-sm text-red-700").mark("form-message")
        self.confirm_box = ui.column().classes("w-full max-w-xl")

    def _target_kind_changed(self) -> None:
        own = self.target_kind.value == "own"
        self.target.set_visibility(not own)
        self.own_target.set_visibility(own)

    def _to_number(self) -> str:
        if self.target_kind.value == "own":
            return self.own_target.value or ""
        return (self.target.value or "").replace(" ", "")

    def review(self) -> None:
        self.form_message.text = ""
        source = self.accounts[self.source.value]
        to_number = self._to_number()
        amount = fmt.parse_amount(self.amount.value)
        if not _is_number(to_number):
            self.form_message.text = "Enter the receiving account's 12-digit number."
            return
        if to_number == source["number"]:
            self.form_message.text = "The receiving account must differ from the paying one."
            return
        if amount is None:
            self.form_message.text = "Enter an amount like 1500 or 1500.50."
            return
        if amount > Decimal(source["availableBalance"]["amount"]):
            self.form_message.text = (f"You can transfer at most {fmt.money_of(source['availableBalance'])} "
                                      "from this account.")
            return
        self.key = f"ui-{uuid.uuid4()}"  # one key per attempt, made now
        self.pending = {"fromAccountNumber": source["number"], "toAccountNumber": to_number,
                        "amount": {"amount": str(amount), "currency": source["currency"]},
                        "idempotencyKey": self.key, "narration": (self.narration.value or None)}
        self.form.set_visibility(False)
        self.confirm_box.clear()
        with self.confirm_box, ui.card().classes("w-full").mark("confirm-card"):
            ui.label("Please confirm").classes("text-lg font-medium")
            with ui.grid(columns=2).classes("gap-x-4 gap-y-1 text-sm"):
                ui.label("From").classes("text-slate-500")
                ui.label(source["number"])
                ui.label("To").classes("text-slate-500")
                ui.label(to_number).mark("confirm-to")
                ui.label("Amount").classes("text-slate-500")
                ui.label(fmt.money(amount, source["currency"])).classes("font-semibold").mark("confirm-amount")
                if self.pending["narration"]:
                    ui.label("Remark").classes("text-slate-500")
                    ui.label(self.pending["narration"])
            self.result = ui.label().classes("text-sm").mark("result")
            with ui.row().classes("w-full gap-2"):
                self.confirm_button = ui.button("Confirm transfer", icon="check", on_click=self.confirm).mark("confirm")
                ui.button("Change", on_click=self.change).props("flat").mark("change")

    def change(self) -> None:
        self.confirm_box.clear()
        self.form.set_visibility(True)

    async def confirm(self) -> None:
        self.confirm_button.disable()
        try:
            data = await self.api.run(TRANSFER_FUNDS, input=self.pending)
        except SignedOut:
            frame.leave("expired")
            return
        except ApiError as exc:
            self.result.text = exc.for_person() + " You can press Confirm again: it will not pay twice."
            self.result.classes(replace="text-sm text-red-700")
            self.confirm_button.enable()
            return
        payload = data["transferFunds"]
        if payload["userErrors"]:
            self.result.text = " ".join(explain(e) for e in payload["userErrors"])
            self.result.classes(replace="text-sm text-red-700")
            return
        balance = fmt.money_of(payload["account"]["balance"])
        self.result.text = f"Done. Reference {payload['entry']['entryId']}. New balance {balance}."
        self.result.classes(replace="text-sm text-green-800")
        ui.notify("Transfer done", type="positive")
        with self.confirm_box:
            ui.button("New transfer", on_click=lambda: ui.navigate.to("/member/transfer")).props("outline").mark("again")


def _is_number(value: str | None) -> bool:
    digits = (value or "").replace(" ", "")
    return digits.isdigit() and len(digits) == 12

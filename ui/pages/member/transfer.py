"""Transfer money from one of the member's accounts to their own, a saved payee's or another member's.

Three steps: details; the payee check (check digit, existence, the holder's masked name,
``transferPayee``) and a confirmation card; then Done. Confirming sends ``transferFunds``
with an idempotency key made when the confirmation was shown, so a retry of the same
attempt (double click, a timeout) cannot move the money twice. After Done the form starts
fresh: nothing of the finished transfer can be confirmed again. A remark is added to the
narration the receiver sees, never in place of it. Another member's account can be saved
as a payee; a payee saved in the last hours has a lower limit (the bank's settings).
"""

from __future__ import annotations

import uuid
from decimal import Decimal

from fastapi import Request
from fastapi.responses import RedirectResponse
from nicegui import ui

from ui import fmt, frame
from ui.api import Api
from ui.confirm import Confirmation
from ui.i18n import N_, _

TRANSFER_ACCOUNTS = """
query TransferAccounts {
  me { member { accounts { number currency status product { name kind } availableBalance { amount currency } } } }
  payees { id name kind internalAccountNumber }
}"""

TRANSFER_PAYEE = """
query TransferPayee($accountNumber: String!) {
  transferPayee(accountNumber: $accountNumber) {
    payee { accountNumber maskedName ownAccount }
    userErrors { field code message }
  }
}"""

TRANSFER_FUNDS = """
mutation TransferFunds($input: TransferFundsInput!) {
  transferFunds(input: $input) {
    replayed
    entry { entryId valueDate narration }
    account { number balance { amount currency } availableBalance { amount currency } }
    userErrors { field code message }
  }
}"""

SAVE_PAYEE = """
mutation SaveTransferPayee($input: AddPayeeInput!) {
  addPayee(input: $input) { payee { id name } userErrors { field code message } }
}"""

# What the person can do about each refusal (the API's message says what went wrong).
WHAT_TO_DO = {
    "INSUFFICIENT_FUNDS": N_("Enter a smaller amount, at most what is available."),
    "MIN_BALANCE": N_("Enter a smaller amount: the account keeps a minimum balance."),
    "INVALID_ACCOUNT_NUMBER": N_("Check the receiving account number: it has 12 digits."),
    "NOT_FOUND": N_("Check the receiving account number with the person you are paying."),
    "SAME_ACCOUNT": N_("Choose a different receiving account."),
    "ACCOUNT_NOT_ACTIVE": N_("That account cannot take money; check the number with the person you are paying."),
    "CURRENCY_MISMATCH": N_("Both accounts must be in the same currency."),
    "INVALID_AMOUNT": N_("Enter an amount like 1500 or 1500.50."),
    "IDEMPOTENCY_CONFLICT": N_("Start a new transfer."),
    "RATE_LIMITED": N_("Wait a minute, then try again."),
    "TRANSFER_DAILY_LIMIT": N_("Send the rest tomorrow, or ask your branch about your limit."),
    "NEW_PAYEE_LIMIT": N_("Send a smaller amount now and the rest once the payee is no longer new."),
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
    return f"{error['message']}. {_(hint)}" if hint else error["message"]


class TransferForm:
    def __init__(self, api: Api, from_number: str | None) -> None:
        self.api = api
        self.preselect = from_number
        # Any refusal ends this confirmation: the member goes back with Change and reviews again.
        self.confirmation = Confirmation(api, TRANSFER_FUNDS, "transferFunds", say=self._failed, step_up=False,
                                         stale_on=None, explain=explain,
                                         again=_("You can press Confirm again: it will not pay twice."))

    async def draw(self) -> None:
        data = await frame.call(self.api, TRANSFER_ACCOUNTS)
        if data is None:
            return
        accounts = [a for a in data["me"]["member"]["accounts"]
                    if a["status"] == "ACTIVE" and a["product"]["kind"] != "LOAN"]
        if not accounts:
            frame.empty(_("You have no active account to pay from."))
            return
        self.accounts = {a["number"]: a for a in accounts}
        self.payees = {p["internalAccountNumber"]: p["name"] for p in data["payees"] if p["kind"] == "INTERNAL"}
        options = {a["number"]: f"{a['product']['name']} {a['number']} ({fmt.money_of(a['availableBalance'])} {_('available')})"
                   for a in accounts}
        own_targets = {n: f"{_('My')} {a['product']['name']} {n}" for n, a in self.accounts.items()}
        kinds = {"other": _("Another member"), "own": _("My own account")}
        if self.payees:
            kinds = {"payee": _("Saved payee"), **kinds}
        with ui.card().classes("w-full max-w-xl") as self.form:
            first = self.preselect if self.preselect in options else next(iter(options))
            self.source = ui.select(options, value=first, label=_("From")).props("outlined").classes("w-full").mark("from")
            self.target_kind = ui.toggle(kinds, value="other", on_change=self._target_kind_changed).props(
                "no-caps").mark("target-kind")
            self.payee = ui.select({n: f"{name} · {n}" for n, name in self.payees.items()}, label=_("Payee")).props(
                "outlined").classes("w-full").mark("to-payee")
            self.target = ui.input(_("To account number"), validation={_("12 digits"): lambda v: not v or _is_number(v)}).props(
                "outlined inputmode=numeric maxlength=14").classes("w-full").mark("to")
            self.own_target = ui.select(own_targets, label=_("To")).props("outlined").classes("w-full").mark("to-own")
            self.amount = ui.input(_("Amount"), validation={_("Enter an amount like 1500.50"): lambda v: not v or fmt.parse_amount(v) is not None}
                                   ).props("outlined inputmode=decimal").classes("w-full").mark("amount")
            self.narration = ui.input(_("Remark (optional)"), placeholder=_("Added to the narration the receiver sees")).props(
                "outlined maxlength=100").classes("w-full").mark("remark")
            ui.button(_("Review"), icon="arrow_forward", on_click=self.review).classes("w-full").mark("review")
            self.form_message = ui.label().classes("text-sm text-red-700").mark("form-message")
        self._target_kind_changed()
        self.confirm_box = ui.column().classes("w-full max-w-xl")

    def _target_kind_changed(self) -> None:
        kind = self.target_kind.value
        self.target.set_visibility(kind == "other")
        self.own_target.set_visibility(kind == "own")
        self.payee.set_visibility(kind == "payee")

    def _to_number(self) -> str:
        kind = self.target_kind.value
        if kind == "own":
            return self.own_target.value or ""
        if kind == "payee":
            return self.payee.value or ""
        return (self.target.value or "").replace(" ", "")

    async def review(self) -> None:
        self.form_message.text = ""
        source = self.accounts[self.source.value]
        to_number = self._to_number()
        amount = fmt.parse_amount(self.amount.value)
        if not _is_number(to_number):
            self.form_message.text = _("Enter the receiving account's 12-digit number.")
            return
        if to_number == source["number"]:
            self.form_message.text = _("The receiving account must differ from the paying one.")
            return
        if amount is None:
            self.form_message.text = _("Enter an amount like 1500 or 1500.50.")
            return
        if amount > Decimal(source["availableBalance"]["amount"]):
            self.form_message.text = (f"{_('You can transfer at most')} {fmt.money_of(source['availableBalance'])} "
                                      f"{_('from this account.')}")
            return
        # the payee check: check digit, existence and status, and whose account it is (masked)
        data = await frame.call(self.api, TRANSFER_PAYEE, accountNumber=to_number,
                                on_error=lambda text: setattr(self.form_message, "text", text))
        if data is None:
            return
        check = data["transferPayee"]
        if check["userErrors"]:
            self.form_message.text = " ".join(explain(e) for e in check["userErrors"])
            return
        payee = check["payee"]
        self.masked_name = payee["maskedName"]
        pending = {
            "fromAccountNumber": source["number"], "toAccountNumber": payee["accountNumber"],
            "amount": {"amount": str(amount), "currency": source["currency"]},
            "idempotencyKey": f"ui-{uuid.uuid4()}",  # one key per attempt, made now
            "narration": (self.narration.value or "").strip() or None,
        }
        self.confirmation.review(pending)
        self.form.set_visibility(False)
        self.confirm_box.clear()
        with self.confirm_box, ui.card().classes("w-full").mark("confirm-card"):
            ui.label(_("Please confirm")).classes("text-lg font-medium")
            with ui.grid(columns=2).classes("gap-x-4 gap-y-1 text-sm w-full").style("grid-template-columns: auto 1fr"):
                ui.label(_("From")).classes("text-slate-500")
                ui.label(source["number"])
                ui.label(_("To")).classes("text-slate-500")
                with ui.column().classes("gap-0"):
                    ui.label(payee["accountNumber"]).mark("confirm-to")
                    who = _("your own account") if payee["ownAccount"] else payee["maskedName"]
                    ui.label(who).classes("font-medium").mark("confirm-payee-name")
                ui.label(_("Amount")).classes("text-slate-500")
                ui.label(fmt.money(amount, source["currency"])).classes("font-semibold").mark("confirm-amount")
                ui.label(_("Narration")).classes("text-slate-500")
                narration = f"Transfer {source['number']} to {payee['accountNumber']}"
                if pending["narration"]:
                    narration += f": {pending['narration']}"
                ui.label(narration).classes("break-all").mark("confirm-narration")
            self.save = None
            if not payee["ownAccount"] and payee["accountNumber"] not in self.payees:
                self.save = ui.checkbox(_("Save as a payee")).mark("save-payee")
                self.save_name = ui.input(_("Payee's name, as you know them")).props("outlined dense maxlength=100").classes(
                    "w-full").mark("save-payee-name").bind_visibility_from(self.save, "value")
            self.result = ui.label().classes("text-sm").mark("result")
            with ui.row().classes("w-full gap-2") as self.actions:
                self.confirmation.button = ui.button(_("Confirm transfer"), icon="check",
                                                     on_click=lambda: self.confirm(pending)).mark("confirm")
                ui.button(_("Change"), on_click=self.change).props("flat").mark("change")

    def change(self) -> None:
        self.confirmation.forget()
        self.confirm_box.clear()
        self.form.set_visibility(True)

    def start_fresh(self) -> None:
        """A new transfer: an empty form, nothing of the last one left to confirm."""
        self.confirmation.forget()
        self.confirm_box.clear()
        for element in (self.target, self.amount, self.narration):
            element.value = ""
        self.own_target.value = None
        self.payee.value = None
        self.form_message.text = ""
        self.form.set_visibility(True)

    def _failed(self, text: str) -> None:
        self.result.text = text
        self.result.classes(replace="text-sm text-red-700")

    async def confirm(self, pending: dict) -> None:
        if pending is not self.confirmation.reviewed:  # this confirmation is no longer the one on screen
            return
        payload = await self.confirmation.confirm()
        if payload is None:
            return
        # Done: this attempt can never be confirmed or changed-and-confirmed again
        self.actions.clear()
        balance = fmt.money_of(payload["account"]["balance"])
        self.result.text = f"{_('Done. Reference')} {payload['entry']['entryId']}. {_('New balance')} {balance}."
        self.result.classes(replace="text-sm text-green-800")
        self.accounts[pending["fromAccountNumber"]]["availableBalance"] = payload["account"]["availableBalance"]
        ui.notify(_("Transfer done"), type="positive")
        if self.save is not None and self.save.value:
            await self.save_payee(pending["toAccountNumber"], (self.save_name.value or "").strip() or self.masked_name)
        with self.actions:
            ui.button(_("New transfer"), icon="add", on_click=self.start_fresh).props("outline").mark("again")

    async def save_payee(self, number: str, name: str) -> None:
        data = await frame.call(self.api, SAVE_PAYEE, input={"name": name, "accountNumber": number})
        if data is None:
            return
        errors = data["addPayee"]["userErrors"]
        if errors:
            ui.notify(_("The payee was not saved") + ": " + " ".join(e["message"] for e in errors), type="warning")
            return
        self.payees[number] = data["addPayee"]["payee"]["name"]
        ui.notify(_("Payee saved"), type="positive")


def _is_number(value: str | None) -> bool:
    digits = (value or "").replace(" ", "")
    return digits.isdigit() and len(digits) == 12

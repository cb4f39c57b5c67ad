"""Send money to another bank (NEFT or IMPS to IFSC + account) or to a UPI address.

Payees are saved first (with a one-time code); a payment is reviewed, then confirmed
with an idempotency key made at review, so a double click or a retry sends it once. A
payment above the step-up amount asks for a one-time code. The money is held at once and
the list shows each payment's status as the gateway reports it, live.
"""

from __future__ import annotations

import uuid
from decimal import Decimal

from fastapi import Request
from fastapi.responses import RedirectResponse
from nicegui import background_tasks, ui

from ui import fmt, frame
from ui.api import Api, ApiError, SignedOut
from ui.confirm import Confirmation, ask_code
from ui.i18n import N_, _

SEND_MONEY = """
query SendMoney {
  me { member { accounts { number currency status product { name kind } availableBalance { amount currency } } } }
  payees { id name kind ifsc accountNumberMasked vpa }
}"""

RECENT_PAYOUTS = """
query RecentPayouts($accountNumber: String!) {
  payouts(accountNumber: $accountNumber, first: 10) {
    id status mode amount { amount currency } utr failureReason createdAt payee { name }
  }
}"""

ADD_PAYEE = """
mutation AddPayee($input: AddPayeeInput!) {
  addPayee(input: $input) { payee { id name } userErrors { field code message } }
}"""

CREATE_PAYOUT = """
mutation CreatePayout($input: CreatePayoutInput!) {
  createPayout(input: $input) { replayed payout { id status utr failureReason } userErrors { field code message } }
}"""

PAYMENT_UPDATES = """
subscription SendMoneyUpdates($accountNumber: String!) { paymentUpdates(accountNumber: $accountNumber) { kind id status } }"""

STATUS_TEXT = {"HELD": N_("Held, sending"), "PROCESSING": N_("Processing"), "PROCESSED": N_("Sent"),
               "FAILED": N_("Failed, money released"), "REVERSED": N_("Returned to you"), "REVIEW": N_("Being checked")}
COLUMNS = [
    {"name": "payee", "label": N_("To"), "field": "payee", "align": "left", "classes": "whitespace-normal"},
    {"name": "amount", "label": N_("Amount"), "field": "amount", "align": "right", "classes": "whitespace-nowrap"},
    {"name": "status", "label": N_("Status"), "field": "status", "align": "left", "classes": "whitespace-normal text-xs"},
]


@ui.page("/member/send")
async def send_money_page(request: Request) -> RedirectResponse | None:
    api = await frame.signed_in(request)
    if api is None:
        return frame.to_sign_in()
    if frame.shell(api, "Send to another bank", audience=frame.MEMBER, needs=("createPayout", "addPayee")):
        with frame.body():
            await SendMoney(api).draw()
    return None


class SendMoney:
    def __init__(self, api: Api) -> None:
        self.api = api
        self.confirmation = Confirmation(api, CREATE_PAYOUT, "createPayout", say=self._failed,
                                         again=_("You can press Send again: it will not pay twice."))

    async def draw(self) -> None:
        data = await frame.call(self.api, SEND_MONEY)
        if data is None:
            return
        self.accounts = {a["number"]: a for a in data["me"]["member"]["accounts"]
                         if a["status"] == "ACTIVE" and a["product"]["kind"] != "LOAN"}
        self.payees = {p["id"]: p for p in data["payees"] if p["kind"] != "INTERNAL"}  # INTERNAL: /member/transfer
        if not self.accounts:
            frame.empty(_("You have no active account to pay from."))
            return
        with ui.card().classes("w-full max-w-xl") as self.form:
            options = {n: f"{a['product']['name']} {n} ({fmt.money_of(a['availableBalance'])} {_('available')})"
                       for n, a in self.accounts.items()}
            self.source = ui.select(options, value=next(iter(options)), label=_("From"),
                                    on_change=self._load_payouts).props("outlined").classes("w-full").mark("from")
            self.payee = ui.select({}, label=_("To"), on_change=self._payee_changed).props("outlined").classes("w-full").mark("payee")
            self.no_payees = ui.label(_("No saved payees yet: add one with New payee.")).classes("text-sm text-slate-500")
            self.mode = ui.toggle({"NEFT": "NEFT", "IMPS": "IMPS"}, value="IMPS").props("no-caps").mark("mode")
            self.amount = ui.input(_("Amount"), validation={_("Enter an amount like 1500.50"): lambda v: fmt.parse_amount(v) is not None}
                                   ).props("outlined inputmode=decimal").classes("w-full").mark("amount")
            self.remark = ui.input(_("Remark (optional)")).props("outlined maxlength=30").classes("w-full").mark("remark")
            with ui.row().classes("w-full gap-2"):
                ui.button(_("Review"), icon="arrow_forward", on_click=self.review).classes("grow").mark("review")
                ui.button(_("New payee"), icon="person_add", on_click=self.new_payee).props("outline").mark("new-payee")
            self.message = ui.label().classes("text-sm text-red-700").mark("form-message")
        self.confirm_box = ui.column().classes("w-full max-w-xl")
        self.payee_box = ui.column().classes("w-full max-w-xl")
        ui.label(_("Recent payments")).classes("text-lg font-medium mt-2")
        self.recent = ui.column().classes("w-full")
        self._refresh_payees()
        await self._load_payouts()
        self._follow()

    def _refresh_payees(self) -> None:
        self.payee.options = {pid: (f"{p['name']} · {p['vpa']}" if p["kind"] == "VPA"
                                    else f"{p['name']} · {p['ifsc']} {p['accountNumberMasked']}") for pid, p in self.payees.items()}
        if self.payee.value not in self.payee.options:
            self.payee.value = next(iter(self.payee.options), None)
        self.payee.update()
        self.no_payees.set_visibility(not self.payees)
        self._payee_changed()

    def _payee_changed(self) -> None:
        payee = self.payees.get(self.payee.value or "")
        if payee is not None and payee["kind"] == "VPA":
            self.mode.options, self.mode.value = {"UPI": "UPI"}, "UPI"
        else:
            self.mode.options = {"NEFT": "NEFT", "IMPS": "IMPS"}
            if self.mode.value not in self.mode.options:
                self.mode.value = "IMPS"
        self.mode.update()

    def new_payee(self) -> None:
        self.payee_box.clear()
        with self.payee_box, ui.card().classes("w-full").mark("payee-card"):
            ui.label(_("New payee")).classes("text-lg font-medium")
            kind = ui.toggle({"bank": _("Bank account"), "upi": _("UPI address")}, value="bank").props("no-caps").mark("payee-kind")
            name = ui.input(_("Name")).props("outlined maxlength=100").classes("w-full").mark("payee-name")
            ifsc = ui.input(_("IFSC"), validation={_("11 characters, like SBIN0001234"): lambda v: not v or len(v.strip()) == 11}
                            ).props("outlined maxlength=11").classes("w-full").mark("payee-ifsc")
            number = ui.input(_("Account number")).props("outlined inputmode=numeric maxlength=18").classes("w-full").mark("payee-number")
            vpa = ui.input(_("UPI address")).props("outlined").classes("w-full").mark("payee-vpa")
            vpa.set_visibility(False)

            def switch() -> None:
                upi = kind.value == "upi"
                ifsc.set_visibility(not upi)
                number.set_visibility(not upi)
                vpa.set_visibility(upi)

            kind.on_value_change(switch)
            message = ui.label().classes("text-sm text-red-700").mark("payee-message")

            async def save() -> None:
                message.text = ""
                entered = await ask_code(self.api)
                if entered is None:
                    return
                fields = {"name": name.value or "", "stepUp": {"challengeToken": entered[0], "code": entered[1]}}
                if kind.value == "upi":
                    fields["vpa"] = vpa.value or ""
                else:
                    fields.update(ifsc=(ifsc.value or "").upper(), bankAccountNumber=number.value or "")
                data = await frame.call(self.api, ADD_PAYEE, on_error=lambda t: setattr(message, "text", t), input=fields)
                payload = (data or {}).get("addPayee")
                if payload is None:
                    return
                if payload["userErrors"]:
                    message.text = " ".join(e["message"] for e in payload["userErrors"])
                    return
                fresh = await frame.call(self.api, SEND_MONEY)
                if fresh:
                    self.payees = {p["id"]: p for p in fresh["payees"] if p["kind"] != "INTERNAL"}
                    self.payee.value = payload["payee"]["id"]
                    self._refresh_payees()
                self.payee_box.clear()
                ui.notify(_("Payee saved"), type="positive")

            with ui.row().classes("w-full gap-2"):
                ui.button(_("Save payee"), icon="check", on_click=save).mark("save-payee")
                ui.button(_("Cancel"), on_click=self.payee_box.clear).props("flat")

    def review(self) -> None:
        self.message.text = ""
        source = self.accounts[self.source.value]
        payee = self.payees.get(self.payee.value or "")
        amount = fmt.parse_amount(self.amount.value)
        if payee is None:
            self.message.text = _("Choose a payee, or add a new one.")
            return
        if amount is None or amount <= 0:
            self.message.text = _("Enter an amount like 1500 or 1500.50.")
            return
        if amount > Decimal(source["availableBalance"]["amount"]):
            self.message.text = _("You can send at most {amount} from this account.").format(
                amount=fmt.money_of(source["availableBalance"]))
            return
        self.confirmation.review({"accountNumber": source["number"], "payeeId": payee["id"], "mode": self.mode.value,
                                  "amount": {"amount": str(amount), "currency": source["currency"]},
                                  "idempotencyKey": f"ui-{uuid.uuid4()}", "narration": self.remark.value or None})
        self.form.set_visibility(False)
        self.confirm_box.clear()
        with self.confirm_box, ui.card().classes("w-full").mark("confirm-card"):
            ui.label(_("Please confirm")).classes("text-lg font-medium")
            with ui.grid(columns=2).classes("gap-x-4 gap-y-1 text-sm"):
                for label, value in ((_("From"), source["number"]), (_("To"), self.payee.options[payee["id"]]),
                                     (_("By"), self.mode.value), (_("Amount"), fmt.money(amount, source["currency"]))):
                    ui.label(label).classes("text-slate-500")
                    ui.label(value).classes("font-semibold" if label == _("Amount") else "")
            self.result = ui.label().classes("text-sm").mark("result")
            with ui.row().classes("w-full gap-2"):
                self.confirmation.button = ui.button(_("Send money"), icon="send", on_click=self.confirm).mark("confirm")
                ui.button(_("Change"), on_click=self.change).props("flat").mark("change")

    def change(self) -> None:
        self.confirm_box.clear()
        self.form.set_visibility(True)

    def _failed(self, text: str) -> None:
        self.result.text = text
        self.result.classes(replace="text-sm text-red-700")

    async def confirm(self) -> None:
        payload = await self.confirmation.confirm()
        if payload is None:
            return
        status = payload["payout"]["status"]
        self.result.text = _("Sent to the bank: {status}. Reference {ref}.").format(
            status=_(STATUS_TEXT.get(status, status)), ref=payload["payout"]["id"])
        self.result.classes(replace="text-sm text-green-800")
        with self.confirm_box:
            ui.button(_("New payment"), on_click=lambda: ui.navigate.to("/member/send")).props("outline").mark("again")
        await self._load_payouts()

    async def _load_payouts(self) -> None:
        data = await frame.call(self.api, RECENT_PAYOUTS, accountNumber=self.source.value)
        self.recent.clear()
        rows = (data or {}).get("payouts") or []
        with self.recent:
            if not rows:
                frame.empty(_("No payments to other banks yet."))
                return
            columns = [dict(c, label=_(c["label"])) for c in COLUMNS]
            ui.table(columns=columns, row_key="id", rows=[{
                "id": p["id"], "payee": f"{p['payee']['name']} · {p['mode']} · {fmt.moment(p['createdAt'])}",
                "amount": fmt.money_of(p["amount"]),
                "status": _(STATUS_TEXT.get(p["status"], p["status"])) + (f" · UTR {p['utr']}" if p["utr"] else "")
                + (f" · {p['failureReason']}" if p["failureReason"] and p["status"] == "FAILED" else ""),
            } for p in rows]).classes("w-full").props("flat dense wrap-cells").mark("payouts")

    def _follow(self) -> None:
        client = ui.context.client

        async def listen() -> None:
            try:
                async for data in self.api.subscribe(PAYMENT_UPDATES, accountNumber=self.source.value):
                    if data["paymentUpdates"]["kind"] in ("payout", "hold"):
                        with client:
                            await self._load_payouts()
            except (SignedOut, ApiError):
                return

        task = background_tasks.create(listen(), name="send money updates")
        client.on_delete(task.cancel)

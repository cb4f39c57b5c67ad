"""Add money from another bank, or pay an EMI from one, through the payment gateway.

The member picks the account and amount; ``createPaymentOrder`` opens the gateway order
(idempotent per attempt) and the browser goes to the checkout (the simulator's hosted
page, or Razorpay's checkout). The checkout posts back to ``/member/payment-callback``,
which bounces to ``/member/payment-return`` (a GET on our own site, cookie included);
the page then shows the order as pending until the gateway's confirmation credits it,
live (``paymentUpdates``), and never credits anything itself.
"""

from __future__ import annotations

import uuid
from decimal import Decimal
from urllib.parse import quote, urlencode

from fastapi import Request
from fastapi.responses import RedirectResponse
from nicegui import app, background_tasks, ui

from ui import fmt, frame
from ui.api import Api, ApiError, SignedOut
from ui.i18n import N_, _

ADD_MONEY_ACCOUNTS = """
query AddMoneyAccounts {
  me { member { accounts { number currency status product { name kind } balance { amount currency } } } }
  paymentGateway { kind keyId checkoutBaseUrl }
}"""

CREATE_PAYMENT_ORDER = """
mutation CreatePaymentOrder($input: CreatePaymentOrderInput!) {
  createPaymentOrder(input: $input) { gatewayOrderId replayed order { id status } userErrors { field code message } }
}"""

CONFIRM_PAYMENT_CHECKOUT = """
mutation ConfirmPaymentCheckout($input: ConfirmPaymentCheckoutInput!) {
  confirmPaymentCheckout(input: $input) { order { id } userErrors { code message } }
}"""

PAYMENT_ORDER = """
query PaymentOrderStatus($id: ID!) {
  paymentOrder(id: $id) {
    id status purpose amount { amount currency } accountNumber creditedAccountNumber paymentId failureReason
  }
}"""

PAYMENT_UPDATES = """
subscription PaymentUpdates($accountNumber: String!) { paymentUpdates(accountNumber: $accountNumber) { kind id status } }"""

WHAT_TO_DO = {
    "INVALID_AMOUNT": N_("Enter an amount like 500 or 1250.50."),
    "WRONG_PURPOSE": N_("Choose a savings account to add money, or a loan account to pay an EMI."),
    "ACCOUNT_NOT_ACTIVE": N_("This account is not active; contact your branch."),
    "GATEWAY_UNAVAILABLE": N_("The payment service did not answer. Press Continue again: you will not pay twice."),
}


@ui.page("/member/add-money")
async def add_money_page(request: Request) -> RedirectResponse | None:
    api = await frame.signed_in(request)
    if api is None:
        return frame.to_sign_in()
    if frame.shell(api, "Add money", audience=frame.MEMBER, needs=("createPaymentOrder",)):
        with frame.body():
            order_id = request.query_params.get("order")
            if order_id:
                await OrderStatus(api, order_id).draw()
            else:
                await AddMoneyForm(api, str(request.base_url).rstrip("/"), request.query_params.get("purpose")).draw()
    return None


@app.post("/member/payment-callback")
async def payment_return_post(request: Request) -> RedirectResponse:
    """The checkout posts its result here (Razorpay's redirect mode); bounce to a GET on our own site
    so the session cookie (SameSite) comes along."""
    form = await request.form()
    fields = {k: str(form.get(k) or "") for k in ("razorpay_order_id", "razorpay_payment_id", "razorpay_signature")}
    if not fields["razorpay_order_id"]:
        fields["razorpay_order_id"] = str(form.get("error[metadata][order_id]") or "")
        fields["failed"] = "1"
    return RedirectResponse(f"/member/payment-return?{urlencode(fields)}", status_code=303)


@ui.page("/member/payment-return")
async def payment_return_page(request: Request) -> RedirectResponse | None:
    api = await frame.signed_in(request)
    if api is None:
        return frame.to_sign_in()
    q = request.query_params
    order = None
    if frame.shell(api, "Add money", audience=frame.MEMBER, needs=("confirmPaymentCheckout",)):
        with frame.body():
            if q.get("razorpay_payment_id") and q.get("razorpay_signature"):
                data = await frame.call(api, CONFIRM_PAYMENT_CHECKOUT, input={
                    "gatewayOrderId": q.get("razorpay_order_id", ""), "paymentId": q["razorpay_payment_id"],
                    "signature": q["razorpay_signature"]})
                payload = (data or {}).get("confirmPaymentCheckout") or {}
                for error in payload.get("userErrors") or []:
                    frame.error(error["message"])
                order = (payload.get("order") or {}).get("id")
            elif q.get("failed"):
                frame.error(_("The payment did not go through. No money was taken; you can try again."))
            if order:
                await OrderStatus(api, order).draw()
            else:
                ui.button(_("Try again"), on_click=lambda: ui.navigate.to("/member/add-money")).props("outline")
    return None


def explain(error: dict) -> str:
    hint = WHAT_TO_DO.get(error.get("code", ""))
    return f"{error['message']}. {_(hint)}" if hint else error["message"]


class AddMoneyForm:
    def __init__(self, api: Api, origin: str, purpose: str | None) -> None:
        self.api = api
        self.origin = origin
        self.purpose = "LOAN_REPAYMENT" if purpose == "emi" else "TOP_UP"
        self.key: str | None = None

    async def draw(self) -> None:
        data = await frame.call(self.api, ADD_MONEY_ACCOUNTS)
        if data is None:
            return
        self.gateway = data["paymentGateway"]
        accounts = [a for a in data["me"]["member"]["accounts"] if a["status"] == "ACTIVE"]
        self.deposits = {a["number"]: a for a in accounts if a["product"]["kind"] != "LOAN"}
        self.loans = {a["number"]: a for a in accounts if a["product"]["kind"] == "LOAN"}
        if not self.deposits and not self.loans:
            frame.empty(_("You have no active account to pay into."))
            return
        with ui.card().classes("w-full max-w-xl") as self.form:
            ui.label(_("Pay from any bank or UPI app; the money reaches your account as soon as the bank confirms it.")
                     ).classes("text-sm text-slate-600")
            choices = {"TOP_UP": _("Add to savings")}
            if self.loans:
                choices["LOAN_REPAYMENT"] = _("Pay an EMI")
            self.kind = ui.toggle(choices, value=self.purpose if self.purpose in choices else "TOP_UP",
                                  on_change=self._kind_changed).props("no-caps").mark("purpose")
            self.kind.set_visibility(len(choices) > 1)  # one choice is no choice
            self.account = ui.select({}, label=_("Account")).props("outlined").classes("w-full").mark("account")
            self.amount = ui.input(_("Amount"), validation={_("Enter an amount like 1500.50"): lambda v: fmt.parse_amount(v) is not None}
                                   ).props("outlined inputmode=decimal").classes("w-full").mark("amount")
            ui.button(_("Continue to payment"), icon="arrow_forward", on_click=self.pay).classes("w-full").mark("pay")
            self.message = ui.label().classes("text-sm text-red-700").mark("form-message")
        self._kind_changed()

    def _kind_changed(self) -> None:
        source = self.loans if self.kind.value == "LOAN_REPAYMENT" else self.deposits
        self.account.options = {n: f"{a['product']['name']} {n}" for n, a in source.items()}
        self.account.value = next(iter(source), None)
        self.account.update()
        self.key = None

    async def pay(self) -> None:
        self.message.text = ""
        amount = fmt.parse_amount(self.amount.value)
        if not self.account.value:
            self.message.text = _("Choose an account.")
            return
        if amount is None or amount <= Decimal(0):
            self.message.text = _("Enter an amount like 1500 or 1500.50.")
            return
        account = (self.loans | self.deposits)[self.account.value]
        attempt = (self.account.value, str(amount), self.kind.value)
        if self.key is None or getattr(self, "_attempt", None) != attempt:
            self.key, self._attempt = f"ui-{uuid.uuid4()}", attempt  # one key per attempt: a retry pays once
        data = await frame.call(self.api, CREATE_PAYMENT_ORDER, on_error=lambda t: setattr(self.message, "text", t), input={
            "accountNumber": self.account.value, "amount": {"amount": str(amount), "currency": account["currency"]},
            "purpose": self.kind.value, "idempotencyKey": self.key})
        if data is None:
            return
        payload = data["createPaymentOrder"]
        if payload["userErrors"]:
            self.message.text = " ".join(explain(e) for e in payload["userErrors"])
            return
        ui.navigate.to(self._checkout_url(payload["gatewayOrderId"]))

    def _checkout_url(self, gateway_order_id: str) -> str:
        callback = f"{self.origin}/member/payment-callback"
        if self.gateway["kind"] == "sim" and self.gateway["checkoutBaseUrl"]:
            return f"{self.gateway['checkoutBaseUrl']}/checkout/{quote(gateway_order_id)}?callback_url={quote(callback, safe='')}"
        return f"/member/pay/{quote(gateway_order_id)}"


class OrderStatus:
    """One order, pending until the gateway confirms it; updated live."""

    def __init__(self, api: Api, order_id: str) -> None:
        self.api = api
        self.order_id = order_id

    async def draw(self) -> None:
        data = await frame.call(self.api, PAYMENT_ORDER, id=self.order_id)
        order = (data or {}).get("paymentOrder")
        if order is None:
            frame.error(_("No such payment."))
            return
        with ui.card().classes("w-full max-w-xl").mark("order-card"):
            ui.label(_("Payment of {amount}").format(amount=fmt.money_of(order["amount"]))).classes("text-lg font-medium")
            ui.label(_("To account {number}").format(number=order["creditedAccountNumber"])).classes("text-sm text-slate-600")
            with ui.row().classes("items-center gap-2"):
                self.spinner = ui.spinner(size="sm")
                self.status = ui.label().classes("font-medium").mark("order-status")
            self.detail = ui.label().classes("text-sm text-slate-600")
            with ui.row().classes("gap-2"):
                ui.button(_("View account"), on_click=lambda: ui.navigate.to(
                    f"/member/accounts/{order['creditedAccountNumber']}")).props("outline dense")
                ui.button(_("Add more"), on_click=lambda: ui.navigate.to("/member/add-money")).props("flat dense")
        self._show(order)
        if order["status"] != "PAID":
            self._follow(order["creditedAccountNumber"])
            self.timer = ui.timer(3.0, self.refresh)  # in case an update was missed

    def _show(self, order: dict) -> None:
        status = order["status"]
        if status == "PAID":
            self.status.text = _("Paid: the money is in your account")
            self.status.classes(replace="font-medium text-green-800")
            self.detail.text = _("Gateway reference {ref}").format(ref=order["paymentId"])
            self.spinner.set_visibility(False)
            if getattr(self, "timer", None):
                self.timer.deactivate()
        elif status == "FAILED":
            self.status.text = _("The payment failed")
            self.status.classes(replace="font-medium text-red-700")
            self.detail.text = order["failureReason"] or ""
            self.spinner.set_visibility(False)
        else:
            self.status.text = _("Pending: waiting for the bank's confirmation")
            self.detail.text = _("This usually takes a few seconds. You may leave this page; the money will still arrive.")

    async def refresh(self) -> None:
        try:
            data = await self.api.run(PAYMENT_ORDER, id=self.order_id)
        except (SignedOut, ApiError):
            return
        if data.get("paymentOrder"):
            self._show(data["paymentOrder"])

    def _follow(self, account_number: str) -> None:
        client = ui.context.client

        async def listen() -> None:
            try:
                async for data in self.api.subscribe(PAYMENT_UPDATES, accountNumber=account_number):
                    update = data["paymentUpdates"]
                    if update["kind"] == "order" and update["id"] == str(self.order_id):
                        with client:
                            await self.refresh()
            except (SignedOut, ApiError):
                return

        task = background_tasks.create(listen(), name=f"payment order {self.order_id}")
        client.on_delete(task.cancel)


@ui.page("/member/pay/{gateway_order_id}")
async def razorpay_checkout_page(request: Request, gateway_order_id: str) -> RedirectResponse | None:
    """Razorpay's standard checkout (checkout.js), for COOPBANK_GATEWAY=razorpay."""
    api = await frame.signed_in(request)
    if api is None:
        return frame.to_sign_in()
    if frame.shell(api, "Add money", audience=frame.MEMBER, needs=("createPaymentOrder",)):
        data = await frame.call(api, "query CheckoutKey { paymentGateway { keyId } }")
        if data is None:
            return None
        callback = f"{str(request.base_url).rstrip('/')}/member/payment-callback"
        options = {"key": data["paymentGateway"]["keyId"], "order_id": gateway_order_id[:40], "name": "coopbank",
                   "callback_url": callback, "redirect": True}
        import json

        ui.add_body_html('<script src="https://checkout.razorpay.com/v1/checkout.js"></script>')
        with frame.body():
            ui.label(_("Opening the secure payment window…"))
            ui.button(_("Pay now"), on_click=lambda: ui.run_javascript(
                f"new Razorpay({json.dumps(options)}).open()")).mark("open-checkout")
    return None

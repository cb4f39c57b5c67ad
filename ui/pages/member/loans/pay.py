"""Pay EMI from savings: Review freezes the amount, the account and an idempotency key; Confirm
sends exactly what was reviewed (``repayLoan``); a change after Review asks for a new review."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from decimal import Decimal

from nicegui import ui

from ui import fmt
from ui.api import Api
from ui.confirm import Confirmation
from ui.i18n import _
from ui.pages.member.loans.documents import REPAY_LOAN


def remaining(row: dict) -> Decimal:
    """What is still to pay of a schedule row: instalment plus charges less what was paid."""
    return Decimal(row["instalment"]["amount"]) + Decimal(row["charges"]["amount"]) - Decimal(row["paid"]["amount"])


def amount_to_pay(schedule: list[dict]) -> tuple[Decimal, dict | None]:
    """The EMI to pay now: every overdue or due row's remainder; else the next upcoming row's. With that row."""
    owing = [r for r in schedule if r["state"] in ("OVERDUE", "DUE")]
    if owing:
        return sum((remaining(r) for r in owing), Decimal(0)), owing[0]
    upcoming = next((r for r in schedule if r["state"] == "UPCOMING"), None)
    return (remaining(upcoming), upcoming) if upcoming else (Decimal(0), None)


def pay_from(savings: dict[str, dict], on_change: Callable[[], None], mark: str) -> ui.select:
    """The savings account to pay from: number and available balance (with the product's name too,
    the balance was cut off on a 360 px phone)."""
    return ui.select({n: f"{n} · {fmt.money_of(a['availableBalance'])}" for n, a in savings.items()},
                     value=next(iter(savings)), label=_("Pay from"), on_change=on_change).props(
        "outlined dense").classes("w-full sm:w-72").mark(mark)


class PayEmi:
    """Pay EMI from savings: amount and account, Review, then Confirm exactly what was reviewed."""

    def __init__(self, api: Api, loan: dict, savings: dict[str, dict], due: Decimal) -> None:
        self.api, self.loan, self.savings = api, loan, savings
        # Any refusal ends this review: the member reviews again with what the message says.
        self.confirmation = Confirmation(api, REPAY_LOAN, "repayLoan", say=self._message, step_up=False, stale_on=None,
                                         again=_("You can confirm again: it will not pay twice."))
        with ui.column().classes("w-full gap-1 border-t pt-2").mark("pay-emi"):
            with ui.row().classes("w-full items-start gap-2"):
                self.source = pay_from(savings, self.changed, "pay-from")
                self.amount = ui.input(_("Amount"), value=f"{due:.2f}", on_change=self.changed).props(
                    "outlined dense inputmode=decimal").classes("w-full sm:w-40").mark("pay-amount")
                ui.button(_("Pay EMI"), icon="payments", on_click=self.review).mark("pay-review")
            self.box = ui.column().classes("w-full gap-1")

    def changed(self) -> None:
        self.confirmation.form_changed(self.box, "pay-changed")

    def review(self) -> None:
        self.box.clear()
        self.confirmation.forget()
        amount = fmt.parse_amount(self.amount.value)
        with self.box:
            if amount is None or amount <= 0:
                self._message(_("Enter the amount to pay."))
                return
            currency = self.loan["principal"]["currency"]
            self.confirmation.review({"loanNumber": self.loan["loanNumber"], "fromAccountNumber": self.source.value,
                                      "amount": {"amount": str(amount), "currency": currency},
                                      "idempotencyKey": f"emi-{uuid.uuid4()}"})
            with ui.card().classes("w-full bg-slate-50").mark("pay-review-card"):
                ui.label(_("Pay {amount} to loan {loan} from {account}?").format(
                    amount=fmt.money(amount, currency), loan=self.loan["loanNumber"], account=self.source.value)
                ).classes("font-medium").mark("pay-summary")
                ui.label(_("It goes to penal charges first, then interest, then principal, oldest instalment first; "
                           "anything above the dues is a prepayment.")).classes("text-xs text-slate-500")
                with ui.row().classes("gap-2"):
                    self.confirmation.button = ui.button(_("Confirm payment"), on_click=self.confirm).mark("pay-confirm")
                    ui.button(_("Cancel"), on_click=self.box.clear).props("flat")

    async def confirm(self) -> None:
        reviewed = self.confirmation.reviewed
        payload = await self.confirmation.confirm()
        if reviewed is None or payload is None:
            return
        ui.notify(_("Paid {amount}.").format(amount=fmt.money_of(reviewed["amount"])), type="positive")
        self.box.clear()
        with self.box:
            ui.label(_("Paid: {principal} principal, {interest} interest, {charges} charges.").format(
                principal=fmt.money_of(payload["principal"]), interest=fmt.money_of(payload["interest"]),
                charges=fmt.money_of(payload["charges"]))).classes("text-sm text-green-800").mark("pay-done")
            ui.button(_("Refresh"), icon="refresh", on_click=lambda: ui.navigate.to("/member/loans")).props("flat dense")

    def _message(self, text: str) -> None:
        with self.box:
            ui.label(text).classes("text-sm text-red-700").mark("pay-message")

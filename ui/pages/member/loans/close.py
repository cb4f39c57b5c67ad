"""Close a loan with today's foreclosure quote, paid from savings (``closeLoan``).

Review freezes the quote's total, the account and an idempotency key; Confirm sends exactly
that, with ``expectedTotal`` so that a quote that moved since (a day-end ran, a payment came in)
pays nothing (``QUOTE_CHANGED``), and a one-time code (step-up), as for other large member
payments. A retry after an error reuses the key: it cannot close twice.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from decimal import Decimal

from nicegui import ui

from ui import fmt
from ui.api import Api
from ui.confirm import Confirmation
from ui.i18n import _
from ui.pages.member.loans.documents import CLOSE_LOAN
from ui.pages.member.loans.pay import pay_from


class CloseLoan:
    """The close-the-loan panel of one loan card: account, Review, then Confirm (with a one-time code)."""

    def __init__(self, api: Api, loan: dict, quote: dict, savings: dict[str, dict],
                 on_closed: Callable[[str], Awaitable[None]] | None = None) -> None:
        """``on_closed(message)`` runs once the loan is closed (the page draws the closed loan's card)."""
        self.api, self.loan, self.quote, self.on_closed = api, loan, quote, on_closed
        # A quote that moved, or a key reused with other variables, needs a new review; other refusals may be retried.
        self.confirmation = Confirmation(api, CLOSE_LOAN, "closeLoan", say=self._message, as_input=False,
                                         again=_("You can confirm again: it will not pay twice."),
                                         stale_on=("QUOTE_CHANGED", "IDEMPOTENCY_CONFLICT"))
        with ui.column().classes("w-full gap-1 border-t pt-2").mark("close-loan-panel") as self.panel:
            self.form = ui.column().classes("w-full gap-1 p-0")
            with self.form:
                self._draw_form(quote, savings)
            self.box = ui.column().classes("w-full gap-1")

    def _draw_form(self, quote: dict, savings: dict[str, dict]) -> None:
        ui.label(_("Close the loan today: pay {total} (principal {principal}, interest {interest}, "
                   "charges {charges}).").format(
            total=fmt.money_of(quote["total"]), principal=fmt.money_of(quote["principal"]),
            interest=fmt.money(Decimal(quote["interestDue"]["amount"]) + Decimal(quote["accruedInterest"]["amount"]),
                               quote["total"]["currency"]),
            charges=fmt.money_of(quote["chargesDue"]))).classes("text-sm").mark("close-quote")
        with ui.row().classes("w-full items-start gap-2"):
            self.source = pay_from(savings, self.changed, "close-from")
            ui.button(_("Review"), icon="fact_check", on_click=self.review).mark("close-review")

    def changed(self) -> None:
        self.confirmation.form_changed(self.box, "close-changed")

    def review(self) -> None:
        self.box.clear()
        total = self.quote["total"]
        self.confirmation.review({"loanNumber": self.loan["loanNumber"], "fromAccountNumber": self.source.value,
                                  "expectedTotal": {"amount": total["amount"], "currency": total["currency"]},
                                  "idempotencyKey": f"close-{uuid.uuid4()}"})
        with self.box, ui.card().classes("w-full bg-slate-50").mark("close-review-card"):
            ui.label(_("Pay {amount} from {account} and close loan {loan}?").format(
                amount=fmt.money_of(total), account=self.source.value, loan=self.loan["loanNumber"])
            ).classes("font-medium").mark("close-summary")
            ui.label(_("The quote holds for today only. You will be asked for a one-time code.")).classes(
                "text-xs text-slate-500")
            with ui.row().classes("gap-2"):
                self.confirmation.button = ui.button(_("Confirm and close"), on_click=self.confirm).mark("close-confirm")
                ui.button(_("Cancel"), on_click=self.box.clear).props("flat")

    async def confirm(self) -> None:
        reviewed = self.confirmation.reviewed
        if reviewed is None or await self.confirmation.confirm() is None:
            return
        ui.notify(_("Loan {loan} closed.").format(loan=reviewed["loanNumber"]), type="positive")
        done = _("Closed: {amount} paid. Your no-dues certificate is on the loan.").format(
            amount=fmt.money_of(reviewed["expectedTotal"]))
        if self.on_closed is not None:
            # The card is drawn again from the bank: CLOSED, the no-dues certificate, no quote to act on.
            await self.on_closed(done)
            return
        self.form.set_visibility(False)  # the quote is spent: nothing left to review
        self.box.clear()
        with self.box:
            ui.label(done).classes("text-sm text-green-800").mark("close-done")

    def _message(self, text: str) -> None:
        with self.box:
            ui.label(text).classes("text-sm text-red-700").mark("close-message")

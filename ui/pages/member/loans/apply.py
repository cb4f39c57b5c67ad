"""Applying for a loan: product, amount, tenure, an EMI preview from the API's own schedule code."""

from __future__ import annotations

from decimal import Decimal

from nicegui import ui

from ui import fmt, frame
from ui.api import Api
from ui.i18n import _
from ui.pages.member.loans.documents import APPLY_FOR_LOAN, PREVIEW


class ApplyForm:
    """Apply for a loan: product, amount, tenure; Preview shows the EMI and schedule (the API's own schedule
    code, ``loanSchedulePreview``); Apply sends ``applyForLoan``."""

    def __init__(self, api: Api, box: ui.column, products: dict[str, dict], savings: dict[str, dict]) -> None:
        self.api, self.box, self.products = api, box, products
        box.clear()
        with box, ui.card().classes("w-full").mark("apply-form"):
            ui.label(_("Apply for a loan")).classes("text-lg font-medium")
            self.product = ui.select({c: p["name"] for c, p in products.items()}, value=next(iter(products)),
                                     label=_("Product"), on_change=self.product_changed).props("outlined").classes(
                "w-full").mark("apply-product")
            self.limits = ui.label().classes("text-xs text-slate-500").mark("apply-limits")
            self.amount = ui.input(_("Amount"), on_change=self.clear_preview).props("outlined inputmode=decimal").classes(
                "w-full").mark("apply-amount")
            self.months = ui.number(_("Tenure in months"), value=12, min=1, max=360, step=1, format="%d",
                                    on_change=self.clear_preview).props("outlined").classes("w-full").mark("apply-months")
            self.account = ui.select({n: f"{a['product']['name']} {n}" for n, a in savings.items()},
                                     value=next(iter(savings)), label=_("Repay from")).props("outlined").classes(
                "w-full").mark("apply-account")
            self.purpose = ui.input(_("Purpose (optional)")).props("outlined maxlength=200").classes("w-full").mark(
                "apply-purpose")
            self.guarantors = ui.input(_("Guarantors' member numbers, separated by commas")).props("outlined").classes(
                "w-full").mark("apply-guarantors")
            with ui.row().classes("w-full gap-2"):
                ui.button(_("Preview EMI"), icon="calculate", on_click=self.preview).props("outline").mark("apply-preview")
                self.submit_button = ui.button(_("Apply"), icon="send", on_click=self.submit).mark("apply-submit")
                ui.button(_("Cancel"), on_click=box.clear).props("flat")
            self.result = ui.column().classes("w-full gap-1").mark("apply-result")
        self.product_changed()

    def product_changed(self) -> None:
        p = self.products[self.product.value]
        text = _("{low} to {high}, {min}-{max} months, {rate} % a year; processing fee {fee} % plus GST.").format(
            low=fmt.money_of(p["minAmount"]), high=fmt.money_of(p["maxAmount"]), min=p["minTenureMonths"],
            max=p["maxTenureMonths"], rate=f"{p['annualRateBps'] / 100:.2f}", fee=f"{p['processingFeeBps'] / 100:g}")
        if p["guarantorsRequired"]:
            text += " " + _("Needs {n} guarantor(s).").format(n=p["guarantorsRequired"])
        if p["collateralKinds"]:
            text += " " + _("Needs security: apply at your branch.")
        self.limits.text = text
        self.guarantors.set_visibility(bool(p["guarantorsRequired"]))
        self.clear_preview()

    def clear_preview(self) -> None:
        if hasattr(self, "result"):
            self.result.clear()

    def _fields(self) -> dict | None:
        amount = fmt.parse_amount(self.amount.value)
        self.result.clear()
        if amount is None or amount <= 0:
            with self.result:
                ui.label(_("Enter the amount you need.")).classes("text-sm text-red-700").mark("apply-message")
            return None
        p = self.products[self.product.value]
        return {"productCode": p["code"], "amount": {"amount": str(amount), "currency": p["minAmount"]["currency"]},
                "tenureMonths": int(self.months.value or 0)}

    async def preview(self) -> None:
        fields = self._fields()
        if fields is None:
            return
        data = await frame.call(self.api, PREVIEW, on_error=self._error, **fields)
        if data is None:
            return
        rows = data["loanSchedulePreview"]
        interest = sum((Decimal(r["interest"]["amount"]) for r in rows), Decimal(0))
        currency = fields["amount"]["currency"]
        with self.result:
            ui.label(_("EMI {emi} for {n} months; total interest {interest}.").format(
                emi=fmt.money_of(rows[0]["instalment"]) if rows else "—", n=len(rows),
                interest=fmt.money(interest, currency))).classes("font-medium").mark("apply-emi")
            ui.table(columns=[{"name": "number", "label": "#", "field": "number", "align": "left"},
                              {"name": "due", "label": _("Due"), "field": "due", "align": "left"},
                              {"name": "emi", "label": _("EMI"), "field": "emi", "align": "right"},
                              {"name": "principal", "label": _("Principal"), "field": "principal", "align": "right"},
                              {"name": "interest", "label": _("Interest"), "field": "interest", "align": "right"}],
                     rows=[{"number": r["number"], "due": fmt.day(r["dueDate"]), "emi": fmt.money_of(r["instalment"]),
                            "principal": fmt.money_of(r["principal"]), "interest": fmt.money_of(r["interest"])}
                           for r in rows], row_key="number", pagination=0).props("dense flat").classes("w-full").mark(
                "apply-schedule")

    def _error(self, message: str) -> None:
        with self.result:
            ui.label(message).classes("text-sm text-red-700").mark("apply-message")

    async def submit(self) -> None:
        fields = self._fields()
        if fields is None:
            return
        fields["repaymentAccountNumber"] = self.account.value
        fields["purpose"] = (self.purpose.value or "").strip()
        fields["guarantorMemberNumbers"] = [g.strip() for g in (self.guarantors.value or "").split(",") if g.strip()]
        self.submit_button.disable()
        data = await frame.call(self.api, APPLY_FOR_LOAN, on_error=self._error, input=fields)
        self.submit_button.enable()
        if data is None:
            return
        payload = data["applyForLoan"]
        if payload["userErrors"]:
            self._error(" ".join(e["message"] for e in payload["userErrors"]))
            return
        ui.notify(_("Application {number} sent: the bank will review it.").format(
            number=payload["loan"]["loan"]["loanNumber"]), type="positive")
        ui.navigate.to("/member/loans")

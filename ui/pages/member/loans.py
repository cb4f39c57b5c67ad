"""The member's loans: each loan's outstanding, next EMI and schedule (paid / due / overdue rows),
Pay EMI from savings, the foreclosure quote, the loan statement and no-dues certificate (PDFs the
API renders), and applying for a loan with an EMI preview from the same schedule code disbursal uses.

Pay EMI has two steps: Review freezes the amount, the account and an idempotency key; Confirm
sends exactly what was reviewed (``repayLoan``). Changing a field after Review asks for a new
review, so the money that moves is always the money the member saw.
"""

from __future__ import annotations

import base64
import uuid
from decimal import Decimal

from fastapi import Request
from fastapi.responses import RedirectResponse
from nicegui import ui

from ui import fmt, frame
from ui.api import Api, ApiError, SignedOut
from ui.i18n import N_, _

MONEY = "{ amount currency }"

MEMBER_LOANS = f"""
query MemberLoans {{
  me {{ member {{ fullName memberNumber accounts {{ number status currency product {{ name kind }} availableBalance {MONEY} }} }} }}
  loans(first: 50) {{ edges {{ node {{ loanNumber productCode status }} }} }}
  loanProducts {{ code name method annualRateBps minAmount {MONEY} maxAmount {MONEY} minTenureMonths maxTenureMonths
    processingFeeBps guarantorsRequired collateralKinds active }}
}}"""

MEMBER_LOAN = f"""
query MemberLoan($number: String!) {{
  loan(number: $number) {{
    loan {{ loanNumber productCode status principal {MONEY} outstandingPrincipal {MONEY} interestDue {MONEY}
      chargesDue {MONEY} daysPastDue assetClass nextDueDate accountNumber }}
    annualRateBps tenureMonths emi {MONEY} appliedOn disbursedOn closedOn decisionReason restructured
    schedule {{ number dueDate principal {MONEY} interest {MONEY} instalment {MONEY} charges {MONEY} paid {MONEY} state }}
    foreclosureQuote {{ asOf principal {MONEY} interestDue {MONEY} chargesDue {MONEY} accruedInterest {MONEY} total {MONEY} }}
  }}
}}"""

REPAY_LOAN = f"""
mutation RepayLoan($input: RepayLoanInput!) {{
  repayLoan(input: $input) {{
    entryId replayed closed principal {MONEY} interest {MONEY} charges {MONEY} prepaid {MONEY}
    userErrors {{ field code message }}
  }}
}}"""

LOAN_STATEMENT_PDF = """
query LoanStatementPdf($number: String!) { loan(number: $number) { statementPdfBase64 } }"""

NO_DUES_PDF = """
query LoanNoDuesCertificate($number: String!) { loan(number: $number) { noDuesCertificatePdfBase64 } }"""

PREVIEW = f"""
query LoanSchedulePreview($productCode: String!, $amount: MoneyInput!, $tenureMonths: Int!) {{
  loanSchedulePreview(productCode: $productCode, amount: $amount, tenureMonths: $tenureMonths) {{
    number dueDate principal {MONEY} interest {MONEY} instalment {MONEY} }}
}}"""

APPLY_FOR_LOAN = """
mutation ApplyForLoan($input: ApplyForLoanInput!) {
  applyForLoan(input: $input) { loan { loan { loanNumber status } } userErrors { field code message } }
}"""

STATUS_TEXT = {"APPLIED": N_("Applied"), "RECOMMENDED": N_("Recommended"), "SANCTIONED": N_("Sanctioned"),
               "ACTIVE": N_("Active"), "CLOSED": N_("Closed"), "WRITTEN_OFF": N_("Written off"), "REJECTED": N_("Rejected")}
STATE_TEXT = {"PAID": N_("Paid"), "OVERDUE": N_("Overdue"), "DUE": N_("Due today"), "UPCOMING": N_("Upcoming"),
              "PREVIEW": N_("Preview")}
STATE_COLOUR = {"PAID": "positive", "OVERDUE": "negative", "DUE": "warning", "UPCOMING": "grey", "PREVIEW": "grey"}


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


@ui.page("/member/loans")
async def loans_page(request: Request) -> RedirectResponse | None:
    api = await frame.signed_in(request)
    if api is None:
        return frame.to_sign_in()
    if frame.shell(api, "Loans", audience=frame.MEMBER, needs=("loans",)):
        with frame.body() as column:
            await frame.section(api, column, LoansPage(api).draw)
    return None


class LoansPage:
    def __init__(self, api: Api) -> None:
        self.api = api

    async def draw(self) -> None:
        data = await self.api.run(MEMBER_LOANS)
        self.member = data["me"]["member"]
        self.savings = {a["number"]: a for a in self.member["accounts"]
                        if a["status"] == "ACTIVE" and a["product"]["kind"] in ("SAVINGS", "CURRENT")}
        self.products = {p["code"]: p for p in data["loanProducts"] if p["active"]}
        numbers = [e["node"]["loanNumber"] for e in data["loans"]["edges"]]
        with ui.row().classes("w-full items-center"):
            ui.label(_("Your loans")).classes("text-lg font-medium")
            ui.space()
            if self.products and self.savings and self.api.may("applyForLoan"):
                ui.button(_("Apply for a loan"), icon="add", on_click=self.apply_form).mark("apply")
        self.form_box = ui.column().classes("w-full max-w-2xl")
        if not numbers:
            frame.empty(_("You have no loans with us. EMI schedules will show here once you do."))
        for number in numbers:
            detail = (await self.api.run(MEMBER_LOAN, number=number))["loan"]
            if detail is not None:
                self.card(detail)

    def card(self, d: dict) -> None:
        loan = d["loan"]
        product = self.products.get(loan["productCode"], {}).get("name", loan["productCode"])
        with ui.card().classes("w-full").mark(f"loan {loan['loanNumber']}"):
            with ui.row().classes("w-full items-center no-wrap"):
                with ui.column().classes("gap-0"):
                    ui.label(product).classes("font-medium")
                    ui.label(loan["loanNumber"]).classes("text-xs text-slate-500")
                ui.space()
                ui.badge(_(STATUS_TEXT.get(loan["status"], loan["status"])),
                         color="positive" if loan["status"] == "ACTIVE" else "grey").mark("loan-status")
            if loan["status"] == "ACTIVE":
                self.position(d)
            elif loan["status"] in ("APPLIED", "RECOMMENDED", "SANCTIONED"):
                ui.label(_("Applied on {day} for {amount} over {months} months; the bank is reviewing it.").format(
                    day=fmt.day(d["appliedOn"]), amount=fmt.money_of(loan["principal"]), months=d["tenureMonths"])
                ).classes("text-sm")
            elif loan["status"] == "REJECTED":
                ui.label(_("Not sanctioned: {reason}").format(reason=d["decisionReason"] or "")).classes("text-sm text-red-700")
            elif loan["status"] == "CLOSED":
                ui.label(_("Repaid in full and closed on {day}.").format(day=fmt.day(d["closedOn"]))).classes("text-sm")
            self.schedule(d)
            with ui.row().classes("w-full gap-1"):
                if loan["status"] in ("ACTIVE", "CLOSED", "WRITTEN_OFF"):
                    ui.button(_("Loan statement"), icon="picture_as_pdf",
                              on_click=lambda n=loan["loanNumber"]: self.statement(n)).props("flat dense").mark("statement")
                if loan["status"] == "CLOSED":
                    ui.button(_("No-dues certificate"), icon="verified",
                              on_click=lambda n=loan["loanNumber"]: self.no_dues(n)).props("flat dense").mark("no-dues")
                if d["foreclosureQuote"]:
                    ui.button(_("Foreclosure quote"), icon="request_quote",
                              on_click=lambda q=d["foreclosureQuote"]: self.quote(q)).props("flat dense").mark("quote")

    def position(self, d: dict) -> None:
        loan = d["loan"]
        due, row = amount_to_pay(d["schedule"])
        with ui.grid(columns=2).classes("w-full gap-x-3 gap-y-0 text-sm"):
            for label, value, mark in (
                (_("Outstanding"), fmt.money_of(loan["outstandingPrincipal"]), "outstanding"),
                (_("Next EMI"), (f"{fmt.money(due, loan['principal']['currency'])} · {fmt.day(row['dueDate'])}"
                                 if row else "—"), "next-emi"),
                (_("Interest due"), fmt.money_of(loan["interestDue"]), "interest-due"),
                (_("Rate"), f"{d['annualRateBps'] / 100:.2f} % · " + _("{months} months").format(months=d["tenureMonths"]),
                 "rate"),
            ):
                ui.label(label).classes("text-slate-500")
                ui.label(value).classes("font-medium" if mark == "outstanding" else "").mark(mark)
        if loan["daysPastDue"]:
            ui.label(_("{days} days overdue: please pay the overdue instalments.").format(days=loan["daysPastDue"])).classes(
                "text-sm text-red-700").mark("overdue")
        if self.savings and self.api.may("repayLoan") and due > 0:
            PayEmi(self.api, loan, self.savings, due)

    def schedule(self, d: dict) -> None:
        rows = d["schedule"]
        if not rows:
            return
        with ui.expansion(_("Schedule ({n} instalments)").format(n=len(rows)), icon="event_note",
                          value=d["loan"]["status"] == "ACTIVE").classes("w-full").mark("schedule"):
            table = ui.table(columns=[
                {"name": "number", "label": "#", "field": "number", "align": "left"},
                {"name": "due", "label": _("Due"), "field": "due", "align": "left"},
                {"name": "instalment", "label": _("EMI"), "field": "instalment", "align": "right"},
                {"name": "paid", "label": _("Paid"), "field": "paid", "align": "right"},
                {"name": "state", "label": _("State"), "field": "state", "align": "left"},
            ], rows=[{"number": r["number"], "due": fmt.day(r["dueDate"]), "instalment": fmt.money_of(r["instalment"]),
                      "paid": fmt.money_of(r["paid"]), "state": _(STATE_TEXT.get(r["state"], r["state"])),
                      "code": r["state"], "colour": STATE_COLOUR.get(r["state"], "grey")} for r in rows],
                row_key="number", pagination=0).props("dense flat").classes("w-full").mark("schedule-table")
            table.add_slot("body-cell-state", """
                <q-td :props="props"><q-badge :color="props.row.colour" :label="props.value" /></q-td>""")

    async def _pdf(self, document: str, field: str, number: str, filename: str) -> None:
        data = await frame.call(self.api, document, on_error=lambda m: ui.notify(m, type="negative"), number=number)
        content = data and data["loan"] and data["loan"][field]
        if content:
            ui.download.content(base64.b64decode(content), filename, "application/pdf")

    async def statement(self, number: str) -> None:
        await self._pdf(LOAN_STATEMENT_PDF, "statementPdfBase64", number, f"loan-statement-{number}.pdf")

    async def no_dues(self, number: str) -> None:
        await self._pdf(NO_DUES_PDF, "noDuesCertificatePdfBase64", number, f"no-dues-{number}.pdf")

    def quote(self, q: dict) -> None:
        with ui.dialog() as dialog, ui.card().classes("w-80").mark("quote-dialog"):
            ui.label(_("To close the loan on {day}").format(day=fmt.day(q["asOf"]))).classes("text-lg font-medium")
            with ui.grid(columns=2).classes("w-full gap-x-3 text-sm"):
                for label, key in ((_("Principal"), "principal"), (_("Interest due"), "interestDue"),
                                   (_("Charges due"), "chargesDue"), (_("Interest accrued"), "accruedInterest"),
                                   (_("Total"), "total")):
                    ui.label(label).classes("text-slate-500")
                    ui.label(fmt.money_of(q[key])).classes("font-semibold" if key == "total" else "").mark(f"quote {key}")
            ui.label(_("The quote holds for today only; interest accrues daily.")).classes("text-xs text-slate-500")
            ui.button(_("Close"), on_click=dialog.close).props("flat")
        dialog.open()

    def apply_form(self) -> None:
        ApplyForm(self.api, self.form_box, self.products, self.savings)


class PayEmi:
    """Pay EMI from savings: amount and account, Review, then Confirm exactly what was reviewed."""

    def __init__(self, api: Api, loan: dict, savings: dict[str, dict], due: Decimal) -> None:
        self.api, self.loan, self.savings = api, loan, savings
        self.reviewed: dict | None = None
        with ui.column().classes("w-full gap-1 border-t pt-2").mark("pay-emi"):
            with ui.row().classes("w-full items-start gap-2"):
                self.source = ui.select({n: f"{a['product']['name']} {n} ({fmt.money_of(a['availableBalance'])})"
                                         for n, a in savings.items()}, value=next(iter(savings)), label=_("Pay from"),
                                        on_change=self.changed).props("outlined dense").classes("w-full sm:w-72").mark("pay-from")
                self.amount = ui.input(_("Amount"), value=f"{due:.2f}", on_change=self.changed).props(
                    "outlined dense inputmode=decimal").classes("w-full sm:w-40").mark("pay-amount")
                ui.button(_("Pay EMI"), icon="payments", on_click=self.review).mark("pay-review")
            self.box = ui.column().classes("w-full gap-1")

    def changed(self) -> None:
        if self.reviewed is not None:
            self.reviewed = None
            self.box.clear()
            with self.box:
                ui.label(_("Changed: review again before confirming.")).classes("text-sm text-amber-800").mark("pay-changed")

    def review(self) -> None:
        self.box.clear()
        self.reviewed = None
        amount = fmt.parse_amount(self.amount.value)
        with self.box:
            if amount is None or amount <= 0:
                ui.label(_("Enter the amount to pay.")).classes("text-sm text-red-700").mark("pay-message")
                return
            currency = self.loan["principal"]["currency"]
            self.reviewed = {"loanNumber": self.loan["loanNumber"], "fromAccountNumber": self.source.value,
                             "amount": {"amount": str(amount), "currency": currency},
                             "idempotencyKey": f"emi-{uuid.uuid4()}"}
            with ui.card().classes("w-full bg-slate-50").mark("pay-review-card"):
                ui.label(_("Pay {amount} to loan {loan} from {account}?").format(
                    amount=fmt.money(amount, currency), loan=self.loan["loanNumber"], account=self.source.value)
                ).classes("font-medium").mark("pay-summary")
                ui.label(_("It goes to penal charges first, then interest, then principal, oldest instalment first; "
                           "anything above the dues is a prepayment.")).classes("text-xs text-slate-500")
                with ui.row().classes("gap-2"):
                    self.confirm_button = ui.button(_("Confirm payment"), on_click=self.confirm).mark("pay-confirm")
                    ui.button(_("Cancel"), on_click=self.box.clear).props("flat")

    async def confirm(self) -> None:
        reviewed = self.reviewed
        if reviewed is None:
            return
        self.confirm_button.disable()
        try:
            data = await self.api.run(REPAY_LOAN, input=reviewed)
        except SignedOut:
            frame.leave("expired")
            return
        except ApiError as exc:
            self._message(exc.for_person() + " " + _("You can confirm again: it will not pay twice."), error=True)
            self.confirm_button.enable()
            return
        payload = data["repayLoan"]
        if payload["userErrors"]:
            self._message(" ".join(e["message"] for e in payload["userErrors"]), error=True)
            self.reviewed = None
            return
        self.reviewed = None
        ui.notify(_("Paid {amount}.").format(amount=fmt.money_of(reviewed["amount"])), type="positive")
        self.box.clear()
        with self.box:
            ui.label(_("Paid: {principal} principal, {interest} interest, {charges} charges.").format(
                principal=fmt.money_of(payload["principal"]), interest=fmt.money_of(payload["interest"]),
                charges=fmt.money_of(payload["charges"]))).classes("text-sm text-green-800").mark("pay-done")
            ui.button(_("Refresh"), icon="refresh", on_click=lambda: ui.navigate.to("/member/loans")).props("flat dense")

    def _message(self, text: str, *, error: bool) -> None:
        with self.box:
            ui.label(text).classes("text-sm " + ("text-red-700" if error else "")).mark("pay-message")


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

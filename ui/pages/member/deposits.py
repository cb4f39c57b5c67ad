"""The member's fixed and recurring deposits: each with its maturity date and value, interest
earned and TDS this financial year; open a fixed deposit from savings (confirmed with a
one-time code), change the maturity instruction, close early (after a quote), download the advice;
and the tax documents (the quarterly TDS certificate, the year's interest certificate) and the
passbook print (the lines not printed yet, continuing from the last print).

Opening is Review, then Confirm (``ui/confirm.py``): Review freezes what is sent to
``openFixedDeposit`` with an idempotency key, so a retry (double click, a timeout, the code step)
cannot open two deposits, and a form changed after its review must be reviewed again.
"""

from __future__ import annotations

import base64
import uuid
from datetime import date

from fastapi import Request
from fastapi.responses import RedirectResponse
from nicegui import ui

from ui import fmt, frame
from ui.api import Api
from ui.deposit_advice_pdf import INSTRUCTION_TEXT, PAYOUT_CHOICE, PAYOUT_TEXT, deposit_advice_pdf
from ui.i18n import N_, _
from ui.confirm import Confirmation

MEMBER_DEPOSITS = """
query MemberDeposits {
  businessDate
  me { member { fullName memberNumber accounts { number status currency product { name kind } availableBalance { amount currency } } } }
  deposits(first: 50) { edges { node {
    number kind productName memberNumber principal { amount currency } ratePercent seniorCitizen
    tenureMonths openedOn maturityDate maturityValue { amount currency } payout maturityInstruction status closedOn
    balance { amount currency } payoutAccountNumber interestPaid { amount currency } tdsDeducted { amount currency }
    interestThisYear { amount currency } tdsThisYear { amount currency } tdsRefunded { amount currency }
    instalmentsPaid missedInstalments lien { amount currency } } } }
  depositProducts(activeOnly: true) { code name kind currency payouts minTenureMonths maxTenureMonths
    minimumAmount { amount currency } rateChart { minDays maxDays ratePercent } }
}"""

OPEN_FIXED_DEPOSIT = """
mutation OpenFixedDeposit($input: OpenFixedDepositInput!) {
  openFixedDeposit(input: $input) { number replayed userErrors { field code message } }
}"""

FIXED_DEPOSIT_QUOTE = """
query FixedDepositQuote($fromAccountNumber: String!, $productCode: String!, $principal: MoneyInput!, $tenureMonths: Int!,
                        $payout: InterestPayout!) {
  fixedDepositQuote(fromAccountNumber: $fromAccountNumber, productCode: $productCode, principal: $principal,
                    tenureMonths: $tenureMonths, payout: $payout) {
    quote { ratePercent seniorCitizen maturityDate interest { amount currency } maturityValue { amount currency } }
    userErrors { field code message }
  }
}"""

SET_INSTRUCTION = """
mutation SetMaturityInstruction($input: SetMaturityInstructionInput!) {
  setMaturityInstruction(input: $input) { deposit { maturityInstruction } userErrors { code message } }
}"""

CLOSURE_QUOTE = """
query DepositClosureQuote($number: String!) {
  depositClosureQuote(number: $number) { ratePercent interest { amount currency } payout { amount currency }
    tdsRefund { amount currency } closable }
}"""

CLOSE_DEPOSIT = """
mutation CloseDepositPrematurely($input: CloseDepositPrematurelyInput!) {
  closeDepositPrematurely(input: $input) { deposit { status } userErrors { code message } }
}"""

TDS_CERTIFICATE = """
query TdsCertificate($memberNumber: String!, $financialYear: Int!, $quarter: Int!) {
  tdsCertificate(memberNumber: $memberNumber, financialYear: $financialYear, quarter: $quarter) { certificateNumber pdfBase64 }
}"""

INTEREST_CERTIFICATE = """
query InterestCertificate($memberNumber: String!, $financialYear: Int!) {
  interestCertificate(memberNumber: $memberNumber, financialYear: $financialYear) { pdfBase64 }
}"""

PRINT_PASSBOOK = """
mutation PrintPassbook($input: PrintPassbookInput!) {
  printPassbook(input: $input) { print { lines printedUpTo pdfBase64 } userErrors { code message } }
}"""

STATUS_TEXT = {"ACTIVE": N_("Active"), "MATURED": N_("Matured"), "RENEWED": N_("Renewed"), "CLOSED_PREMATURELY": N_("Closed early")}


@ui.page("/member/deposits")
async def deposits_page(request: Request) -> RedirectResponse | None:
    api = await frame.signed_in(request)
    if api is None:
        return frame.to_sign_in()
    if frame.shell(api, "Deposits", audience=frame.MEMBER, needs=("deposits",)):
        with frame.body() as column:
            page = DepositsPage(api)
            await frame.section(api, column, page.draw)
    return None


class DepositsPage:
    def __init__(self, api: Api) -> None:
        self.api = api

    async def draw(self) -> None:
        data = await self.api.run(MEMBER_DEPOSITS)
        self.member = data["me"]["member"]
        self.products = {p["code"]: p for p in data["depositProducts"] if p["kind"] == "FIXED"}
        self.savings = {a["number"]: a for a in self.member["accounts"]
                        if a["status"] == "ACTIVE" and a["product"]["kind"] != "LOAN"}
        deposits = [e["node"] for e in data["deposits"]["edges"]]
        with ui.row().classes("w-full items-center"):
            ui.label(_("Your deposits")).classes("text-lg font-medium")
            ui.space()
            if self.products and self.savings:
                ui.button(_("Open a fixed deposit"), icon="add", on_click=self.open_form).mark("open-fd")
        self.form_box = ui.column().classes("w-full max-w-xl")
        if not deposits:
            frame.empty(_("You have no deposits yet."))
        active = [d for d in deposits if d["status"] == "ACTIVE"]
        ended = [d for d in deposits if d["status"] != "ACTIVE"]
        with ui.row().classes("w-full gap-3"):
            for d in active + ended:
                self.card(d)
        self.documents(date.fromisoformat(data["businessDate"]))

    def documents(self, today: date) -> None:
        """Tax documents by financial year (April-March, named by its first year) and the passbook print."""
        current = today.year if today.month >= 4 else today.year - 1
        with ui.card().classes("w-full max-w-xl").mark("tax-documents"):
            ui.label(_("Tax documents and passbook")).classes("text-lg font-medium")
            with ui.row().classes("w-full items-center gap-2"):
                year = ui.select({y: f"{y}-{(y + 1) % 100:02d}" for y in range(current, current - 3, -1)}, value=current,
                                 label=_("Financial year")).props("outlined dense").classes("w-40").mark("doc-year")
                ui.button(_("Interest certificate"), icon="picture_as_pdf",
                          on_click=lambda: self.interest_certificate(year.value)).props("flat dense").mark("doc-interest")
            with ui.row().classes("w-full items-center gap-1"):
                ui.label(_("TDS certificate")).classes("text-sm text-slate-500")
                for q in (1, 2, 3, 4):
                    ui.button(f"Q{q}", on_click=lambda q=q: self.tds_certificate(year.value, q)).props(
                        "flat dense").mark(f"doc-tds-q{q}")
            if self.savings:
                with ui.row().classes("w-full items-center gap-2"):
                    book = ui.select({n: n for n in self.savings}, value=next(iter(self.savings)),
                                     label=_("Passbook of")).props("outlined dense").classes("w-56").mark("passbook-account")
                    ui.button(_("Print passbook"), icon="print", on_click=lambda: self.passbook(book.value)).props(
                        "flat dense").mark("passbook-print")

    async def tds_certificate(self, year: int, quarter: int) -> None:
        data = await frame.call(self.api, TDS_CERTIFICATE, on_error=lambda m: ui.notify(m, type="negative"),
                                memberNumber=self.member["memberNumber"], financialYear=year, quarter=quarter)
        if data and data["tdsCertificate"]:
            ui.download.content(base64.b64decode(data["tdsCertificate"]["pdfBase64"]),
                                f"tds-certificate-{year}-Q{quarter}.pdf", media_type="application/pdf")

    async def interest_certificate(self, year: int) -> None:
        data = await frame.call(self.api, INTEREST_CERTIFICATE, on_error=lambda m: ui.notify(m, type="negative"),
                                memberNumber=self.member["memberNumber"], financialYear=year)
        if data and data["interestCertificate"]:
            ui.download.content(base64.b64decode(data["interestCertificate"]["pdfBase64"]),
                                f"interest-certificate-{year}.pdf", media_type="application/pdf")

    async def passbook(self, number: str) -> None:
        data = await frame.call(self.api, PRINT_PASSBOOK, on_error=lambda m: ui.notify(m, type="negative"),
                                input={"accountNumber": number})
        if data is None:
            return
        payload = data["printPassbook"]
        if payload["userErrors"]:
            ui.notify(payload["userErrors"][0]["message"], type="negative")
            return
        printed = payload["print"]
        if not printed["lines"]:
            ui.notify(_("Nothing new to print: your passbook is up to date."), type="info")
        ui.download.content(base64.b64decode(printed["pdfBase64"]), f"passbook-{number}.pdf",
                            media_type="application/pdf")

    def card(self, d: dict) -> None:
        with ui.card().classes("w-full sm:w-[22rem]").mark(f"deposit {d['number']}"):
            with ui.row().classes("w-full items-center no-wrap"):
                ui.label(f"{d['productName']}").classes("font-medium")
                ui.space()
                ui.badge(_(STATUS_TEXT.get(d["status"], d["status"])),
                         color="positive" if d["status"] == "ACTIVE" else "grey").mark("status")
            ui.label(d["number"]).classes("text-xs text-slate-500")
            with ui.grid(columns=2).classes("w-full gap-x-3 gap-y-0 text-sm"):
                amount_label = _("Amount") if d["kind"] == "FIXED" else _("Instalment")
                for label, value in (
                    (amount_label, fmt.money_of(d["principal"])),
                    (_("Rate"), f"{d['ratePercent']} %" + (" · " + _("senior") if d["seniorCitizen"] else "")),
                    (_("Opened"), fmt.day(d["openedOn"])),
                    (_("Matures"), fmt.day(d["maturityDate"])),
                    (_("Maturity value"), fmt.money_of(d["maturityValue"])),
                    (_("Interest this year"), fmt.money_of(d["interestThisYear"])),
                    (_("TDS this year"), fmt.money_of(d["tdsThisYear"])),
                    (_("Payout"), _(PAYOUT_TEXT.get(d["payout"], d["payout"]))),
                ):
                    ui.label(label).classes("text-slate-500")
                    ui.label(value).mark(f"field {label}")
                if fmt.is_nonzero(d["tdsRefunded"]):  # closed early within the year
                    ui.label(_("TDS refunded")).classes("text-slate-500")
                    ui.label(fmt.money_of(d["tdsRefunded"])).mark("field TDS refunded")
                if d["kind"] == "RECURRING":
                    ui.label(_("Instalments")).classes("text-slate-500")
                    ui.label(f"{d['instalmentsPaid']} / {d['tenureMonths']}" +
                             (f" · {d['missedInstalments']} " + _("missed") if d["missedInstalments"] else ""))
            if fmt.is_nonzero(d["lien"]):
                ui.label(_("Under lien for a loan: {amount}").format(amount=fmt.money_of(d["lien"]))).classes(
                    "text-sm text-amber-800")
            with ui.row().classes("w-full gap-1"):
                ui.button(_("Advice"), icon="picture_as_pdf", on_click=lambda d=d: self.advice(d)).props(
                    "flat dense").mark("advice")
                if d["status"] == "ACTIVE":
                    if d["kind"] == "FIXED":
                        ui.select({k: _(v) for k, v in INSTRUCTION_TEXT.items()}, value=d["maturityInstruction"],
                                  label=_("At maturity"),
                                  on_change=lambda e, n=d["number"]: self.set_instruction(n, e.value)).props(
                            "dense outlined").classes("w-full").mark("instruction")
                    ui.button(_("Close early"), icon="cancel", on_click=lambda n=d["number"]: self.close(n)).props(
                        "flat dense color=negative").mark("close")

    def advice(self, d: dict) -> None:
        content = deposit_advice_pdf(d, bank=frame.BANK_NAME, member_name=self.member["fullName"])
        ui.download.content(content, f"deposit-advice-{d['number']}.pdf", media_type="application/pdf")

    async def set_instruction(self, number: str, value: str) -> None:
        data = await frame.call(self.api, SET_INSTRUCTION, on_error=lambda m: ui.notify(m, type="negative"),
                                input={"depositNumber": number, "maturityInstruction": value})
        if data is None:
            return
        errors = data["setMaturityInstruction"]["userErrors"]
        ui.notify(errors[0]["message"] if errors else _("Saved: at maturity, {what}.").format(
            what=_(INSTRUCTION_TEXT[value]).lower()), type="negative" if errors else "positive")

    async def close(self, number: str) -> None:
        data = await frame.call(self.api, CLOSURE_QUOTE, on_error=lambda m: ui.notify(m, type="negative"), number=number)
        if data is None or data["depositClosureQuote"] is None:
            return
        quote = data["depositClosureQuote"]
        with ui.dialog() as dialog, ui.card().classes("w-80").mark("close-dialog"):
            ui.label(_("Close {number} early?").format(number=number)).classes("text-lg font-medium")
            if not quote["closable"]:
                ui.label(_("This deposit cannot be closed now (it is under lien or not active).")).classes("text-sm")
            else:
                ui.label(_("Rate for the period run, less the penalty: {rate} %").format(rate=quote["ratePercent"])).classes("text-sm")
                ui.label(_("You receive about {amount} in savings (before any TDS).").format(
                    amount=fmt.money_of(quote["payout"]))).classes("text-sm").mark("quote")
                if fmt.is_nonzero(quote["tdsRefund"]):
                    ui.label(_("Interest credited this year is reduced, so {amount} of TDS is refunded to savings too.")
                             .format(amount=fmt.money_of(quote["tdsRefund"]))).classes("text-sm").mark("quote-refund")
            with ui.row().classes("w-full justify-end"):
                ui.button(_("Keep it"), on_click=lambda: dialog.submit(False)).props("flat")
                if quote["closable"]:
                    ui.button(_("Close deposit"), on_click=lambda: dialog.submit(True)).props("color=negative").mark("close-confirm")
        confirmed = await dialog
        dialog.delete()
        if not confirmed:
            return
        result = await frame.call(self.api, CLOSE_DEPOSIT, on_error=lambda m: ui.notify(m, type="negative"),
                                  input={"depositNumber": number, "idempotencyKey": f"close-{uuid.uuid4()}"})
        if result is None:
            return
        errors = result["closeDepositPrematurely"]["userErrors"]
        if errors:
            ui.notify(errors[0]["message"], type="negative")
            return
        ui.notify(_("Closed. The money is in your savings account."), type="positive")
        ui.navigate.to("/member/deposits")

    def open_form(self) -> None:
        self.form_box.clear()
        # A Review freezes the variables and their idempotency key; Confirm sends exactly those, with
        # a one-time code when asked. A retry after an error reuses the key: one deposit at most.
        self.confirmation = Confirmation(self.api, OPEN_FIXED_DEPOSIT, "openFixedDeposit", say=self._say,
                                         again=_("You can confirm again: it will not open two deposits."),
                                         stale_on=("IDEMPOTENCY_CONFLICT",))
        with self.form_box, ui.card().classes("w-full").mark("fd-form"):
            ui.label(_("Open a fixed deposit")).classes("text-lg font-medium")
            # number and balance only: with the product's name it is clipped on a 360 px phone
            self.source = ui.select({n: f"{n} · {fmt.money_of(a['availableBalance'])}"
                                     for n, a in self.savings.items()}, value=next(iter(self.savings)),
                                    label=_("From"), on_change=self._changed).props("outlined").classes("w-full").mark("fd-from")
            self.product = ui.select({c: p["name"] for c, p in self.products.items()}, value=next(iter(self.products)),
                                     label=_("Product"), on_change=self._product_changed).props("outlined").classes(
                "w-full").mark("fd-product")
            self.chart = ui.label().classes("text-xs text-slate-500").mark("fd-chart")
            self.amount = ui.input(_("Amount"), validation={_("Enter an amount like 100000"): lambda v: fmt.parse_amount(v) is not None},
                                   on_change=self._changed).props("outlined inputmode=decimal").classes("w-full").mark("fd-amount")
            self.months = ui.number(_("Term in months"), value=12, min=1, max=120, step=1, format="%d",
                                    on_change=self._changed).props("outlined").classes("w-full").mark("fd-months")
            self.payout = ui.select({}, label=_("Interest"), on_change=self._changed).props("outlined").classes(
                "w-full").mark("fd-payout")
            self.instruction = ui.select({k: _(v) for k, v in INSTRUCTION_TEXT.items()}, value="CREDIT_SAVINGS",
                                         label=_("At maturity"), on_change=self._changed).props("outlined").classes(
                "w-full").mark("fd-instruction")
            with ui.row().classes("w-full gap-2"):
                ui.button(_("Review"), icon="fact_check", on_click=self.review).mark("fd-review")
                ui.button(_("Cancel"), on_click=self.form_box.clear).props("flat")
            self.review_box = ui.column().classes("w-full gap-1")
        self._product_changed()

    def _product_changed(self) -> None:
        product = self.products[self.product.value]
        self.payout.options = {p: _(PAYOUT_CHOICE[p]) for p in product["payouts"]}
        self.payout.value = product["payouts"][0]
        self.payout.update()
        bands = ", ".join(f"{b['minDays']}–{b['maxDays'] or '…'} {_('days')}: {b['ratePercent']} %" for b in product["rateChart"])
        self.chart.text = _("Rates: {bands}. Minimum {minimum}.").format(bands=bands, minimum=fmt.money_of(product["minimumAmount"]))
        self._changed()

    def _changed(self) -> None:
        if hasattr(self, "review_box"):
            self.confirmation.form_changed(self.review_box, "fd-changed")

    async def review(self) -> None:
        self.review_box.clear()
        self.confirmation.forget()
        amount = fmt.parse_amount(self.amount.value)
        if amount is None or amount <= 0:
            self._say(_("Enter the amount to deposit."))
            return
        product = self.products[self.product.value]
        variables = {
            "fromAccountNumber": self.source.value, "productCode": product["code"],
            "principal": {"amount": str(amount), "currency": product["currency"]}, "tenureMonths": int(self.months.value or 0),
            "payout": self.payout.value, "maturityInstruction": self.instruction.value,
            "idempotencyKey": f"fd-{uuid.uuid4()}"}
        # The bank's own terms for exactly these variables: the rate, maturity date and value the member agrees to.
        data = await frame.call(self.api, FIXED_DEPOSIT_QUOTE, on_error=self._say,
                                **{k: variables[k] for k in ("fromAccountNumber", "productCode", "principal",
                                                             "tenureMonths", "payout")})
        if data is None:
            return
        answer = data["fixedDepositQuote"]
        if answer["userErrors"]:
            self._say(" ".join(e["message"] for e in answer["userErrors"]))
            return
        quote = answer["quote"]
        self.confirmation.review(variables)
        with self.review_box, ui.card().classes("w-full bg-slate-50").mark("fd-review-card"):
            ui.label(_("Open a {product} of {amount} for {months} months from {account}?").format(
                product=product["name"], amount=fmt.money(amount, product["currency"]), months=variables["tenureMonths"],
                account=self.source.value)).classes("font-medium").mark("fd-summary")
            ui.label(_("{rate} % a year{senior}. Matures on {day}: {value} before TDS.").format(
                rate=quote["ratePercent"], senior=_(" (senior citizen)") if quote["seniorCitizen"] else "",
                day=fmt.day(quote["maturityDate"]), value=fmt.money_of(quote["maturityValue"]))).classes(
                "text-sm").mark("fd-terms")
            ui.label(_("Interest: {payout}. At maturity: {instruction}.").format(
                payout=_(PAYOUT_CHOICE[variables["payout"]]), instruction=_(INSTRUCTION_TEXT[variables["maturityInstruction"]]))
            ).classes("text-sm")
            ui.label(_("You will be asked for a one-time code.")).classes("text-xs text-slate-500")
            with ui.row().classes("gap-2"):
                self.confirmation.button = ui.button(_("Confirm and open"), on_click=self.confirm).mark("fd-confirm")
                ui.button(_("Cancel"), on_click=self.review_box.clear).props("flat")

    async def confirm(self) -> None:
        payload = await self.confirmation.confirm()
        if payload is None:
            return
        ui.notify(_("Deposit {number} opened.").format(number=payload["number"]), type="positive")
        ui.navigate.to("/member/deposits")

    def _say(self, text: str) -> None:
        with self.review_box:
            ui.label(text).classes("text-sm text-red-700").mark("fd-message")

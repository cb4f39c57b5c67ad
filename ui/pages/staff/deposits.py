"""Staff: term deposits. Open a fixed or recurring deposit for a member (from savings or cash),
the list of deposits maturing in the next N days, and, for the accountant, the TDS register
(s.194A) of a financial year or quarter; a member's TDS certificate, interest certificate and
passbook print."""

from __future__ import annotations

import base64
import uuid
from datetime import date

from fastapi import Request
from fastapi.responses import RedirectResponse
from nicegui import ui

from ui import fmt, frame
from ui.api import Api
from ui.deposit_advice_pdf import INSTRUCTION_TEXT, PAYOUT_CHOICE
from ui.i18n import N_, _
from ui.pages.staff.common import open_staff_page

PRODUCTS = """query DepositDesk { depositProducts(activeOnly: true) { code name kind currency payouts
  rateChart { minDays maxDays ratePercent } minimumAmount { amount currency } } businessDate }"""

MATURING = """
query MaturingDeposits($days: Int!) {
  deposits(maturingWithinDays: $days, first: 100) { edges { node { number memberNumber productName maturityDate
    maturityValue { amount currency } maturityInstruction payoutAccountNumber lien { amount currency } } } }
}"""

TDS_REGISTER = """
query TdsRegister($fy: Int, $quarter: Int) {
  tdsRegister(financialYear: $fy, quarter: $quarter) { memberNumber memberName panHeld depositNumber creditedOn
    interest { amount currency } tds { amount currency } ratePercent quarter reason }
}"""

OPEN_FD = """mutation OpenFixedDepositDesk($input: OpenFixedDepositInput!) {
  openFixedDeposit(input: $input) { number deposit { maturityDate maturityValue { amount currency } ratePercent }
    userErrors { field code message } } }"""
OPEN_RD = """mutation OpenRecurringDepositDesk($input: OpenRecurringDepositInput!) {
  openRecurringDeposit(input: $input) { number deposit { maturityDate maturityValue { amount currency } ratePercent }
    userErrors { field code message } } }"""


TDS_CERTIFICATE_DESK = """
query TdsCertificateDesk($memberNumber: String!, $financialYear: Int!, $quarter: Int!) {
  tdsCertificate(memberNumber: $memberNumber, financialYear: $financialYear, quarter: $quarter) { certificateNumber pdfBase64 }
}"""
INTEREST_CERTIFICATE_DESK = """
query InterestCertificateDesk($memberNumber: String!, $financialYear: Int!) {
  interestCertificate(memberNumber: $memberNumber, financialYear: $financialYear) { pdfBase64 }
}"""
PRINT_PASSBOOK_DESK = """
mutation PrintPassbookDesk($input: PrintPassbookInput!) {
  printPassbook(input: $input) { print { lines printedUpTo pdfBase64 } userErrors { code message } }
}"""


def _columns(*spec: tuple[str, str, str]) -> list[dict]:
    return [{"name": n, "label": _(label), "field": n, "align": align, "classes": "whitespace-normal"} for n, label, align in spec]


@ui.page("/staff/deposits")
async def deposits_page(request: Request) -> RedirectResponse | None:
    api = await open_staff_page(request, _("Deposits"), "/staff/deposits")
    if not isinstance(api, Api):
        return api
    with frame.body() as column:
        await frame.section(api, column, lambda: DepositDesk(api).draw())
    return None


class DepositDesk:
    def __init__(self, api: Api) -> None:
        self.api = api
        self.key: str | None = None

    async def draw(self) -> None:
        data = await self.api.run(PRODUCTS)
        self.products = {p["code"]: p for p in data["depositProducts"]}
        today = data.get("businessDate")
        if (self.api.may("openFixedDeposit") or self.api.may("openRecurringDeposit")) and self.products:
            self.opening_form()
        with ui.card().classes("w-full").mark("maturing-card"):
            with ui.row().classes("w-full items-center gap-2"):
                ui.label(_("Maturing soon")).classes("text-lg font-medium")
                ui.space()
                self.days = ui.number(_("Next days"), value=30, min=0, max=3660, step=1, format="%d").props(
                    "dense outlined").classes("w-28").mark("maturing-days")
                ui.button(_("Show"), on_click=self.load_maturing).props("outline dense").mark("maturing-show")
            if today:
                ui.label(_("From the business date {day}").format(day=fmt.day(today))).classes("text-xs text-slate-500")
            self.maturing = ui.column().classes("w-full")
        await self.load_maturing()
        if self.api.may("tdsRegister"):
            with ui.card().classes("w-full").mark("tds-card"):
                with ui.row().classes("w-full items-center gap-2"):
                    ui.label(_("TDS register (s.194A)")).classes("text-lg font-medium")
                    ui.space()
                    self.fy = ui.number(_("Financial year"), value=None, min=1990, max=2100, step=1, format="%d").props(
                        "dense outlined").classes("w-36").mark("tds-fy")
                    self.quarter = ui.select({0: _("All quarters"), 1: "Q1", 2: "Q2", 3: "Q3", 4: "Q4"}, value=0).props(
                        "dense outlined").mark("tds-quarter")
                    ui.button(_("Show"), on_click=self.load_tds).props("outline dense").mark("tds-show")
                self.tds = ui.column().classes("w-full")
            await self.load_tds()
        if self.api.may("tdsCertificate") or self.api.may("printPassbook"):
            self.documents(date.fromisoformat(today) if today else None)

    def documents(self, today: date | None) -> None:
        """A member's tax documents (by member number) and an account's passbook print."""
        current = (today.year if today.month >= 4 else today.year - 1) if today else 2026
        with ui.card().classes("w-full max-w-xl").mark("documents-card"):
            ui.label(_("Member documents")).classes("text-lg font-medium")
            if self.api.may("tdsCertificate"):
                with ui.row().classes("w-full items-center gap-2"):
                    member = ui.input(_("Member number")).props("outlined dense").classes("w-40").mark("doc-member")
                    year = ui.select({y: f"{y}-{(y + 1) % 100:02d}" for y in range(current, current - 3, -1)},
                                     value=current, label=_("Financial year")).props("outlined dense").classes(
                        "w-32").mark("doc-year")
                    quarter = ui.select({1: "Q1", 2: "Q2", 3: "Q3", 4: "Q4"}, value=1, label=_("Quarter")).props(
                        "outlined dense").classes("w-24").mark("doc-quarter")
                with ui.row().classes("w-full gap-1"):
                    ui.button(_("TDS certificate"), icon="picture_as_pdf", on_click=lambda: self.certificate(
                        (member.value or "").strip(), year.value, quarter.value)).props("flat dense").mark("doc-tds")
                    ui.button(_("Interest certificate"), icon="picture_as_pdf", on_click=lambda: self.certificate(
                        (member.value or "").strip(), year.value, None)).props("flat dense").mark("doc-interest")
            if self.api.may("printPassbook"):
                with ui.row().classes("w-full items-center gap-2"):
                    account = ui.input(_("Account for the passbook")).props(
                        "outlined dense inputmode=numeric maxlength=14").classes("w-56").mark("passbook-account")
                    ui.button(_("Print passbook"), icon="print", on_click=lambda: self.passbook(
                        (account.value or "").strip())).props("flat dense").mark("passbook-print")
            self.doc_message = ui.label().classes("text-sm").mark("doc-message")

    async def certificate(self, member: str, year: int, quarter: int | None) -> None:
        if not member:
            self.doc_message.text = _("Enter the member number.")
            return
        if quarter is None:
            data = await frame.call(self.api, INTEREST_CERTIFICATE_DESK, memberNumber=member, financialYear=year)
            found, name = (data or {}).get("interestCertificate"), f"interest-certificate-{member}-{year}.pdf"
        else:
            data = await frame.call(self.api, TDS_CERTIFICATE_DESK, memberNumber=member, financialYear=year,
                                    quarter=quarter)
            found, name = (data or {}).get("tdsCertificate"), f"tds-certificate-{member}-{year}-Q{quarter}.pdf"
        if data is None:
            return
        if found is None:
            self.doc_message.text = _("No member {number}.").format(number=member)
            return
        self.doc_message.text = ""
        ui.download.content(base64.b64decode(found["pdfBase64"]), name, media_type="application/pdf")

    async def passbook(self, number: str) -> None:
        data = await frame.call(self.api, PRINT_PASSBOOK_DESK, on_error=lambda m: setattr(self.doc_message, "text", m),
                                input={"accountNumber": number})
        if data is None:
            return
        payload = data["printPassbook"]
        if payload["userErrors"]:
            self.doc_message.text = payload["userErrors"][0]["message"]
            return
        printed = payload["print"]
        self.doc_message.text = _("{n} new lines printed.").format(n=printed["lines"]) if printed["lines"] else _(
            "Nothing new to print: the passbook is up to date.")
        ui.download.content(base64.b64decode(printed["pdfBase64"]), f"passbook-{number}.pdf",
                            media_type="application/pdf")

    def opening_form(self) -> None:
        with ui.card().classes("w-full max-w-xl").mark("open-card"):
            ui.label(_("Open a deposit")).classes("text-lg font-medium")
            self.product = ui.select({c: f"{p['name']} ({c})" for c, p in self.products.items()},
                                     value=next(iter(self.products)), label=_("Product"),
                                     on_change=self._product_changed).props("outlined").classes("w-full").mark("product")
            self.chart = ui.label().classes("text-xs text-slate-500")
            self.account = ui.input(_("Member's savings account")).props("outlined inputmode=numeric maxlength=14").classes(
                "w-full").mark("account")
            self.amount = ui.input(_("Amount"), validation={_("Enter an amount like 100000"): lambda v: fmt.parse_amount(v) is not None}
                                   ).props("outlined inputmode=decimal").classes("w-full").mark("amount")
            self.months = ui.number(_("Term in months"), value=12, min=1, max=120, step=1, format="%d").props(
                "outlined").classes("w-full").mark("months")
            self.payout = ui.select({}, label=_("Interest")).props("outlined").classes("w-full").mark("payout")
            self.instruction = ui.select({k: _(v) for k, v in INSTRUCTION_TEXT.items()}, value="CREDIT_SAVINGS",
                                         label=_("At maturity")).props("outlined").classes("w-full").mark("instruction")
            self.cash = ui.checkbox(_("Paid in cash at the counter")).mark("cash")
            self.form60 = ui.checkbox(_("Form 60 received (no PAN)")).mark("form60")
            self.form60.bind_visibility_from(self.cash, "value")
            ui.button(_("Open deposit"), icon="savings", on_click=self.submit).mark("submit")
            self.message = ui.label().classes("text-sm").mark("message")
        self._product_changed()

    def _product_changed(self) -> None:
        product = self.products[self.product.value]
        fixed = product["kind"] == "FIXED"
        self.payout.options = {p: _(PAYOUT_CHOICE[p]) for p in product["payouts"]}
        self.payout.value = product["payouts"][0]
        self.payout.update()
        self.payout.set_visibility(fixed)
        self.instruction.set_visibility(fixed)
        self.amount.props(f'label="{_("Amount") if fixed else _("Monthly instalment")}"')
        bands = ", ".join(f"{b['minDays']}–{b['maxDays'] or '…'} {_('days')}: {b['ratePercent']} %" for b in product["rateChart"])
        self.chart.text = _("Rates: {bands}. Minimum {minimum}.").format(bands=bands, minimum=fmt.money_of(product["minimumAmount"]))
        self.key = None

    async def submit(self) -> None:
        product = self.products[self.product.value]
        amount = fmt.parse_amount(self.amount.value)
        if amount is None or amount <= 0 or not (self.account.value or "").strip():
            self.message.text = _("Enter the member's account and the amount.")
            self.message.classes(replace="text-sm text-red-700")
            return
        self.key = self.key or f"desk-{uuid.uuid4()}"
        money = {"amount": str(amount), "currency": product["currency"]}
        common = {"fromAccountNumber": self.account.value.strip(), "productCode": product["code"],
                  "tenureMonths": int(self.months.value or 0), "idempotencyKey": self.key, "fromCash": bool(self.cash.value),
                  "form60": bool(self.cash.value and self.form60.value)}
        if product["kind"] == "FIXED":
            name, doc = "openFixedDeposit", OPEN_FD
            fields = {**common, "principal": money, "payout": self.payout.value, "maturityInstruction": self.instruction.value}
        else:
            name, doc = "openRecurringDeposit", OPEN_RD
            fields = {**common, "instalment": money}
        data = await frame.call(self.api, doc, on_error=lambda m: setattr(self.message, "text", m), input=fields)
        if data is None:
            return
        payload = data[name]
        if payload["userErrors"]:
            self.message.text = " ".join(e["message"] for e in payload["userErrors"])
            self.message.classes(replace="text-sm text-red-700")
            return
        d = payload["deposit"]
        self.message.text = _("Opened {number} at {rate} %: matures {day} with {value}.").format(
            number=payload["number"], rate=d["ratePercent"], day=fmt.day(d["maturityDate"]), value=fmt.money_of(d["maturityValue"]))
        self.message.classes(replace="text-sm text-green-800")
        self.key = None
        await self.load_maturing()

    async def load_maturing(self) -> None:
        data = await frame.call(self.api, MATURING, days=int(self.days.value or 0))
        self.maturing.clear()
        if data is None:
            return
        rows = [{"number": n["number"], "member": n["memberNumber"], "product": n["productName"],
                 "date": fmt.day(n["maturityDate"]), "value": fmt.money_of(n["maturityValue"]),
                 "instruction": _(INSTRUCTION_TEXT.get(n["maturityInstruction"], n["maturityInstruction"])),
                 "lien": fmt.money_of(n["lien"]) if fmt.is_nonzero(n["lien"]) else ""}
                for n in (e["node"] for e in data["deposits"]["edges"])]
        with self.maturing:
            if not rows:
                frame.empty(_("No deposits mature in that period."))
                return
            ui.table(columns=_columns(("date", N_("Matures"), "left"), ("number", N_("Deposit"), "left"),
                                      ("member", N_("Member"), "left"), ("value", N_("Maturity value"), "right"),
                                      ("instruction", N_("Instruction"), "left"), ("lien", N_("Lien"), "right")),
                     rows=rows, row_key="number").props("dense flat").classes("w-full").mark("maturing")

    async def load_tds(self) -> None:
        quarter = int(self.quarter.value or 0) or None
        data = await frame.call(self.api, TDS_REGISTER, fy=int(self.fy.value) if self.fy.value else None, quarter=quarter)
        self.tds.clear()
        if data is None:
            return
        rows = [{"id": i, "date": fmt.day(r["creditedOn"]), "member": f"{r['memberName']} ({r['memberNumber']})",
                 "pan": _("yes") if r["panHeld"] else _("no"), "deposit": r["depositNumber"],
                 "interest": fmt.money_of(r["interest"]), "tds": fmt.money_of(r["tds"]), "rate": f"{r['ratePercent']} %",
                 "quarter": f"Q{r['quarter']}",
                 "note": _("refund: closed early") if r["reason"] == "closure-reversal" else ""}
                for i, r in enumerate(data["tdsRegister"])]
        with self.tds:
            if not rows:
                frame.empty(_("No deposit interest credited in that period."))
                return
            ui.table(columns=_columns(("date", N_("Credited"), "left"), ("member", N_("Member"), "left"),
                                      ("pan", N_("PAN"), "left"), ("deposit", N_("Deposit"), "left"),
                                      ("interest", N_("Interest"), "right"), ("tds", N_("TDS"), "right"),
                                      ("rate", N_("Rate"), "right"), ("quarter", N_("Quarter"), "left"),
                                      ("note", N_("Note"), "left")),
                     rows=rows, row_key="id").props("dense flat").classes("w-full").mark("tds")

"""The member's loans: each loan's outstanding, next EMI and schedule (paid / due / overdue rows),
Pay EMI from savings (``pay``), the foreclosure quote and closing the loan with it (``close``), the
loan statement and no-dues certificate (PDFs the API renders), and applying for a loan (``apply``).
"""

from __future__ import annotations

import base64

from fastapi import Request
from fastapi.responses import RedirectResponse
from nicegui import ui

from ui import fmt, frame
from ui.api import Api
from ui.i18n import _
from ui.pages.member.loans.apply import ApplyForm
from ui.pages.member.loans.close import CloseLoan
from ui.pages.member.loans.documents import LOAN_STATEMENT_PDF, MEMBER_LOAN, MEMBER_LOANS, NO_DUES_PDF
from ui.pages.member.loans.pay import PayEmi, amount_to_pay
from ui.pages.member.loans.texts import STATE_COLOUR, STATE_TEXT, STATUS_TEXT


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
        with ui.column().classes("w-full p-0") as holder:
            self._card(d, holder)

    async def redraw(self, holder: ui.column, number: str, done: str) -> None:
        """Draw a loan's card again from the bank (after closing it: status, buttons and schedule
        change), with ``done`` said on it."""
        detail = (await self.api.run(MEMBER_LOAN, number=number))["loan"]
        holder.clear()
        with holder:
            if detail is not None:
                self._card(detail, holder, done=done)

    def _card(self, d: dict, holder: ui.column, done: str | None = None) -> None:
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
                    if self.savings and self.api.may("closeLoan"):
                        ui.button(_("Close loan"), icon="task_alt",
                                  on_click=lambda: self.close_panel(loan, d["foreclosureQuote"], box, holder)).props(
                            "flat dense").mark("close-loan")
            box = ui.column().classes("w-full gap-0")
            if done:
                with box:
                    ui.label(done).classes("text-sm text-green-800").mark("close-done")

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
        title = _("Schedule (1 instalment)") if len(rows) == 1 else _("Schedule ({n} instalments)").format(n=len(rows))
        with ui.expansion(title, icon="event_note",
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

    def close_panel(self, loan: dict, quote: dict, box: ui.column, holder: ui.column) -> None:
        box.clear()
        with box:
            CloseLoan(self.api, loan, quote, self.savings,
                      on_closed=lambda done: self.redraw(holder, loan["loanNumber"], done))

    def apply_form(self) -> None:
        ApplyForm(self.api, self.form_box, self.products, self.savings)

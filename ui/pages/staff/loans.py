"""Lending at the branch: the applications queue (a clerk recommends; a manager sanctions or rejects with
a reason, never the one who recommended; above the sanction limit a second approver), disbursal, the
loan book filtered by branch / product / asset class, the demand list of dues for the next N days, and
the NPA and provisioning statement with its CSV and PDF (the reports' own ``npaStatement``).

Each button appears only for roles the API's policy lets call its mutation; the maker-checker rule
itself is the API's (``APPROVAL_SAME_USER``), and its refusal is shown as it comes.
"""

from __future__ import annotations

import base64
from fastapi import Request
from fastapi.responses import RedirectResponse
from nicegui import ui

from ui import fmt, frame
from ui.api import Api
from ui.i18n import N_, _
from ui.pages.member.loans.texts import STATUS_TEXT
from ui.pages.staff.common import open_staff_page
from ui.pages.staff.reports import document as report_document
from ui.pages.staff.reports import show_report

MONEY = "{ amount currency }"
LOAN_ROW = f"loanNumber memberNumber accountNumber productCode branchCode status principal {MONEY} " \
           f"outstandingPrincipal {MONEY} interestDue {MONEY} chargesDue {MONEY} daysPastDue assetClass nextDueDate"

LOAN_QUEUE = """
query LoanQueue {
  applied: loans(status: APPLIED, first: 40) { edges { node { loanNumber } } }
  recommended: loans(status: RECOMMENDED, first: 40) { edges { node { loanNumber } } }
  sanctioned: loans(status: SANCTIONED, first: 40) { edges { node { loanNumber } } }
}"""

LOAN_APPLICATION = f"""
query LoanApplication($number: String!) {{
  loan(number: $number) {{
    loan {{ loanNumber memberNumber accountNumber productCode status principal {MONEY} }}
    tenureMonths annualRateBps emi {MONEY} purpose appliedOn recommendedBy sanctionedBy awaitingSecondApproval
    decisionReason eligibility {{ code ok detail }}
  }}
}}"""

DECIDE = """
mutation RecommendLoan($loanNumber: String!) {
  recommendLoan(loanNumber: $loanNumber) { loan { loan { status } } userErrors { code message } } }"""
SANCTION = """
mutation SanctionLoan($loanNumber: String!) {
  sanctionLoan(loanNumber: $loanNumber) { loan { loan { status } awaitingSecondApproval } userErrors { code message } } }"""
REJECT = """
mutation RejectLoan($loanNumber: String!, $reason: String!) {
  rejectLoan(loanNumber: $loanNumber, reason: $reason) { loan { loan { status } } userErrors { code message } } }"""
DISBURSE = """
mutation DisburseLoan($loanNumber: String!) {
  disburseLoan(loanNumber: $loanNumber) { loan { loan { status } } userErrors { code message } } }"""

LOAN_BOOK = f"""
query LoanBook($branchCode: String, $productCode: String, $assetClass: AssetClass, $status: LoanStatus, $after: String) {{
  loans(first: 100, after: $after, branchCode: $branchCode, productCode: $productCode, assetClass: $assetClass,
        status: $status) {{ edges {{ node {{ {LOAN_ROW} }} }} pageInfo {{ hasNextPage endCursor }} }}
  loanProducts {{ code name }}
}}"""

DEMAND_LIST = f"""
query LoanDemandList($days: Int!, $branchCode: String) {{
  loanDemandList(days: $days, branchCode: $branchCode) {{
    loanNumber memberNumber memberName repaymentAccountNumber branchCode instalmentNumber dueDate amountDue {MONEY} overdue }}
}}"""

CLASSES = ("STANDARD", "SMA_0", "SMA_1", "SMA_2", "SUBSTANDARD", "DOUBTFUL_1", "DOUBTFUL_2", "DOUBTFUL_3", "LOSS")
STATUSES = ("ACTIVE", "APPLIED", "RECOMMENDED", "SANCTIONED", "CLOSED", "WRITTEN_OFF", "REJECTED")
CHECK_TEXT = {"KYC_VERIFIED": N_("KYC verified"), "NO_NPA_LOAN": N_("No NPA loan"), "GUARANTORS": N_("Guarantors confirmed")}


@ui.page("/staff/loans")
async def loans_page(request: Request) -> RedirectResponse | None:
    api = await open_staff_page(request, "Loans", "/staff/loans")
    if not isinstance(api, Api):
        return api
    with frame.body():
        with frame.tabs() as tabs:
            queue_tab = ui.tab(_("Applications")).mark("tab-queue")
            book_tab = ui.tab(_("Loan book")).mark("tab-book")
            demand_tab = ui.tab(_("Demand list")).mark("tab-demand")
            npa_tab = ui.tab(_("NPA and provisioning")).mark("tab-npa") if api.may("npaStatement") else None
        with ui.tab_panels(tabs, value=queue_tab).classes("w-full"):
            with ui.tab_panel(queue_tab):
                await Queue(api).draw()
            with ui.tab_panel(book_tab):
                LoanBook(api).draw()
            with ui.tab_panel(demand_tab):
                demand_panel(api)
            if npa_tab is not None:
                with ui.tab_panel(npa_tab):
                    await npa_panel(api)
    return None


class Queue:
    """Applications waiting for a decision, and sanctioned loans waiting for disbursal."""

    def __init__(self, api: Api) -> None:
        self.api = api

    async def draw(self) -> None:
        self.message = ui.label().classes("text-sm").mark("queue-message")
        self.box = ui.column().classes("w-full gap-2")
        await self.refresh()

    async def refresh(self) -> None:
        async def draw() -> None:
            data = await self.api.run(LOAN_QUEUE)
            numbers = [e["node"]["loanNumber"] for key in ("applied", "recommended", "sanctioned") for e in data[key]["edges"]]
            if not numbers:
                frame.empty(_("No applications waiting."))
            for number in numbers:
                detail = (await self.api.run(LOAN_APPLICATION, number=number))["loan"]
                if detail is not None:
                    self.card(detail)

        await frame.section(self.api, self.box, draw)

    def card(self, d: dict) -> None:
        loan = d["loan"]
        number = loan["loanNumber"]
        status = loan["status"]
        with ui.card().classes("w-full").mark(f"application {number}"):
            with ui.row().classes("w-full items-center no-wrap"):
                ui.label(f"{loan['productCode']} · {number}").classes("font-medium")
                ui.space()
                ui.badge(_(STATUS_TEXT.get(status, status)), color="primary").mark(f"status {number}")
            ui.label(_("Member {member}: {amount} over {months} months at {rate} %, EMI {emi}; repays from {account}.").format(
                member=loan["memberNumber"], amount=fmt.money_of(loan["principal"]), months=d["tenureMonths"],
                rate=f"{d['annualRateBps'] / 100:.2f}", emi=fmt.money_of(d["emi"]), account=loan["accountNumber"])
            ).classes("text-sm")
            if d["purpose"]:
                ui.label(_("Purpose: {purpose}").format(purpose=d["purpose"])).classes("text-sm text-slate-600")
            with ui.row().classes("gap-3 text-sm"):
                for check in d["eligibility"]:
                    ui.label(("✓ " if check["ok"] else "✗ ") + _(CHECK_TEXT.get(check["code"], check["code"]))
                             + ("" if check["ok"] else f" ({check['detail']})")).classes(
                        "text-green-800" if check["ok"] else "text-red-700").mark(f"check {check['code']}")
            who = [_("applied {day}").format(day=fmt.day(d["appliedOn"]))]
            if d["recommendedBy"]:
                who.append(_("recommended by {who}").format(who=d["recommendedBy"]))
            if d["sanctionedBy"]:
                who.append(_("sanctioned by {who}").format(who=d["sanctionedBy"]))
            ui.label(" · ".join(who)).classes("text-xs text-slate-500")
            if d["awaitingSecondApproval"]:
                ui.label(_("Above the sanction limit: a second manager or an admin must sanction too.")).classes(
                    "text-sm text-amber-800")
            with ui.row().classes("w-full gap-2 items-center"):
                if status == "APPLIED" and self.api.may("recommendLoan"):
                    ui.button(_("Recommend"), on_click=lambda: self.act(DECIDE, "recommendLoan", number,
                                                                        _("Recommended."))).mark(f"recommend {number}")
                if status == "RECOMMENDED" and self.api.may("sanctionLoan"):
                    ui.button(_("Sanction"), color="positive", on_click=lambda: self.act(
                        SANCTION, "sanctionLoan", number, _("Sanctioned."))).mark(f"sanction {number}")
                if status in ("APPLIED", "RECOMMENDED") and self.api.may("rejectLoan"):
                    reason = ui.input(_("Reason to reject")).props("outlined dense maxlength=200").classes(
                        "w-full sm:w-64").mark(f"reason {number}")
                    ui.button(_("Reject"), color="negative", on_click=lambda: self.act(
                        REJECT, "rejectLoan", number, _("Rejected."), reason=reason.value or "")).props("outline").mark(
                        f"reject {number}")
                if status == "SANCTIONED" and self.api.may("disburseLoan"):
                    ui.button(_("Disburse"), icon="payments", on_click=lambda: self.act(
                        DISBURSE, "disburseLoan", number, _("Disbursed."))).mark(f"disburse {number}")

    async def act(self, document: str, field: str, number: str, done: str, **extra: str) -> None:
        data = await frame.call(self.api, document, on_error=self.refused, loanNumber=number, **extra)
        if data is None:
            return
        errors = data[field]["userErrors"]
        if errors:
            self.refused(" ".join(e["message"] for e in errors))
            return
        payload = data[field]["loan"]
        if field == "sanctionLoan" and payload and payload["awaitingSecondApproval"]:
            done = _("First sanction recorded: a second approver must sanction too.")
        self.message.text = f"{number}: {done}"
        self.message.classes(replace="text-sm text-green-800")
        await self.refresh()

    def refused(self, text: str) -> None:
        self.message.text = text
        self.message.classes(replace="text-sm text-red-700")


class LoanBook:
    def __init__(self, api: Api) -> None:
        self.api = api

    def draw(self) -> None:
        with ui.row().classes("w-full items-end gap-2"):
            self.branch = ui.input(_("Branch code")).props("outlined dense").classes("w-32").mark("book-branch")
            self.product = ui.input(_("Product code")).props("outlined dense").classes("w-32").mark("book-product")
            self.asset_class = ui.select({"": _("Any class"), **{c: c for c in CLASSES}}, value="", label=_("Asset class")).props(
                "outlined dense").classes("w-40").mark("book-class")
            self.status = ui.select({"": _("Any status"), **{s: _(STATUS_TEXT[s]) for s in STATUSES}}, value="ACTIVE",
                                    label=_("Status")).props("outlined dense").classes("w-40").mark("book-status")
            ui.button(_("Show"), on_click=lambda: self.load()).props("unelevated").mark("book-show")
        self.box = ui.column().classes("w-full")

    async def load(self, after: str | None = None) -> None:
        variables = {"branchCode": (self.branch.value or "").strip() or None,
                     "productCode": (self.product.value or "").strip().upper() or None,
                     "assetClass": self.asset_class.value or None, "status": self.status.value or None, "after": after}

        async def draw() -> None:
            data = (await self.api.run(LOAN_BOOK, **variables))["loans"]
            rows = [e["node"] for e in data["edges"]]
            if not rows:
                frame.empty(_("No loans match."))
                return
            ui.table(columns=[
                {"name": k, "label": label, "field": k, "align": "right" if k in ("outstanding", "dpd", "due") else "left"}
                for k, label in (("loan", _("Loan")), ("member", _("Member")), ("product", _("Product")), ("branch", _("Branch")),
                                 ("status", _("Status")), ("outstanding", _("Outstanding")), ("due", _("Interest due")),
                                 ("dpd", _("Days past due")), ("class", _("Asset class")), ("next", _("Next due")))
            ], rows=[{"loan": r["loanNumber"], "member": r["memberNumber"], "product": r["productCode"],
                      "branch": r["branchCode"], "status": r["status"], "outstanding": fmt.money_of(r["outstandingPrincipal"]),
                      "due": fmt.money_of(r["interestDue"]), "dpd": r["daysPastDue"], "class": r["assetClass"],
                      "next": fmt.day(r["nextDueDate"]) if r["nextDueDate"] else ""} for r in rows],
                row_key="loan", pagination=0).props("dense flat wrap-cells").classes("w-full").mark("book-table")
            if data["pageInfo"]["hasNextPage"]:
                ui.button(_("Next 100"), on_click=lambda: self.load(data["pageInfo"]["endCursor"])).props("flat")

        await frame.section(self.api, self.box, draw)


def demand_panel(api: Api) -> None:
    with ui.row().classes("w-full items-end gap-2"):
        days = ui.number(_("Due in the next N days"), value=7, min=0, max=366, step=1, format="%d").props(
            "outlined dense").classes("w-48").mark("demand-days")
        branch = ui.input(_("Branch code")).props("outlined dense").classes("w-32").mark("demand-branch")
        ui.button(_("Show"), on_click=lambda: load()).props("unelevated").mark("demand-show")
    box = ui.column().classes("w-full")

    async def load() -> None:
        async def draw() -> None:
            rows = (await api.run(DEMAND_LIST, days=int(days.value or 0), branchCode=(branch.value or "").strip() or None)
                    )["loanDemandList"]
            if not rows:
                frame.empty(_("Nothing falls due in this period."))
                return
            ui.label(_("{n} instalments, {overdue} of them overdue.").format(
                n=len(rows), overdue=sum(1 for r in rows if r["overdue"]))).classes("text-sm").mark("demand-summary")
            ui.table(columns=[
                {"name": k, "label": label, "field": k, "align": "right" if k == "amount" else "left"}
                for k, label in (("due", _("Due")), ("loan", _("Loan")), ("member", _("Member")), ("name", _("Name")),
                                 ("account", _("Repays from")), ("number", "#"), ("amount", _("Amount due")),
                                 ("state", _("State")))
            ], rows=[{"i": i, "due": fmt.day(r["dueDate"]), "loan": r["loanNumber"], "member": r["memberNumber"],
                      "name": r["memberName"], "account": r["repaymentAccountNumber"], "number": r["instalmentNumber"],
                      "amount": fmt.money_of(r["amountDue"]), "state": _("Overdue") if r["overdue"] else _("Due")}
                     for i, r in enumerate(rows)], row_key="i", pagination=0).props("dense flat wrap-cells").classes(
                "w-full").mark("demand-table")

        await frame.section(api, box, draw)


async def npa_panel(api: Api) -> None:
    """The reports' NPA and provisioning statement (``npaStatement``): figures, chart, CSV and PDF."""
    today = await frame.business_date(api)  # before drawing: no half-drawn row
    with ui.row().classes("w-full items-end gap-2"):
        as_of = frame.date_input(_("As of"), today).mark("npa-asof")
        ui.button(_("Show"), on_click=lambda: load()).props("unelevated").mark("npa-show")
    box = ui.column().classes("w-full gap-3")
    shown: dict = {}

    async def load() -> None:
        day = fmt.parse_day(as_of.value)
        if day is None:
            return
        variables = {"asOf": day.isoformat(), "currency": "INR"}

        async def draw() -> None:
            report = (await api.run(report_document("npaStatement", False, False), **variables))["npaStatement"]
            shown.update(variables=variables, name=report["name"], asOf=report["asOf"])
            show_report(report, download)

        await frame.section(api, box, draw)

    async def download(kind: str) -> None:
        extra = "csv" if kind == "csv" else "pdfBase64"
        data = await frame.call(api, report_document("npaStatement", False, False, extra), **shown["variables"])
        if data is None:
            return
        report = data["npaStatement"]
        filename = f"{shown['name']}-{shown['asOf']}.{kind}"
        if kind == "csv":
            ui.download.content(report["csv"].encode(), filename, "text/csv")
        else:
            ui.download.content(base64.b64decode(report["pdfBase64"]), filename, "application/pdf")

"""Reports: pick a report and a date, read the figures (charts where a picture reads
better: balance sheet, P&L, deposit and loan mix, NPA classes), check the tie-outs, and
download the same report as CSV or PDF. Every figure comes from the report's GraphQL
query; the role sees only the reports the API's policy lets it run."""

from __future__ import annotations

import base64
from decimal import Decimal

from fastapi import Request
from fastapi.responses import RedirectResponse
from nicegui import ui

from ui import fmt, frame
from ui.api import Api
from ui.i18n import N_, _
from ui.pages.staff.common import open_staff_page

REPORT_FIELDS = """
    name title subtitle asOf fromDate currency ok gaps
    columns { key label kind } rows { style cells } checks { name ok detail } summary { label display }"""

# (root field, label, takes a period start, takes an account), in the order of the menu.
REPORTS: tuple[tuple[str, str, bool, bool], ...] = (
    ("balanceSheet", N_("Balance sheet (Form A)"), False, False),
    ("profitAndLoss", N_("Profit and loss (Form B)"), True, False),
    ("trialBalanceReport", N_("Trial balance"), False, False),
    ("dayBook", N_("Day book"), False, False),
    ("cashBook", N_("Cash book"), False, False),
    ("generalLedger", N_("General ledger"), True, True),
    ("depositsReport", N_("Deposits by product and maturity"), False, False),
    ("loansOutstanding", N_("Loans outstanding"), False, False),
    ("npaStatement", N_("NPA and provisioning"), False, False),
    ("crrReturn", N_("CRR return (Form B)"), False, False),
    ("slrReturn", N_("SLR return (Form I)"), False, False),
    ("dicgcReturn", N_("DICGC premium"), False, False),
    ("inoperativeAccounts", N_("Inoperative and unclaimed accounts"), False, False),
    ("kycDueList", N_("KYC due"), False, False),
    ("demandList", N_("Demand and overdue list"), False, False),
    ("shareRegisterReport", N_("Share register"), False, False),
    ("dividendRegisterReport", N_("Dividend register"), False, False),
    ("tdsRegisterReport", N_("TDS register (s.194A)"), True, False),
)


def document(field: str, period: bool, account: bool, extra: str = "") -> str:
    args = ["$asOf: Date!", "$currency: String"] + (["$fromDate: Date"] if period else []) + (
        ["$account: String"] if account else [])
    call = ["asOf: $asOf", "currency: $currency"] + (["fromDate: $fromDate"] if period else []) + (
        ["account: $account"] if account else [])
    name = field[0].upper() + field[1:]
    return f"query {name}({', '.join(args)}) {{ {field}({', '.join(call)}) {{ {REPORT_FIELDS} {extra} }} }}"


@ui.page("/staff/reports")
async def reports_page(request: Request) -> RedirectResponse | None:
    api = await open_staff_page(request, _("Reports"), "/staff/reports")
    if not isinstance(api, Api):
        return api
    with frame.body():
        await ReportsView(api).draw()
    return None


class ReportsView:
    def __init__(self, api: Api) -> None:
        self.api = api
        self.available = [r for r in REPORTS if api.may(r[0])]
        self.current: dict | None = None

    async def draw(self) -> None:
        if not self.available:
            frame.refusal(_("No report is available for your role."))
            return
        # Ask for the date before drawing: an await between the fields would show half a form
        # (tests and people would find the report menu but no Show button yet).
        today = await frame.business_date(self.api)
        with ui.row().classes("w-full items-end gap-2"):
            self.which = ui.select({r[0]: _(r[1]) for r in self.available}, value=self.available[0][0],
                                   label=_("Report"), on_change=lambda: self._inputs()).props(
                "outlined dense").classes("w-72").mark("report-name")
            self.as_of = frame.date_input(_("As of"), today).mark("report-asof")
            self.from_date = frame.date_input(_("From")).mark("report-from")
            self.account = ui.input(_("Account or GL code")).props("outlined dense").classes("w-44").mark(
                "report-account")
            self.currency = ui.select(["INR", "CZK", "EUR", "USD"], value="INR", label=_("Currency")).props(
                "outlined dense").classes("w-28")
            ui.button(_("Show"), on_click=self.load).props("unelevated").mark("report-show")
        self.box = ui.column().classes("w-full gap-3")
        self._inputs()

    def _spec(self) -> tuple[str, str, bool, bool]:
        return next(r for r in self.available if r[0] == self.which.value)

    def _inputs(self) -> None:
        _field, _label, period, account = self._spec()
        self.from_date.set_visibility(period)
        self.account.set_visibility(account)

    async def load(self) -> None:
        field, _label, period, account = self._spec()
        day = fmt.parse_day(self.as_of.value)
        if day is None:
            frame.error(_("Enter the date as DD-MM-YYYY."))
            return
        start = fmt.parse_day(self.from_date.value) if period else None
        variables: dict = {"asOf": day.isoformat(), "currency": self.currency.value}
        if period:
            variables["fromDate"] = start.isoformat() if start else None
        if account:
            variables["account"] = (self.account.value or "").strip() or None

        async def draw() -> None:
            report = (await self.api.run(document(field, period, account), **variables))[field]
            self.current = {"field": field, "period": period, "account": account, "variables": variables,
                            "name": report["name"], "asOf": report["asOf"]}
            show_report(report, self.download)

        await frame.section(self.api, self.box, draw)

    async def download(self, kind: str) -> None:
        """Fetch the CSV or PDF of the report on screen from the API and hand it to the browser."""
        c = self.current
        if c is None:
            return
        extra = "csv" if kind == "csv" else "pdfBase64"
        data = await frame.call(self.api, document(c["field"], c["period"], c["account"], extra), **c["variables"])
        if data is None:
            return
        report = data[c["field"]]
        filename = f"{c['name']}-{c['asOf']}.{kind}"
        if kind == "csv":
            ui.download.content(report["csv"].encode(), filename, "text/csv")
        else:
            ui.download.content(base64.b64decode(report["pdfBase64"]), filename, "application/pdf")


def show_report(report: dict, download) -> None:  # noqa: ANN001 - an async callable
    with ui.row().classes("w-full items-center gap-2"):
        with ui.column().classes("gap-0"):
            ui.label(report["title"]).classes("text-lg font-semibold").mark("report-title")
            ui.label(f"{report['subtitle']} · {report['currency']}").classes("text-sm text-slate-500")
        ui.space()
        ui.button("CSV", icon="download", on_click=lambda: download("csv")).props("outline dense").mark("report-csv")
        ui.button("PDF", icon="picture_as_pdf", on_click=lambda: download("pdf")).props("outline dense").mark(
            "report-pdf")
    if report["summary"]:
        with ui.grid().classes("w-full gap-2 grid-cols-2 sm:grid-cols-4"):
            for item in report["summary"]:
                with ui.card().classes("gap-0 p-2"):
                    ui.label(item["label"]).classes("text-xs text-slate-500")
                    ui.label(item["display"]).classes("font-semibold").mark(f"tile {item['label']}")
    for check in report["checks"]:
        ui.label(("✓ " if check["ok"] else "✗ ") + check["name"]).classes(
            "text-sm font-medium " + ("text-green-800" if check["ok"] else "text-red-700")).mark("report-check")
    for gap in report["gaps"]:
        with ui.row().classes("items-start gap-1 text-amber-900 text-sm").mark("report-gap"):
            ui.icon("info", color="orange")
            ui.label(_("Not included: ") + gap).classes("flex-1")
    chart = chart_of(report)
    if chart:
        ui.echart(chart).classes("w-full h-72").mark("report-chart")
    table(report)


def table(report: dict) -> None:
    columns = report["columns"]
    if not report["rows"]:
        frame.empty(_("Nothing to report for this date."))
        return
    shown = report["rows"][:2000]
    money = {c["key"] for c in columns if c["kind"] == "money"}
    rows = []
    for i, r in enumerate(shown):
        row = {"_i": i, "_style": r["style"]}
        for col, cell in zip(columns, r["cells"], strict=True):
            if col["key"] in money and cell:
                row[col["key"]] = fmt.money(cell, report["currency"])
            elif col["kind"] == "date" and cell:
                row[col["key"]] = fmt.day(cell)
            else:
                row[col["key"]] = ("    " + cell) if r["style"] == "detail" and col["key"] == "name" else cell
        rows.append(row)
    t = ui.table(
        columns=[{"name": c["key"], "label": c["label"], "field": c["key"],
                  "align": "right" if c["kind"] in ("money", "count") else "left"} for c in columns],
        rows=rows, row_key="_i", pagination=0 if len(rows) <= 200 else 100,
    ).props("dense flat wrap-cells").classes("w-full").mark("report-table")
    t.add_slot("body", r"""
        <q-tr :props="props" :class="props.row._style === 'total' ? 'bg-slate-100 font-semibold'
              : props.row._style === 'line' ? 'font-semibold' : props.row._style === 'detail' ? 'text-slate-600' : ''">
          <q-td v-for="col in props.cols" :key="col.name" :props="props">{{ col.value }}</q-td>
        </q-tr>""")
    if len(report["rows"]) > len(shown):
        ui.label(_("The first {n} rows are shown; download the CSV or PDF for all {total}.").format(
            n=len(shown), total=len(report["rows"]))).classes("text-sm text-slate-500")


def _major(cell: str) -> int:
    # ECharts needs numbers: whole units are plenty for a picture (the table has the exact figures).
    return int(Decimal(cell or "0"))


def chart_of(report: dict) -> dict | None:
    """A chart for the reports people would rather look at than read; None for lists."""
    name = report["name"]
    keys = [c["key"] for c in report["columns"]]
    rows = report["rows"]
    if name in ("balance-sheet", "profit-and-loss"):
        sections = ["LIABILITIES", "ASSETS"] if name == "balance-sheet" else ["INCOME", "EXPENDITURE"]
        lines = [r["cells"] for r in rows if r["style"] == "line" and r["cells"][0] in sections and _major(r["cells"][3])]
        if not lines:
            return None
        return {"tooltip": {"trigger": "item"}, "legend": {"top": 0, "type": "scroll"},
                "grid": {"left": 90, "right": 20, "top": 50, "bottom": 30},
                "xAxis": {"type": "category", "data": [_(s.title()) for s in sections]}, "yAxis": {"type": "value"},
                "series": [{"name": c[2], "type": "bar", "stack": "total", "barMaxWidth": 80,
                            "data": [_major(c[3]) if c[0] == s else 0 for s in sections]} for c in lines]}
    if name == "deposits":
        parts = [(r["cells"][2], _major(r["cells"][4])) for r in rows if r["cells"][0] == "PRODUCT" and r["style"] == ""]
        return _pie(_("Deposit mix by product"), parts)
    if name == "loans-outstanding":
        totals: dict[str, int] = {}
        for r in rows:
            if r["style"] == "":
                totals[r["cells"][1]] = totals.get(r["cells"][1], 0) + _major(r["cells"][4])
        return _pie(_("Loan mix by product"), list(totals.items()))
    if name == "npa":
        i = keys.index("outstanding")
        return _pie(_("Advances by asset class"), [(r["cells"][0], _major(r["cells"][i])) for r in rows if r["style"] == ""])
    return None


def _pie(title: str, parts: list[tuple[str, int]]) -> dict | None:
    if not parts:
        return None
    return {"title": {"text": title, "left": "center", "textStyle": {"fontSize": 14}}, "tooltip": {"trigger": "item"},
            "series": [{"type": "pie", "radius": ["35%", "65%"], "top": 20,
                        "data": [{"name": n, "value": v} for n, v in parts]}]}

"""The books: chart of accounts with balances, the journal with filters, the trial balance
as of a date, and a run of the ledger verification."""

from __future__ import annotations


from fastapi import Request
from fastapi.responses import RedirectResponse
from ui.i18n import N_, _
from nicegui import ui

from ui import fmt, frame
from ui.api import Api
from ui.paging import CursorPages
from ui.pages.staff.common import open_staff_page

CHART_OF_ACCOUNTS = """
query ChartOfAccounts($asOf: Date) {
  ledgerAccounts(asOf: $asOf) { code name kind currency isControl parentCode balance { amount currency } }
}"""

TRIAL_BALANCE = """
query TrialBalance($asOf: Date!, $currency: String!) {
  trialBalance(asOf: $asOf, currency: $currency) {
    asOf currency balanced totalDebit { amount currency } totalCredit { amount currency }
    rows { code name kind debit { amount currency } credit { amount currency } }
  }
}"""

JOURNAL = """
query Journal($fromDate: Date, $toDate: Date, $accountNumber: String, $entryType: EntryType, $after: String) {
  journalEntries(fromDate: $fromDate, toDate: $toDate, accountNumber: $accountNumber, entryType: $entryType,
                 first: 25, after: $after) {
    pageInfo { hasNextPage endCursor }
    edges { node { entryId entryType valueDate narration initiator reversedByEntryId
                   postings { ledgerAccountCode side amount { amount currency } } } }
  }
}"""

LEDGER_VERIFICATION = """
query LedgerVerification { ledgerVerification { ok entries postings trackedAccounts problems } }"""

ENTRY_TYPES = ["CASH_DEPOSIT", "CASH_WITHDRAWAL", "TRANSFER", "REVERSAL", "INTEREST", "FEE", "LOAN_DISBURSAL",
               "LOAN_REPAYMENT", "INWARD_TRANSFER", "OUTWARD_TRANSFER", "CARD_WITHDRAWAL", "PENAL_INTEREST", "ADJUSTMENT"]


@ui.page("/staff/books")
async def books_page(request: Request) -> RedirectResponse | None:
    api = await open_staff_page(request, "Books", "/staff/books")
    if not isinstance(api, Api):
        return api
    with frame.body():
        with frame.tabs() as tabs:
            chart_tab = ui.tab(_("Chart of accounts"))
            tb_tab = ui.tab(_("Trial balance")).mark("tab-tb")
            journal_tab = ui.tab(_("Journal")).mark("tab-journal")
            verify_tab = ui.tab(_("Verify")).mark("tab-verify")
        with ui.tab_panels(tabs, value=chart_tab).classes("w-full"):
            with ui.tab_panel(chart_tab):
                await chart_panel(api)
            with ui.tab_panel(tb_tab):
                await trial_balance_panel(api)
            with ui.tab_panel(journal_tab):
                await Journal(api).draw()
            with ui.tab_panel(verify_tab):
                verify_panel(api)
    return None


# On a phone (Quasar's xs, under 600 px) the descriptive columns wrap and the kind and type
# columns are left out, so the amounts stay on the screen; wider tables still scroll in their card.
_WRAP = {"name", "narration"}
_PHONE_HIDDEN = {"kind", "type"}


def _columns(*spec: tuple[str, str, str]) -> list[dict]:
    columns = []
    for k, label, align in spec:
        column = {"name": k, "label": _(label), "field": k, "align": align}
        if k in _WRAP:
            column |= {"classes": "whitespace-normal", "style": "min-width: 8rem"}
        if k in _PHONE_HIDDEN:
            column |= {"classes": "gt-xs", "headerClasses": "gt-xs"}
        columns.append(column)
    return columns


async def chart_panel(api: Api) -> None:
    today = await frame.business_date(api)  # the bank's date, never the wall clock
    with ui.row().classes("items-end gap-2"):
        as_of = frame.date_input(_("As of"), today).mark("chart-asof")
        ui.button(_("Show"), on_click=lambda: load()).props("unelevated")
    box = ui.column().classes("w-full")

    async def load() -> None:
        async def draw() -> None:
            day = fmt.parse_day(as_of.value)
            rows = (await api.run(CHART_OF_ACCOUNTS, asOf=day.isoformat() if day else None))["ledgerAccounts"]
            if not rows:
                frame.empty(_("No accounts in the chart yet."))
                return
            ui.table(columns=_columns(("code", N_("Code"), "left"), ("name", N_("Name"), "left"), ("kind", N_("Kind"), "left"),
                                      ("balance", N_("Balance"), "right")),
                     rows=[{"code": r["code"], "name": ("· " if r["parentCode"] else "") + r["name"], "kind": r["kind"].lower(),
                            "balance": fmt.money_of(r["balance"])} for r in rows],
                     row_key="code").props("dense flat").classes("w-full").mark("chart")
        await frame.section(api, box, draw)

    await load()


async def trial_balance_panel(api: Api) -> None:
    today = await frame.business_date(api)  # the bank's date, never the wall clock
    with ui.row().classes("items-end gap-2"):
        as_of = frame.date_input(_("As of"), today).mark("tb-asof")
        currency = ui.select(["INR", "CZK", "EUR", "USD"], value="INR", label=_("Currency")).props("outlined dense").mark("tb-currency")
        ui.button(_("Show"), on_click=lambda: load()).props("unelevated").mark("tb-show")
    box = ui.column().classes("w-full")

    async def load() -> None:
        async def draw() -> None:
            day = fmt.parse_day(as_of.value) or today
            tb = (await api.run(TRIAL_BALANCE, asOf=day.isoformat(), currency=currency.value))["trialBalance"]
            rows = [{"code": r["code"], "name": r["name"], "debit": fmt.money_of(r["debit"]), "credit": fmt.money_of(r["credit"])}
                    for r in tb["rows"]]
            rows.append({"code": "", "name": _("Total"), "debit": fmt.money_of(tb["totalDebit"]),
                         "credit": fmt.money_of(tb["totalCredit"])})
            ui.table(columns=_columns(("code", N_("Code"), "left"), ("name", N_("Name"), "left"), ("debit", N_("Debit"), "right"),
                                      ("credit", N_("Credit"), "right")), rows=rows, row_key="name").props("dense flat").classes(
                "w-full").mark("tb")
            ui.label(_("Balanced") if tb["balanced"] else _("NOT BALANCED")).classes(
                "font-semibold " + ("text-green-800" if tb["balanced"] else "text-red-700")).mark("tb-status")
        await frame.section(api, box, draw)

    await load()


class Journal(CursorPages):
    def __init__(self, api: Api) -> None:
        self.api = api
        self.cursors: list[str | None] = [None]

    async def draw(self) -> None:
        with ui.row().classes("w-full items-end gap-2"):
            self.from_input = frame.date_input(_("From")).mark("j-from")
            self.to_input = frame.date_input(_("To")).mark("j-to")
            self.account = ui.input(_("Account number")).props("outlined dense").mark("j-account")
            self.kind = ui.select({"": _("Any type"), **{t: t.lower().replace("_", " ") for t in ENTRY_TYPES}}, value="",
                                  label=_("Type")).props("outlined dense").classes("w-44")
            ui.button(_("Filter"), on_click=self.filter).props("unelevated").mark("j-filter")
        self.box = ui.column().classes("w-full")
        with ui.row():
            self.prev = ui.button(_("Newer"), on_click=self.previous).props("flat")
            self.next = ui.button(_("Older"), on_click=self.older).props("flat").mark("j-older")
        await self.load()

    async def load(self) -> None:
        self.end_cursor = None

        async def draw() -> None:
            start, end = fmt.parse_day(self.from_input.value), fmt.parse_day(self.to_input.value)
            data = await self.api.run(JOURNAL, fromDate=start.isoformat() if start else None,
                                      toDate=end.isoformat() if end else None,
                                      accountNumber=(self.account.value or "").strip() or None,
                                      entryType=self.kind.value or None, after=self.cursors[-1])
            page = data["journalEntries"]
            self.end_cursor = page["pageInfo"]["endCursor"] if page["pageInfo"]["hasNextPage"] else None
            if not page["edges"]:
                frame.empty(_("No entries match."))
                return
            rows = []
            for edge in page["edges"]:
                e = edge["node"]
                legs = "; ".join(f"{p['side'][0]} {p['ledgerAccountCode']} {fmt.money_of(p['amount'])}" for p in e["postings"])
                rows.append({"id": e["entryId"], "date": fmt.day(e["valueDate"]), "type": e["entryType"].lower().replace("_", " "),
                             "narration": e["narration"], "by": e["initiator"], "postings": legs})
            ui.table(columns=_columns(("id", N_("Entry"), "left"), ("date", N_("Date"), "left"), ("type", N_("Type"), "left"),
                                      ("narration", N_("Narration"), "left"), ("by", N_("By"), "left"), ("postings", N_("Postings"), "left")),
                     rows=rows, row_key="id").props("dense flat wrap-cells").classes("w-full").mark("journal")

        await frame.section(self.api, self.box, draw)
        self.prev.set_visibility(len(self.cursors) > 1)
        self.next.set_visibility(bool(self.end_cursor))


def verify_panel(api: Api) -> None:
    box = ui.column().classes("w-full")

    async def run() -> None:
        async def draw() -> None:
            r = (await api.run(LEDGER_VERIFICATION))["ledgerVerification"]
            ui.label((_("Books verified: {0} entries, {1} postings, {2} account balances") if r["ok"]
                      else _("Problems found: {0} entries, {1} postings, {2} account balances")).format(
                f"{r['entries']:,}", f"{r['postings']:,}", f"{r['trackedAccounts']:,}")).classes(
                "font-semibold " + ("text-green-800" if r["ok"] else "text-red-700")).mark("verify-result")
            for problem in r["problems"]:
                ui.label(problem).classes("text-sm text-red-700 font-mono")
        await frame.section(api, box, draw)

    ui.button(_("Run verify"), icon="rule", on_click=run).mark("verify")

"""Statements for download: choose an account and a period, get a PDF or a CSV."""

from __future__ import annotations

from datetime import date, timedelta

from fastapi import Request
from fastapi.responses import RedirectResponse
from ui.i18n import _
from nicegui import ui

from ui import fmt, frame
from ui.api import Api, ApiError, SignedOut
from ui.statement_pdf import StatementData, statement_csv, statement_pdf

STATEMENT_ACCOUNTS = """
query StatementAccounts { me { member { memberNumber fullName accounts { number currency product { name } } } } }"""

STATEMENT_PAGE = """
query StatementPage($number: String!, $fromDate: Date!, $toDate: Date!, $after: String) {
  account(number: $number) {
    number currency product { name }
    statement(fromDate: $fromDate, toDate: $toDate, first: 250, after: $after) {
      openingBalance { amount currency }
      closingBalance { amount currency }
      nextCursor
      lines {
        entryId valueDate narration
        debit { amount currency } credit { amount currency } runningBalance { amount currency }
      }
    }
  }
}"""

STATEMENT_UPI = """
query StatementUpi($number: String!) { upiQr(accountNumber: $number) { uri vpa } }"""

# 250 lines a page keeps each request at a quarter of the query cost ceiling (graphql_api/cost.py).
MAX_PAGES = 80  # 20,000 lines: a statement longer than that belongs to a branch request


@ui.page("/member/statements")
async def statements_page(request: Request) -> RedirectResponse | None:
    api = await frame.signed_in(request)
    if api is None:
        return frame.to_sign_in()
    if frame.shell(api, "Statements", audience=frame.MEMBER):
        with frame.body():
            await StatementForm(api, request.query_params.get("account")).draw()
    return None


async def fetch_statement(api: Api, member: dict, number: str, start: date, end: date) -> StatementData | None:
    """Every line of the period, page by page; None when the account is not the member's."""
    lines: list[dict] = []
    after = None
    opening = closing = None
    account = None
    for _page in range(MAX_PAGES):
        data = await api.run(STATEMENT_PAGE, number=number, fromDate=start.isoformat(), toDate=end.isoformat(), after=after)
        account = data["account"]
        if account is None:
            return None
        statement = account["statement"]
        opening = opening or statement["openingBalance"]
        closing = statement["closingBalance"]
        lines.extend(statement["lines"])
        after = statement["nextCursor"]
        if not after:
            break
    upi = (await api.run(STATEMENT_UPI, number=number)).get("upiQr") or {}
    return StatementData(
        bank="coopbank co-operative bank", member_name=member["fullName"], member_number=member["memberNumber"],
        account_number=account["number"], product=account["product"]["name"], currency=account["currency"],
        from_date=start, to_date=end, opening=opening, closing=closing, lines=lines,
        upi_uri=upi.get("uri"), upi_vpa=upi.get("vpa"),
    )


class StatementForm:
    def __init__(self, api: Api, preselect: str | None) -> None:
        self.api = api
        self.preselect = preselect

    async def draw(self) -> None:
        data = await frame.call(self.api, STATEMENT_ACCOUNTS)
        if data is None:
            return
        self.member = data["me"]["member"]
        accounts = self.member["accounts"]
        if not accounts:
            frame.empty(_("You hold no accounts yet."))
            return
        options = {a["number"]: f"{a['product']['name']} {a['number']}" for a in accounts}
        today = await frame.business_date(self.api)  # "the last 90 days" count back from the business date
        with ui.card().classes("w-full max-w-xl"):
            self.account = ui.select(options, value=self.preselect if self.preselect in options else next(iter(options)),
                                     label=_("Account")).props("outlined").classes("w-full").mark("account")
            with ui.row().classes("w-full gap-2"):
                self.from_input = frame.date_input(_("From"), today - timedelta(days=90)).mark("from")
                self.to_input = frame.date_input(_("To"), today).mark("to")
            with ui.row().classes("w-full gap-2"):
                ui.button(_("PDF"), icon="picture_as_pdf", on_click=lambda: self.download("pdf")).mark("pdf")
                ui.button(_("CSV"), icon="table_view", on_click=lambda: self.download("csv")).props("outline").mark("csv")
            self.message = ui.label().classes("text-sm").mark("message")

    async def download(self, kind: str) -> None:
        start, end = fmt.parse_day(self.from_input.value), fmt.parse_day(self.to_input.value)
        if start is None or end is None or start > end:
            self.message.text = _("Choose a From date on or before the To date.")
            return
        self.message.text = _("Preparing…")
        try:
            statement = await fetch_statement(self.api, self.member, self.account.value, start, end)
        except SignedOut:
            frame.leave("expired")
            return
        except ApiError as exc:
            self.message.text = exc.for_person()
            return
        if statement is None:
            self.message.text = _("No such account among yours.")
            return
        name = f"statement-{statement.account_number}-{start.isoformat()}-{end.isoformat()}.{kind}"
        content = statement_pdf(statement) if kind == "pdf" else statement_csv(statement)
        ui.download.content(content, name, media_type="application/pdf" if kind == "pdf" else "text/csv")
        self.message.text = _("{0} transactions · {1}").format(len(statement.lines), name)

"""One account: balance, and its transactions for a period with running balance, paged."""

from __future__ import annotations

from datetime import date, timedelta

from fastapi import Request
from fastapi.responses import RedirectResponse
from ui.i18n import N_, _
from nicegui import ui

from ui import fmt, frame
from ui.api import Api
from ui.live import follow_balance
from ui.pages.member.pending import draw_pending_and_upi

ACCOUNT_HISTORY = """
query AccountHistory($number: String!, $fromDate: Date!, $toDate: Date!, $first: Int!, $after: String) {
  account(number: $number) {
    number status currency openedOn
    balance { amount currency }
    availableBalance { amount currency }
    product { name kind }
    statement(fromDate: $fromDate, toDate: $toDate, first: $first, after: $after) {
      openingBalance { amount currency }
      closingBalance { amount currency }
      nextCursor
      lines {
        entryId valueDate narration entryType
        debit { amount currency } credit { amount currency } runningBalance { amount currency }
      }
    }
  }
}"""

PAGE_SIZE = 25
# Four columns, one signed amount (+ in, - out): a debit and a credit column do not fit a
# 360 px phone. The PDF statement keeps the banker's debit/credit columns.
COLUMNS = [
    {"name": "date", "label": N_("Date"), "field": "date", "align": "left", "classes": "whitespace-nowrap gt-xs",
     "headerClasses": "gt-xs"},
    {"name": "narration", "label": N_("Details"), "field": "narration", "align": "left", "classes": "whitespace-normal text-xs"},
    {"name": "amount", "label": N_("Amount"), "field": "amount", "align": "right", "classes": "whitespace-nowrap"},
    {"name": "balance", "label": N_("Balance"), "field": "balance", "align": "right", "classes": "whitespace-nowrap"},
]


@ui.page("/member/accounts/{number}")
async def account_page(request: Request, number: str) -> RedirectResponse | None:
    api = await frame.signed_in(request)
    if api is None:
        return frame.to_sign_in()
    if frame.shell(api, "Account", audience=frame.MEMBER):
        with frame.body():
            await AccountView(api, number).draw()
    return None


def default_period(today: date) -> tuple[date, date]:
    """The last twelve months, ending ``today`` (the bank's business date, not the wall clock)."""
    return today - timedelta(days=365), today


class AccountView:
    def __init__(self, api: Api, number: str) -> None:
        self.api = api
        self.number = number.replace(" ", "")[:20]
        self.cursors: list[str | None] = [None]  # cursor of each page shown so far, for "previous"

    async def draw(self) -> None:
        self.today = await frame.business_date(self.api)
        start, end = default_period(self.today)
        self.head = ui.column().classes("w-full gap-1")
        self.payments = ui.column().classes("w-full gap-2")
        with ui.row().classes("w-full items-end gap-2"):
            self.from_input = frame.date_input(_("From"), start).mark("from")
            self.to_input = frame.date_input(_("To"), end).mark("to")
            ui.button(_("Show"), icon="filter_alt", on_click=self.filter).props("unelevated").mark("show")
            self.since_opening = ui.button(_("Since opening"), on_click=self.all_history).props("flat no-caps").mark("since-opening")
        self.summary = ui.row().classes("w-full gap-4 text-sm text-slate-600")
        self.table_box = ui.column().classes("w-full")
        with ui.row().classes("w-full justify-between"):
            self.prev_button = ui.button(_("Previous"), icon="chevron_left", on_click=self.previous).props("flat").mark("prev")
            self.next_button = ui.button(_("Next"), icon="chevron_right", on_click=self.next).props("flat").mark("next")
        await self.load()

    async def filter(self) -> None:
        self.cursors = [None]
        await self.load()

    async def all_history(self) -> None:
        if getattr(self, "opened_on", None):
            self.from_input.value = fmt.day(self.opened_on)
            self.to_input.value = fmt.day(self.today)
            await self.filter()

    async def next(self) -> None:
        if self.next_cursor:
            self.cursors.append(self.next_cursor)
            await self.load()

    async def previous(self) -> None:
        if len(self.cursors) > 1:
            self.cursors.pop()
            await self.load()

    def _period(self) -> tuple[date, date] | None:
        start, end = fmt.parse_day(self.from_input.value), fmt.parse_day(self.to_input.value)
        return (start, end) if start and end and start <= end else None

    async def load(self) -> None:
        period = self._period()
        self.table_box.clear()
        if period is None:
            with self.table_box:
                frame.error(_("Choose a From date on or before the To date."))
            return
        with self.table_box:
            spinner = frame.loading()
        data = await frame.call(self.api, ACCOUNT_HISTORY, number=self.number, fromDate=period[0].isoformat(),
                                toDate=period[1].isoformat(), first=PAGE_SIZE, after=self.cursors[-1])
        spinner.delete()
        account = (data or {}).get("account")
        if data is not None and account is None:
            with self.table_box:
                frame.refusal(_("No such account among yours."))
            self.prev_button.set_visibility(False)
            self.next_button.set_visibility(False)
            return
        if account is None:
            return
        self.opened_on = account["openedOn"]
        self._draw_head(account)
        statement = account["statement"]
        self.next_cursor = statement["nextCursor"]
        self.summary.clear()
        with self.summary:
            ui.label(_('Opening {0}').format(fmt.money_of(statement['openingBalance']))).mark("opening")
            ui.label(_('Closing {0}').format(fmt.money_of(statement['closingBalance']))).mark("closing")
        with self.table_box:
            if not statement["lines"]:
                frame.empty(_("No transactions in this period. Try an earlier From date."))
            else:
                rows = [
                    {"id": f"{line['entryId']}-{i}", "date": fmt.day(line["valueDate"]), "narration": line["narration"],
                     "amount": fmt.money_of(line["credit"], sign=True) if line["credit"] else f"-{fmt.money_of(line['debit'])}",
                     "balance": fmt.money_of(line["runningBalance"])}
                    for i, line in enumerate(statement["lines"])
                ]
                table = ui.table(columns=[dict(c, label=_(c["label"])) for c in COLUMNS], rows=rows, row_key="id").props("dense flat").classes("text-sm").classes(
                    "w-full").mark("lines")
                # On a phone the date column is hidden and the date goes above the details
                # (a Vue template: {{ }} escapes, so narrations stay text).
                table.add_slot("body-cell-narration", """
                    <q-td :props="props" class="whitespace-normal">
                      <div class="lt-sm text-xs text-grey-7">{{ props.row.date }}</div>
                      <div>{{ props.value }}</div>
                    </q-td>""")
        self.prev_button.set_visibility(len(self.cursors) > 1)
        self.next_button.set_visibility(bool(self.next_cursor))

    def _draw_head(self, account: dict) -> None:
        self.head.clear()
        with self.head:
            ui.label(f"{account['product']['name']} · {account['number']}").classes("text-slate-600").mark("account-title")
            self.balance = ui.label(fmt.money_of(account["balance"])).classes("text-2xl font-semibold").mark("balance")
            ui.label(_('Available {0} · opened {1}').format(fmt.money_of(account['availableBalance']), fmt.day(account['openedOn']))).classes(
                "text-xs text-slate-500")
            with ui.row().classes("gap-2"):
                ui.button(_("Transfer"), icon="swap_horiz",
                          on_click=lambda: ui.navigate.to(f"/member/transfer?from={account['number']}")).props("outline dense")
                ui.button(_("Statement"), icon="download",
                          on_click=lambda: ui.navigate.to(f"/member/statements?account={account['number']}")).props(
                    "outline dense")
        if not getattr(self, "_payments_drawn", False):
            # Payments: money held for pending payments, and the account's UPI QR (bankcore.payments);
            # once per page (they do not depend on the period), after the head so the page does not wait.
            self._payments_drawn = True
            ui.timer(0, draw_pending_and_upi(self.api, account, self.payments), once=True)
        if not getattr(self, "_following", False):
            self._following = True
            follow_balance(self.api, account["number"], lambda m: setattr(self.balance, "text", fmt.money_of(m)))

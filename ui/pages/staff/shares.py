"""Staff pages of share capital: the share register with a member's shares and the counter's
operations (buy, transfer, redeem), and the accountant's and manager's dividend run and
year-end close. Each form shows only for roles the API's policy lets call its mutation."""

from __future__ import annotations

import uuid

from fastapi import Request
from fastapi.responses import RedirectResponse
from nicegui import ui

from ui import fmt, frame
from ui.api import Api
from ui.i18n import N_, _
from ui.pages.staff.common import open_staff_page

SHARE_REGISTER = """
query ShareRegister($after: String) {
  shareTerms { nominalValue { amount currency } admissionFee { amount currency } minimumShares }
  shareRegister(first: 100, afterMemberNumber: $after) { asOf shareholders shares paidUp { amount currency }
    lines { memberNumber memberName shares paidUp { amount currency } certificates admittedOn } }
}"""

MEMBER_HOLDING = """
query StaffShareHolding($member: String!) {
  shareHolding(memberNumber: $member) { memberNumber memberName shares paidUp { amount currency } admittedOn leftOn
    certificates { number shares active issuedOn cancelledOn nominalValue { amount currency } } }
}"""

PURCHASE = """mutation StaffPurchaseShares($input: PurchaseSharesInput!) {
  purchaseShares(input: $input) { holding certificates { number shares } userErrors { field code message } } }"""
TRANSFER = """mutation StaffTransferShares($input: TransferSharesInput!) {
  transferShares(input: $input) { holding certificates { number shares memberNumber } userErrors { field code message } } }"""
REDEEM = """mutation StaffRedeemShares($input: RedeemSharesInput!) {
  redeemShares(input: $input) { holding transaction { amount { amount currency } } userErrors { field code message } } }"""

DIVIDEND_RUN = """
query DividendRun {
  financialYearCloses { financialYear yearEnd netProfit { amount currency } statutoryReserve { amount currency }
    educationFund { amount currency } unforeseenLossesReserve { amount currency } surplus { amount currency } closedBy closedOn }
  dividends { id financialYear rate status proposedBy proposedOn approvedBy decidedOn netNpa members
    total { amount currency } credited { amount currency } unpaid { amount currency } }
}"""
DIVIDEND_REPORT = """
query DividendReport($id: ID!) { dividendReport(dividendId: $id, first: 500) {
  memberNumber memberName shares paidUp { amount currency } amount { amount currency } accountNumber unpaid } }"""
CLOSE_YEAR = """mutation CloseFinancialYear($input: CloseFinancialYearInput!) {
  closeFinancialYear(input: $input) { financialYear closes { netProfit { amount currency } surplus { amount currency } }
    userErrors { field code message } } }"""
PROPOSE = """mutation ProposeDividend($input: ProposeDividendInput!) {
  proposeDividend(input: $input) { dividend { id total { amount currency } members } userErrors { field code message } } }"""
APPROVE = """mutation ApproveDividend($input: ApproveDividendInput!) {
  approveDividend(input: $input) { dividend { status credited { amount currency } unpaid { amount currency } }
    userErrors { field code message } } }"""


def _columns(*spec: tuple[str, str, str]) -> list[dict]:
    return [{"name": n, "label": _(label), "field": n, "align": align, "classes": "whitespace-normal"} for n, label, align in spec]


def _refused(label: ui.label, payload: dict) -> bool:
    """Show the payload's first refusal on ``label``; True when there was one."""
    if payload["userErrors"]:
        error = payload["userErrors"][0]
        label.text = f"{error['message']} ({error['code']})"
        label.classes(replace="text-sm text-red-700")
        return True
    label.classes(replace="text-sm text-green-800")
    return False


@ui.page("/staff/shares")
async def share_register_page(request: Request) -> RedirectResponse | None:
    api = await open_staff_page(request, _("Share register"), "/staff/shares")
    if not isinstance(api, Api):
        return api
    with frame.body():
        await ShareRegister(api).draw()
    return None


class ShareRegister:
    def __init__(self, api: Api) -> None:
        self.api = api

    async def draw(self) -> None:
        with ui.card().classes("w-full max-w-xl").mark("member-card"):
            ui.label(_("A member's shares")).classes("text-lg font-medium")
            with ui.row().classes("w-full items-center gap-2 no-wrap"):
                self.member = ui.input(_("Member number")).props("outlined dense inputmode=numeric").classes("grow").mark(
                    "member-number")
                ui.button(icon="search", on_click=self.show_member).props("round").mark("find")
            self.holding = ui.column().classes("w-full gap-2")
        self.register = ui.column().classes("w-full gap-2")
        await self.load()

    async def load(self) -> None:
        data = await frame.call(self.api, SHARE_REGISTER)
        self.register.clear()
        if data is None:
            return
        self.terms = data["shareTerms"]
        register = data["shareRegister"]
        with self.register:
            ui.label(_("Share register")).classes("text-lg font-medium")
            ui.label(_("{holders} shareholders · {shares} shares · paid up {paid} · as of {day}").format(
                holders=f"{register['shareholders']:,}", shares=f"{register['shares']:,}", paid=fmt.money_of(register["paidUp"]),
                day=fmt.day(register["asOf"]))).classes("text-sm").mark("register-summary")
            ui.label(_("A share is {price}; joining takes {n} shares and a fee of {fee}.").format(
                price=fmt.money_of(self.terms["nominalValue"]), n=self.terms["minimumShares"],
                fee=fmt.money_of(self.terms["admissionFee"]))).classes("text-xs text-slate-500")
            if register["lines"]:
                ui.table(columns=_columns(("member", N_("Member"), "left"), ("name", N_("Name"), "left"),
                                          ("shares", N_("Shares"), "right"), ("paid", N_("Paid up"), "right"),
                                          ("since", N_("Since"), "left")),
                         rows=[{"member": r["memberNumber"], "name": r["memberName"], "shares": f"{r['shares']:,}",
                                "paid": fmt.money_of(r["paidUp"]), "since": fmt.day(r["admittedOn"])} for r in register["lines"]],
                         row_key="member").classes("w-full").props("flat dense wrap-cells").mark("register")
            else:
                frame.empty(_("No shareholders yet."))

    async def show_member(self) -> None:
        number = "".join((self.member.value or "").split())
        self.holding.clear()
        if not number:
            return
        data = await frame.call(self.api, MEMBER_HOLDING, member=number)
        if data is None:
            return
        holding = data["shareHolding"]
        with self.holding:
            if holding is None:
                frame.empty(_("No such member."))
                return
            ui.label(f"{holding['memberName']} · {holding['memberNumber']}").classes("font-medium")
            ui.label(_("{shares} shares, paid up {paid}").format(shares=f"{holding['shares']:,}",
                                                                  paid=fmt.money_of(holding["paidUp"]))).mark("member-shares")
            active = [c for c in holding["certificates"] if c["active"]]
            if active:
                ui.label(", ".join(f"{c['number']} ({c['shares']:,})" for c in active)).classes("text-xs text-slate-500")
            self.result = ui.label().classes("text-sm").mark("result")
            if self.api.may("purchaseShares"):
                self._buy_form(holding)
            if self.api.may("transferShares"):
                self._transfer_form(holding)
            if self.api.may("redeemShares"):
                self._redeem_form(holding)

    def _buy_form(self, holding: dict) -> None:
        with ui.expansion(_("Buy shares"), icon="add").classes("w-full").mark("buy-form"):
            count = ui.number(_("Shares"), value=self.terms["minimumShares"] if not holding["shares"] else 1, min=1, step=1,
                              format="%d").props("outlined dense").classes("w-full").mark("buy-count")
            account = ui.input(_("From account (empty: cash)")).props("outlined dense inputmode=numeric").classes("w-full").mark(
                "buy-account")
            key = str(uuid.uuid4())

            async def buy() -> None:
                data = await frame.call(self.api, PURCHASE, input={
                    "memberNumber": holding["memberNumber"], "shares": int(count.value or 0),
                    "fromAccountNumber": "".join((account.value or "").split()) or None, "idempotencyKey": key})
                if data and not _refused(self.result, data["purchaseShares"]):
                    self.result.text = _("Bought: {n} shares held now.").format(n=f"{data['purchaseShares']['holding']:,}")
                    await self.load()

            ui.button(_("Buy"), icon="check", on_click=buy).mark("buy")

    def _transfer_form(self, holding: dict) -> None:
        with ui.expansion(_("Transfer to another member"), icon="swap_horiz").classes("w-full").mark("transfer-form"):
            to = ui.input(_("To member number")).props("outlined dense inputmode=numeric").classes("w-full").mark("transfer-to")
            count = ui.number(_("Shares"), value=1, min=1, step=1, format="%d").props("outlined dense").classes("w-full").mark(
                "transfer-count")
            key = str(uuid.uuid4())

            async def transfer() -> None:
                data = await frame.call(self.api, TRANSFER, input={
                    "fromMemberNumber": holding["memberNumber"], "toMemberNumber": "".join((to.value or "").split()),
                    "shares": int(count.value or 0), "idempotencyKey": key})
                if data and not _refused(self.result, data["transferShares"]):
                    self.result.text = _("Transferred: {n} shares left.").format(n=f"{data['transferShares']['holding']:,}")
                    await self.load()

            ui.button(_("Transfer"), icon="check", on_click=transfer).mark("transfer")

    def _redeem_form(self, holding: dict) -> None:
        with ui.expansion(_("Redeem"), icon="undo").classes("w-full").mark("redeem-form"):
            count = ui.number(_("Shares"), value=holding["shares"] or 1, min=1, step=1, format="%d").props(
                "outlined dense").classes("w-full").mark("redeem-count")
            account = ui.input(_("To account (empty: cash)")).props("outlined dense inputmode=numeric").classes("w-full").mark(
                "redeem-account")
            key = str(uuid.uuid4())

            async def redeem() -> None:
                data = await frame.call(self.api, REDEEM, input={
                    "memberNumber": holding["memberNumber"], "shares": int(count.value or 0),
                    "toAccountNumber": "".join((account.value or "").split()) or None, "idempotencyKey": key})
                if data and not _refused(self.result, data["redeemShares"]):
                    paid = fmt.money_of(data["redeemShares"]["transaction"]["amount"])
                    self.result.text = _("Redeemed: {paid} paid; {n} shares left.").format(
                        paid=paid, n=f"{data['redeemShares']['holding']:,}")
                    await self.load()

            ui.button(_("Redeem"), icon="check", on_click=redeem).mark("redeem")


@ui.page("/staff/dividends")
async def dividend_run_page(request: Request) -> RedirectResponse | None:
    api = await open_staff_page(request, _("Dividends and year-end"), "/staff/dividends")
    if not isinstance(api, Api):
        return api
    with frame.body():
        await DividendRun(api).draw()
    return None


class DividendRun:
    def __init__(self, api: Api) -> None:
        self.api = api

    async def draw(self) -> None:
        self.message = ui.label().classes("text-sm").mark("message")
        if self.api.may("closeFinancialYear"):
            with ui.card().classes("w-full max-w-xl").mark("close-card"):
                ui.label(_("Close a financial year")).classes("text-lg font-medium")
                ui.label(_("Income and expense go to net profit; 25% goes to the statutory reserve, 1% to the education "
                           "fund and 10% to the reserve for unforeseen losses (MSCS Act s.63). Postings into the year are "
                           "refused afterwards.")).classes("text-sm text-slate-600")
                with ui.row().classes("w-full items-center gap-2 no-wrap"):
                    self.close_year = ui.input(_("Year, e.g. 2025-26")).props("outlined dense").classes("grow").mark("close-year")
                    ui.button(_("Close year"), icon="lock", on_click=self.close).mark("close")
        if self.api.may("proposeDividend"):
            with ui.card().classes("w-full max-w-xl").mark("propose-card"):
                ui.label(_("Propose a dividend")).classes("text-lg font-medium")
                ui.label(_("On paid-up share capital held on 31 March; a manager approves it.")).classes("text-sm text-slate-600")
                with ui.row().classes("w-full items-center gap-2"):
                    self.dividend_year = ui.input(_("Year, e.g. 2025-26")).props("outlined dense").classes("w-40").mark(
                        "dividend-year")
                    self.rate = ui.input(_("Rate % a year")).props("outlined dense inputmode=decimal").classes("w-32").mark("rate")
                    ui.button(_("Propose"), icon="send", on_click=self.propose).mark("propose")
        self.books = ui.column().classes("w-full gap-4")
        await self.load()

    async def load(self) -> None:
        data = await frame.call(self.api, DIVIDEND_RUN)
        self.books.clear()
        if data is None:
            return
        with self.books:
            ui.label(_("Dividends")).classes("text-lg font-medium")
            if not data["dividends"]:
                frame.empty(_("No dividend proposed yet."))
            for d in data["dividends"]:
                with ui.card().classes("w-full max-w-xl").mark(f"dividend {d['id']}"):
                    ui.label(_("{year} at {rate}% · {status}").format(year=d["financialYear"], rate=d["rate"],
                                                                       status=_(d["status"].lower()))).classes("font-medium")
                    ui.label(_("{members} members · total {total} · net NPA {npa}%").format(
                        members=d["members"], total=fmt.money_of(d["total"]), npa=d["netNpa"] or "—")).classes("text-sm")
                    ui.label(_("Proposed by {who} on {day}").format(who=d["proposedBy"], day=fmt.day(d["proposedOn"]))).classes(
                        "text-xs text-slate-500")
                    if d["status"] == "CREDITED":
                        ui.label(_("Credited {credited}; unpaid register {unpaid}; approved by {who}").format(
                            credited=fmt.money_of(d["credited"]), unpaid=fmt.money_of(d["unpaid"]), who=d["approvedBy"])).classes(
                            "text-xs text-slate-500")
                    with ui.row().classes("gap-2"):
                        if d["status"] == "PROPOSED" and self.api.may("approveDividend"):
                            ui.button(_("Approve and credit"), icon="check",
                                      on_click=lambda i=d["id"]: self.decide(i, reject=False)).mark(f"approve {d['id']}")
                            ui.button(_("Reject"), icon="close", on_click=lambda i=d["id"]: self.decide(i, reject=True)).props(
                                "outline").mark(f"reject {d['id']}")
                        if d["status"] == "CREDITED":
                            ui.button(_("Report"), icon="table_view", on_click=lambda i=d["id"]: self.report(i)).props(
                                "flat").mark(f"report {d['id']}")
            self.report_area = ui.column().classes("w-full")
            ui.label(_("Financial years closed")).classes("text-lg font-medium")
            if data["financialYearCloses"]:
                ui.table(columns=_columns(("year", N_("Year"), "left"), ("profit", N_("Net profit"), "right"),
                                          ("reserve", N_("Statutory reserve"), "right"), ("education", N_("Education fund"), "right"),
                                          ("unforeseen", N_("Unforeseen losses"), "right"), ("surplus", N_("Surplus"), "right")),
                         rows=[{"year": c["financialYear"], "profit": fmt.money_of(c["netProfit"]),
                                "reserve": fmt.money_of(c["statutoryReserve"]), "education": fmt.money_of(c["educationFund"]),
                                "unforeseen": fmt.money_of(c["unforeseenLossesReserve"]), "surplus": fmt.money_of(c["surplus"])}
                               for c in data["financialYearCloses"]], row_key="year").classes("w-full").props(
                    "flat dense wrap-cells").mark("closes")
            else:
                frame.empty(_("No financial year closed yet."))

    def _say(self, text: str, ok: bool) -> None:
        self.message.text = text
        self.message.classes(replace="text-sm " + ("text-green-800" if ok else "text-red-700"))

    async def close(self) -> None:
        data = await frame.call(self.api, CLOSE_YEAR, on_error=lambda t: self._say(t, False),
                                input={"financialYear": (self.close_year.value or "").strip(), "idempotencyKey": str(uuid.uuid4())})
        payload = (data or {}).get("closeFinancialYear")
        if payload is None:
            return
        if payload["userErrors"]:
            error = payload["userErrors"][0]
            self._say(f"{error['message']} ({error['code']})", False)
            return
        profit = ", ".join(fmt.money_of(c["netProfit"]) for c in payload["closes"])
        self._say(_("{year} closed: net profit {profit}.").format(year=payload["financialYear"], profit=profit), True)
        await self.load()

    async def propose(self) -> None:
        data = await frame.call(self.api, PROPOSE, on_error=lambda t: self._say(t, False), input={
            "financialYear": (self.dividend_year.value or "").strip(), "rate": (self.rate.value or "").strip(),
            "idempotencyKey": str(uuid.uuid4())})
        payload = (data or {}).get("proposeDividend")
        if payload is None:
            return
        if payload["userErrors"]:
            error = payload["userErrors"][0]
            self._say(f"{error['message']} ({error['code']})", False)
            return
        d = payload["dividend"]
        self._say(_("Proposed: {total} to {members} members; a manager approves it.").format(
            total=fmt.money_of(d["total"]), members=d["members"]), True)
        await self.load()

    async def decide(self, dividend_id: str, *, reject: bool) -> None:
        data = await frame.call(self.api, APPROVE, on_error=lambda t: self._say(t, False), input={
            "dividendId": dividend_id, "idempotencyKey": str(uuid.uuid4()), "reject": reject})
        payload = (data or {}).get("approveDividend")
        if payload is None:
            return
        if payload["userErrors"]:
            error = payload["userErrors"][0]
            self._say(f"{error['message']} ({error['code']})", False)
            return
        d = payload["dividend"]
        self._say(_("Rejected.") if reject else _("Credited {credited}; unpaid register {unpaid}.").format(
            credited=fmt.money_of(d["credited"]), unpaid=fmt.money_of(d["unpaid"])), not reject)
        await self.load()

    async def report(self, dividend_id: str) -> None:
        data = await frame.call(self.api, DIVIDEND_REPORT, id=dividend_id)
        self.report_area.clear()
        if data is None:
            return
        with self.report_area:
            ui.label(_("Dividend report")).classes("text-lg font-medium")
            ui.table(columns=_columns(("name", N_("Member"), "left"), ("shares", N_("Shares"), "right"),
                                      ("amount", N_("Dividend"), "right"), ("to", N_("Credited to"), "left")),
                     rows=[{"member": r["memberNumber"], "name": f"{r['memberName']} {r['memberNumber']}", "shares": f"{r['shares']:,}",
                            "amount": fmt.money_of(r["amount"]), "to": r["accountNumber"] or _("unpaid register")}
                           for r in data["dividendReport"]], row_key="member").classes("w-full").props(
                "flat dense wrap-cells").mark("dividend-report")

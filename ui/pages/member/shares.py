"""The member's shares: holding, certificates (PDF), purchases and transfers, dividends, and buying more.

Buying is two steps like a transfer: the number of shares and the account, then a
confirmation with the price (and the admission fee on joining); confirming sends
``purchaseShares`` with an idempotency key made when the confirmation was shown.
"""

from __future__ import annotations

import uuid
from decimal import Decimal

from fastapi import Request
from fastapi.responses import RedirectResponse
from nicegui import ui

from ui import fmt, frame
from ui.api import Api
from ui.i18n import N_, _
from ui.share_certificate_pdf import CertificateData, certificate_pdf

BANK = "coopbank co-operative bank"

MEMBER_SHARES = """
query MemberShares {
  me { member { memberNumber fullName accounts { number currency status product { name kind } availableBalance { amount currency } } } }
  shareTerms { nominalValue { amount currency } admissionFee { amount currency } minimumShares }
  shareHolding {
    memberNumber memberName shares paidUp { amount currency } admittedOn leftOn
    certificates { number shares nominalValue { amount currency } paidUp { amount currency } active issuedOn cancelledOn }
    transactions { kind shares amount { amount currency } admissionFee { amount currency } businessDate }
    dividends { financialYear rate amount { amount currency } accountNumber unpaid }
  }
}"""

PURCHASE_SHARES = """
mutation PurchaseShares($input: PurchaseSharesInput!) {
  purchaseShares(input: $input) {
    replayed holding
    certificates { number shares }
    userErrors { field code message }
  }
}"""

WHAT_TO_DO = {
    "INSUFFICIENT_FUNDS": N_("Choose fewer shares or another account."),
    "BELOW_MINIMUM_SHARES": N_("On joining, buy at least the minimum number of shares."),
    "KYC_INCOMPLETE": N_("Your KYC is not verified yet; contact your branch."),
    "IDEMPOTENCY_CONFLICT": N_("Start again."),
}

KIND = {"PURCHASE": N_("Bought"), "TRANSFER": N_("Transferred"), "REDEMPTION": N_("Redeemed")}


@ui.page("/member/shares")
async def shares_page(request: Request) -> RedirectResponse | None:
    api = await frame.signed_in(request)
    if api is None:
        return frame.to_sign_in()
    if frame.shell(api, "Shares", audience=frame.MEMBER, needs=("shareHolding",)):
        with frame.body() as column:
            page = SharesPage(api, column)
            await frame.section(api, column, page.draw)
    return None


class SharesPage:
    def __init__(self, api: Api, column: ui.column) -> None:
        self.api = api
        self.column = column
        self.key: str | None = None

    async def refresh(self) -> None:
        await frame.section(self.api, self.column, self.draw)

    async def draw(self) -> None:
        data = await self.api.run(MEMBER_SHARES)
        self.member = data["me"]["member"]
        self.terms = data["shareTerms"]
        holding = data["shareHolding"]
        self._summary(holding)
        self._buy_card(holding)
        self._certificates(holding)
        self._dividends(holding)
        self._history(holding)

    def _summary(self, holding: dict) -> None:
        with ui.card().classes("w-full max-w-xl").mark("holding"):
            ui.label(_("Your shares")).classes("text-sm text-slate-500")
            ui.label(_("{shares} shares").format(shares=f"{holding['shares']:,}")).classes("text-2xl font-medium").mark("shares")
            ui.label(_("Paid up {amount}").format(amount=fmt.money_of(holding["paidUp"]))).classes("text-base")
            if holding["admittedOn"] and not holding["leftOn"]:
                ui.label(_("Member shareholder since {day}").format(day=fmt.day(holding["admittedOn"]))).classes(
                    "text-xs text-slate-500")
            elif holding["leftOn"]:
                ui.label(_("All shares redeemed on {day}").format(day=fmt.day(holding["leftOn"]))).classes("text-xs text-slate-500")
            else:
                ui.label(_("Not yet a shareholder: joining takes {n} shares and an admission fee of {fee}.").format(
                    n=self.terms["minimumShares"], fee=fmt.money_of(self.terms["admissionFee"]))).classes("text-xs text-slate-500")

    def _buy_card(self, holding: dict) -> None:
        accounts = [a for a in self.member["accounts"] if a["status"] == "ACTIVE" and a["product"]["kind"] in ("SAVINGS", "CURRENT")]
        joining = not holding["admittedOn"] or bool(holding["leftOn"])
        with ui.card().classes("w-full max-w-xl").mark("buy"):
            ui.label(_("Buy shares")).classes("font-medium")
            ui.label(_("{price} a share").format(price=fmt.money_of(self.terms["nominalValue"]))).classes("text-xs text-slate-500")
            if not accounts:
                ui.label(_("You need an active savings or current account to pay from.")).classes("text-sm")
                return
            options = {a["number"]: f"{a['product']['name']} {a['number']} · {fmt.money_of(a['availableBalance'])}" for a in accounts}
            self.account = ui.select(options, value=next(iter(options)), label=_("Pay from")).props("outlined").classes(
                "w-full").mark("account")
            minimum = self.terms["minimumShares"] if joining else 1
            self.count = ui.number(_("Number of shares"), value=minimum, min=1, step=1, format="%d").props(
                "outlined inputmode=numeric").classes("w-full").mark("count")
            self.confirm_area = ui.column().classes("w-full gap-2")
            self.message = ui.label().classes("text-sm").mark("message")
            ui.button(_("Continue"), icon="arrow_forward", on_click=lambda: self._review(joining)).mark("continue")

    def _review(self, joining: bool) -> None:
        self.message.text = ""
        self.confirm_area.clear()
        try:
            count = int(self.count.value or 0)
        except (TypeError, ValueError):
            count = 0
        if count < 1:
            self.message.text = _("Enter a whole number of shares.")
            return
        nominal = Decimal(self.terms["nominalValue"]["amount"])
        currency = self.terms["nominalValue"]["currency"]
        fee = Decimal(self.terms["admissionFee"]["amount"]) if joining else Decimal(0)
        total = nominal * count + fee
        self.key = str(uuid.uuid4())
        with self.confirm_area, ui.card().classes("w-full bg-slate-50").mark("confirm"):
            ui.label(_("{n} shares × {price}").format(n=f"{count:,}", price=fmt.money(nominal, currency)))
            if fee:
                ui.label(_("Admission fee {fee} (once, on joining)").format(fee=fmt.money(fee, currency)))
            ui.label(_("Total {total} from {account}").format(total=fmt.money(total, currency), account=self.account.value)).classes(
                "font-medium").mark("total")
            ui.button(_("Buy"), icon="check", on_click=lambda: self._buy(count)).mark("buy-confirm")

    async def _buy(self, count: int) -> None:
        data = await frame.call(self.api, PURCHASE_SHARES, on_error=lambda t: setattr(self.message, "text", t),
                                input={"shares": count, "fromAccountNumber": self.account.value, "idempotencyKey": self.key})
        if data is None:
            return
        result = data["purchaseShares"]
        if result["userErrors"]:
            error = result["userErrors"][0]
            hint = WHAT_TO_DO.get(error["code"])
            self.message.text = f"{error['message']}. {_(hint)}" if hint else error["message"]
            return
        ui.notify(_("You now hold {n} shares.").format(n=f"{result['holding']:,}"), type="positive")
        await self.refresh()

    def _certificates(self, holding: dict) -> None:
        with ui.card().classes("w-full max-w-xl").mark("certificates"):
            ui.label(_("Certificates")).classes("font-medium")
            certificates = holding["certificates"]
            if not certificates:
                ui.label(_("No certificates yet.")).classes("text-sm text-slate-500")
            for certificate in certificates:
                with ui.row().classes("w-full items-center justify-between gap-2 no-wrap").mark(f"certificate {certificate['number']}"):
                    with ui.column().classes("gap-0 min-w-0"):
                        ui.label(certificate["number"]).classes("text-sm font-medium")
                        state = _("issued {day}").format(day=fmt.day(certificate["issuedOn"])) if certificate["active"] else \
                            _("cancelled {day}").format(day=fmt.day(certificate["cancelledOn"]))
                        ui.label(f"{certificate['shares']:,} × {fmt.money_of(certificate['nominalValue'])} · {state}").classes(
                            "text-xs text-slate-500")
                    ui.button(icon="picture_as_pdf", on_click=lambda c=certificate: self._download(c)).props(
                        "flat dense round").tooltip(_("Certificate PDF")).mark(f"pdf {certificate['number']}")

    def _download(self, certificate: dict) -> None:
        content = certificate_pdf(CertificateData(
            bank=BANK, member_name=self.member["fullName"], member_number=self.member["memberNumber"],
            number=certificate["number"], shares=certificate["shares"], nominal_value=certificate["nominalValue"],
            paid_up=certificate["paidUp"], issued_on=certificate["issuedOn"], active=certificate["active"]))
        ui.download.content(content, f"share-certificate-{certificate['number']}.pdf", media_type="application/pdf")

    def _dividends(self, holding: dict) -> None:
        with ui.card().classes("w-full max-w-xl").mark("dividends"):
            ui.label(_("Dividends")).classes("font-medium")
            if not holding["dividends"]:
                ui.label(_("No dividends yet.")).classes("text-sm text-slate-500")
            for dividend in holding["dividends"]:
                where = _("kept for you: open a savings account to receive it") if dividend["unpaid"] else \
                    _("credited to {account}").format(account=dividend["accountNumber"])
                with ui.row().classes("w-full items-center justify-between no-wrap").mark(f"dividend {dividend['financialYear']}"):
                    with ui.column().classes("gap-0 min-w-0"):
                        ui.label(_("{year} at {rate}%").format(year=dividend["financialYear"], rate=dividend["rate"])).classes("text-sm")
                        ui.label(where).classes("text-xs text-slate-500")
                    ui.label(fmt.money_of(dividend["amount"])).classes("font-medium")

    def _history(self, holding: dict) -> None:
        if not holding["transactions"]:
            return
        with ui.expansion(_("History"), icon="history").classes("w-full max-w-xl").mark("history"):
            for t in holding["transactions"]:
                amount = fmt.money_of(t["amount"]) if t["kind"] != "TRANSFER" else ""
                ui.label(f"{fmt.day(t['businessDate'])} · {_(KIND[t['kind']])} {t['shares']:,} {amount}").classes("text-sm")

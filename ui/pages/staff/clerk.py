"""Member registration with KYC fields checked as they are typed, KYC document upload and the
clerk's own registrations awaiting KYC (rejections with the checker's reason), account opening,
member search."""

from __future__ import annotations

import re

from fastapi import Request
from fastapi.responses import RedirectResponse
from ui.i18n import N_, _
from nicegui import ui
from stdnum.in_ import aadhaar as aadhaar_number
from stdnum.in_ import pan as pan_number

from ui import fmt, frame
from ui.api import Api, user_errors
from ui.pages.staff.common import open_staff_page
from ui.pages.staff.kyc import UploadForm, my_registrations, risk_category_form
from ui.pages.staff.portal_access import portal_access_card

CLERK_SETUP = """
query ClerkSetup { branches { code name } products { code name kind currency active } }"""

MEMBER_SEARCH = """
query MemberSearch($search: String, $after: String) {
  members(search: $search, first: 20, after: $after) {
    pageInfo { hasNextPage endCursor }
    edges { node { memberNumber fullName kycStatus mobile branch { code } accounts { number status } } }
  }
}"""

REGISTER_MEMBER = """
mutation RegisterMember($input: RegisterMemberInput!) {
  registerMember(input: $input) {
    member { memberNumber fullName kycStatus }
    userErrors { field code message }
  }
}"""

OPEN_ACCOUNT = """
mutation OpenAccount($input: OpenAccountInput!) {
  openAccount(input: $input) {
    account { number status product { name } }
    userErrors { field code message }
  }
}"""

MOBILE = re.compile(r"^(\+91)?[6-9]\d{9}$")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def valid_mobile(v: str | None) -> bool:
    return not v or bool(MOBILE.match(v.replace(" ", "")))


def valid_pan(v: str | None) -> bool:
    return not v or pan_number.is_valid(v.strip().upper())


def valid_aadhaar(v: str | None) -> bool:
    return not v or aadhaar_number.is_valid(v.replace(" ", ""))


def valid_email(v: str | None) -> bool:
    return not v or bool(EMAIL.match(v.strip()))


@ui.page("/staff/clerk")
async def clerk_page(request: Request) -> RedirectResponse | None:
    api = await open_staff_page(request, "Members", "/staff/clerk")
    if not isinstance(api, Api):
        return api
    with frame.body():
        setup = await frame.call(api, CLERK_SETUP)
        if setup is None:
            return None
        with frame.tabs() as tabs:
            search_tab = ui.tab(_("Search"))
            register_tab = ui.tab(_("Register")).mark("tab-register")
            open_tab = ui.tab(_("Open account")).mark("tab-open")
            portal_tab = ui.tab(_("Portal access")).mark("tab-portal")
            kyc_tab = ui.tab(_("KYC documents")).mark("tab-kyc")
        with ui.tab_panels(tabs, value=search_tab).classes("w-full"):
            with ui.tab_panel(portal_tab):
                portal_access_card(api)
            with ui.tab_panel(kyc_tab):
                async def refresh() -> None:
                    await my_registrations(api, mine)

                if api.may("uploadKycDocument"):
                    await UploadForm(api, on_done=refresh).draw()
                if api.may("setMemberRiskCategory"):
                    risk_category_form(api)
                ui.label(_("Members you registered")).classes("font-medium")
                mine = ui.column().classes("w-full gap-2").mark("my-registrations")
                await refresh()
            with ui.tab_panel(search_tab):
                await MemberSearch(api).draw()
            with ui.tab_panel(register_tab):
                register_form(api, setup["branches"])
            with ui.tab_panel(open_tab):
                open_account_form(api, [p for p in setup["products"] if p["active"] and p["kind"] != "LOAN"])
    return None


class MemberSearch:
    def __init__(self, api: Api) -> None:
        self.api = api

    async def draw(self) -> None:
        with ui.row().classes("w-full items-end gap-2"):
            self.term = ui.input(_("Name, member number or mobile")).props("outlined dense").classes("grow").mark("member-search")
            self.term.on("keydown.enter", self.run)
            ui.button(_("Search"), icon="search", on_click=self.run).mark("member-search-button")
        self.box = ui.column().classes("w-full")

    async def run(self) -> None:
        self.box.clear()
        data = await frame.call(self.api, MEMBER_SEARCH, search=(self.term.value or "").strip() or None)
        if data is None:
            return
        rows = [
            {"number": e["node"]["memberNumber"], "name": e["node"]["fullName"], "kyc": e["node"]["kycStatus"].lower(),
             "mobile": e["node"]["mobile"] or "", "accounts": ", ".join(a["number"] for a in e["node"]["accounts"])}
            for e in data["members"]["edges"]
        ]
        with self.box:
            if not rows:
                frame.empty(_("No member matches."))
                return
            ui.table(columns=[{"name": k, "label": _(label), "field": k, "align": "left"} for k, label in
                              (("number", N_("Member")), ("name", N_("Name")), ("kyc", N_("KYC")), ("mobile", N_("Mobile")),
                               ("accounts", N_("Accounts")))],
                     rows=rows, row_key="number").props("dense flat wrap-cells").classes("w-full").mark("member-results")


def register_form(api: Api, branches: list[dict]) -> None:
    with ui.card().classes("w-full max-w-xl"):
        name = ui.input(_("Full name"), validation={_("Required"): lambda v: bool((v or "").strip())}).props(
            "outlined dense").classes("w-full").mark("reg-name")
        branch = ui.select({b["code"]: f"{b['code']} {b['name']}" for b in branches},
                           value=branches[0]["code"] if branches else None, label=_("Branch")).props(
            "outlined dense use-input").classes("w-full").mark("reg-branch")
        birth = frame.date_input(_("Date of birth")).mark("reg-dob")
        gender = ui.select({"FEMALE": _("Female"), "MALE": _("Male"), "OTHER": _("Other")}, label=_("Gender")).props(
            "outlined dense clearable").classes("w-40")
        mobile = ui.input(_("Mobile"), validation={_("10 digits starting 6-9"): valid_mobile}).props(
            "outlined dense inputmode=tel").classes("w-full").mark("reg-mobile")
        email = ui.input(_("E-mail"), validation={_("Not an e-mail address"): valid_email}).props("outlined dense").classes(
            "w-full").mark("reg-email")
        address = ui.textarea(_("Address")).props("outlined dense autogrow").classes("w-full")
        pan = ui.input(_("PAN"), validation={_("Format ABCDE1234F"): valid_pan}).props("outlined dense").classes(
            "w-full").mark("reg-pan")
        aadhaar = ui.input(_("Aadhaar"), validation={_("12 digits with a valid check digit"): valid_aadhaar}).props(
            "outlined dense inputmode=numeric").classes("w-full").mark("reg-aadhaar")
        message = ui.label().classes("text-sm").mark("reg-message")

        async def submit() -> None:
            checks = [name.validate(), mobile.validate(), email.validate(), pan.validate(), aadhaar.validate()]
            if not all(checks) or not (name.value or "").strip():
                message.text = _("Correct the fields marked in red.")
                return
            born = fmt.parse_day(birth.value)
            if birth.value and (born is None or born > await frame.business_date(api)):
                message.text = _("Enter the date of birth as DD-MM-YYYY, not in the future.")
                return
            payload = {"fullName": name.value.strip(), "branchCode": branch.value, "dateOfBirth": born.isoformat() if born else None,
                       "gender": gender.value, "mobile": mobile.value or None, "email": email.value or None,
                       "address": address.value or None, "pan": (pan.value or "").upper() or None,
                       "aadhaar": (aadhaar.value or "").replace(" ", "") or None}
            data = await frame.call(api, REGISTER_MEMBER, input=payload, on_error=lambda t: setattr(message, "text", t))
            if data is None:
                return
            errors = user_errors(data["registerMember"])
            if errors:
                message.text = " ".join(errors)
                message.classes(replace="text-sm text-red-700")
                return
            member = data["registerMember"]["member"]
            message.text = _("Registered {0}, member number {1} (KYC pending approval).").format(member['fullName'], member['memberNumber'])
            message.classes(replace="text-sm text-green-800")

        ui.button(_("Register"), icon="person_add", on_click=submit).mark("reg-submit")


def open_account_form(api: Api, products: list[dict]) -> None:
    with ui.card().classes("w-full max-w-xl"):
        if not products:
            frame.empty(_("No product is open for new accounts."))
            return
        product = ui.select({p["code"]: f"{p['name']} ({p['currency']})" for p in products}, value=products[0]["code"],
                            label=_("Product")).props("outlined dense").classes("w-full").mark("open-product")
        owner = ui.input(_("Owner's member number")).props("outlined dense inputmode=numeric").classes("w-full").mark("open-owner")
        nominee = ui.input(_("Nominee's member number (optional)")).props("outlined dense inputmode=numeric").classes("w-full")
        message = ui.label().classes("text-sm").mark("open-message")

        async def submit() -> None:
            holders = [{"memberNumber": (owner.value or "").strip(), "role": "OWNER"}]
            if (nominee.value or "").strip():
                holders.append({"memberNumber": nominee.value.strip(), "role": "NOMINEE"})
            data = await frame.call(api, OPEN_ACCOUNT, input={"productCode": product.value, "holders": holders},
                                    on_error=lambda t: setattr(message, "text", t))
            if data is None:
                return
            errors = user_errors(data["openAccount"])
            if errors:
                message.text = " ".join(errors)
                message.classes(replace="text-sm text-red-700")
                return
            account = data["openAccount"]["account"]
            message.text = _("Opened {0} {1} ({2}).").format(account['product']['name'], account['number'], account['status'].lower())
            message.classes(replace="text-sm text-green-800")

        ui.button(_("Open account"), icon="add_card", on_click=submit).mark("open-submit")


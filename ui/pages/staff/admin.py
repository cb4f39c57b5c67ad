"""Administration: staff users and roles, authenticator (TOTP) enrolment with its QR code,
products, and partner API clients. Secrets the API returns are shown once, never stored."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import RedirectResponse
from ui.i18n import N_, _
from nicegui import ui

from ui import fmt, frame
from ui.api import Api, user_errors
from ui.pages.staff.common import open_staff_page

ADMIN_OVERVIEW = """
query AdminOverview {
  staffUsers { id username fullName role active totpEnrolled lockedUntil }
  products { code name kind currency interestRatePercent minimumBalance { amount currency } overdraftLimit { amount currency } active }
  apiClients { clientId name scopes active memberNumber }
  branches { code name }
}"""

CREATE_STAFF_USER = """
mutation CreateStaffUser($input: CreateStaffUserInput!) {
  createStaffUser(input: $input) {
    staffUser { id username role }
    totp { secret provisioningUri qrDataUri }
    userErrors { field code message }
  }
}"""

ENROL_TOTP = """
mutation EnrolTotp($staffUserId: ID) {
  enrolTotp(staffUserId: $staffUserId) { enrolment { secret provisioningUri qrDataUri } userErrors { code message } }
}"""

CREATE_API_CLIENT = """
mutation CreateApiClient($name: String!, $scopes: [String!]!, $memberNumber: String) {
  createApiClient(name: $name, scopes: $scopes, memberNumber: $memberNumber) {
    client { clientId name scopes } clientSecret userErrors { code message }
  }
}"""

ROLES = ["cashier", "clerk", "manager", "accountant", "auditor", "admin"]
SCOPES = ["accounts:read", "entries:read", "transfers:write"]


CREATE_PRODUCT = """
mutation CreateProduct($input: CreateProductInput!) {
  createProduct(input: $input) { product { code name } userErrors { field code message } }
}"""


#: Table headers of the product and partner-application lists.
COLUMN_LABELS = {"code": N_("Code"), "name": N_("Name"), "kind": N_("Kind"), "currency": N_("Currency"),
                 "rate": N_("Rate"), "minimum": N_("Minimum"), "overdraft": N_("Overdraft"), "active": N_("Active"),
                 "id": N_("Id"), "scopes": N_("Scopes"), "member": N_("Member")}


@ui.page("/staff/admin")
async def admin_page(request: Request) -> RedirectResponse | None:
    api = await open_staff_page(request, "Administration", "/staff/admin")
    if not isinstance(api, Api):
        return api
    with frame.body() as column:
        await frame.section(api, column, lambda: draw(api))
    return None


async def draw(api: Api) -> None:
    data = await api.run(ADMIN_OVERVIEW)
    with ui.tabs().classes("w-full") as tabs:
        staff_tab = ui.tab(_("Staff"))
        products_tab = ui.tab(_("Products")).mark("tab-products")
        clients_tab = ui.tab(_("API clients")).mark("tab-clients")
    with ui.tab_panels(tabs, value=staff_tab).classes("w-full"):
        with ui.tab_panel(staff_tab):
            staff_panel(api, data["staffUsers"], data["branches"])
        with ui.tab_panel(products_tab):
            products_panel(api, data["products"])
        with ui.tab_panel(clients_tab):
            clients_panel(api, data["apiClients"])


def show_enrolment(enrolment: dict, who: str) -> None:
    """The QR code and secret, in a dialog, once."""
    with ui.dialog(value=True) as dialog, ui.card().classes("items-center").mark("enrolment"):
        ui.label(_('Authenticator for {0}').format(who)).classes("font-medium")
        ui.image(enrolment["qrDataUri"]).classes("w-48 h-48").mark("qr")
        ui.label(enrolment["secret"]).classes("font-mono text-sm select-all").mark("secret")
        ui.label(_("Scan now: this is not shown again.")).classes("text-xs text-slate-500")
        ui.button(_("Done"), on_click=dialog.close)


def staff_panel(api: Api, users: list[dict], branches: list[dict]) -> None:
    with ui.column().classes("w-full gap-1").mark("staff-users"):
        for u in users:
            with ui.row().classes("w-full items-center gap-2 border-b py-1"):
                ui.label(f"{u['username']} · {u['fullName']}").classes("text-sm grow")
                ui.badge(u["role"])
                ui.label((_("active") if u["active"] else _("inactive")) + (" · TOTP" if u["totpEnrolled"] else " · " + _("no TOTP"))
                         + (" · " + _("locked until {0}").format(fmt.moment(u['lockedUntil'])) if u["lockedUntil"] else "")).classes(
                    "text-xs text-slate-500")
                if api.may("enrolTotp"):
                    async def enrol(user_id: str = u["id"], name: str = u["username"]) -> None:
                        result = await frame.call(api, ENROL_TOTP, staffUserId=user_id)
                        if result and result["enrolTotp"]["enrolment"]:
                            show_enrolment(result["enrolTotp"]["enrolment"], name)
                        elif result:
                            ui.notify(" ".join(user_errors(result["enrolTotp"])), type="warning")

                    ui.button(_("New TOTP"), on_click=enrol).props("dense flat").mark(f"enrol {u['username']}")
    if not api.may("createStaffUser"):
        return
    with ui.card().classes("w-full max-w-xl"):
        ui.label(_("Add a staff user")).classes("font-medium")
        username = ui.input(_("Username")).props("outlined dense").classes("w-full").mark("new-username")
        full_name = ui.input(_("Full name")).props("outlined dense").classes("w-full").mark("new-fullname")
        role = ui.select(ROLES, value="cashier", label=_("Role")).props("outlined dense").classes("w-full").mark("new-role")
        branch = ui.select({"": _("None"), **{b["code"]: f"{b['code']} {b['name']}" for b in branches[:500]}}, value="",
                           label=_("Branch")).props("outlined dense").classes("w-full")
        password = ui.input(_("Initial password (8-64 characters)"), password=True).props("outlined dense").classes(
            "w-full").mark("new-password")
        message = ui.label().classes("text-sm").mark("new-message")

        async def create() -> None:
            data = await frame.call(api, CREATE_STAFF_USER, input={
                "username": (username.value or "").strip(), "fullName": (full_name.value or "").strip(),
                "role": role.value, "password": password.value or "", "branchCode": branch.value or None,
            }, on_error=lambda t: setattr(message, "text", t))
            if data is None:
                return
            errors = user_errors(data["createStaffUser"])
            if errors:
                message.text = " ".join(errors)
                return
            password.value = ""
            message.text = _("Created {0}.").format(data['createStaffUser']['staffUser']['username'])
            show_enrolment(data["createStaffUser"]["totp"], data["createStaffUser"]["staffUser"]["username"])

        ui.button(_("Create"), icon="person_add", on_click=create).mark("new-create")


def products_panel(api: Api, products: list[dict]) -> None:
    if products:
        rows = [{"code": p["code"], "name": p["name"], "kind": p["kind"].lower(), "currency": p["currency"],
                 "rate": f"{p['interestRatePercent']} %", "minimum": fmt.money_of(p["minimumBalance"]),
                 "overdraft": fmt.money_of(p["overdraftLimit"]), "active": _("yes") if p["active"] else _("no")} for p in products]
        ui.table(columns=[{"name": k, "label": _(COLUMN_LABELS[k]), "field": k, "align": "left"} for k in rows[0]], rows=rows,
                 row_key="code").props("dense flat wrap-cells").classes("w-full").mark("products")
    else:
        frame.empty(_("No products yet."))
    if not api.may("createProduct"):
        return
    with ui.card().classes("w-full max-w-xl"):
        ui.label(_("New product")).classes("font-medium")
        with ui.row().classes("w-full gap-2"):
            code = ui.input(_("Code")).props("outlined dense").classes("w-32").mark("product-code")
            name = ui.input(_("Name")).props("outlined dense").classes("grow").mark("product-name")
        with ui.row().classes("w-full gap-2"):
            kind = ui.select({"SAVINGS": _("Savings"), "CURRENT": _("Current"), "LOAN": _("Loan")}, value="SAVINGS",
                             label=_("Kind")).props("outlined dense").classes("w-36")
            currency = ui.input(_("Currency"), value="INR").props("outlined dense").classes("w-24")
            rate = ui.input(_("Rate % a year"), value="0").props("outlined dense inputmode=decimal").classes("w-32").mark(
                "product-rate")
        with ui.row().classes("w-full gap-2"):
            minimum = ui.input(_("Minimum balance"), value="0").props("outlined dense inputmode=decimal").classes("grow")
            overdraft = ui.input(_("Overdraft limit"), value="0").props("outlined dense inputmode=decimal").classes("grow")
        message = ui.label().classes("text-sm").mark("product-message")

        async def create() -> None:
            data = await frame.call(api, CREATE_PRODUCT, input={
                "code": (code.value or "").strip(), "name": (name.value or "").strip(), "kind": kind.value,
                "currency": (currency.value or "").strip(), "interestRatePercent": (rate.value or "0").strip(),
                "minimumBalance": (minimum.value or "0").strip(), "overdraftLimit": (overdraft.value or "0").strip(),
            }, on_error=lambda t: setattr(message, "text", t))
            if data is None:
                return
            payload = data["createProduct"]
            errors = user_errors(payload)
            message.text = " ".join(errors) if errors else _("Created {0}.").format(payload['product']['code'])

        ui.button(_("Create product"), on_click=create).mark("product-create")


def clients_panel(api: Api, clients: list[dict]) -> None:
    if clients:
        rows = [{"id": c["clientId"], "name": c["name"], "scopes": " ".join(c["scopes"]), "member": c["memberNumber"] or "",
                 "active": _("yes") if c["active"] else _("no")} for c in clients]
        ui.table(columns=[{"name": k, "label": _(COLUMN_LABELS[k]), "field": k, "align": "left"} for k in rows[0]], rows=rows,
                 row_key="id").props("dense flat wrap-cells").classes("w-full").mark("clients")
    else:
        frame.empty(_("No partner applications yet."))
    if not api.may("createApiClient"):
        return
    with ui.card().classes("w-full max-w-xl"):
        ui.label(_("Register a partner application")).classes("font-medium")
        name = ui.input(_("Name")).props("outlined dense").classes("w-full").mark("client-name")
        scopes = ui.select(SCOPES, multiple=True, value=["accounts:read"], label=_("Scopes")).props(
            "outlined dense use-chips").classes("w-full")
        member = ui.input(_("Acts for member number (optional)")).props("outlined dense").classes("w-full")
        message = ui.label().classes("text-sm font-mono").mark("client-message")

        async def create() -> None:
            data = await frame.call(api, CREATE_API_CLIENT, name=(name.value or "").strip(), scopes=scopes.value or [],
                                    memberNumber=(member.value or "").strip() or None,
                                    on_error=lambda t: setattr(message, "text", t))
            if data is None:
                return
            payload = data["createApiClient"]
            errors = user_errors(payload)
            message.text = " ".join(errors) if errors else (
                _("client id {0} · secret {1} (shown once)").format(payload['client']['clientId'], payload['clientSecret']))

        ui.button(_("Register"), on_click=create).mark("client-create")

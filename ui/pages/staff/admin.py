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
  staffUsers { id username fullName role active totpEnrolled lockedUntil mustChangePassword }
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

DEACTIVATE_STAFF = """
mutation DeactivateStaffUser($staffUserId: ID!) {
  deactivateStaffUser(staffUserId: $staffUserId) { endedSessions userErrors { code message } }
}"""

RESET_STAFF_PASSWORD = """
mutation ResetStaffPassword($staffUserId: ID!, $temporaryPassword: String!) {
  resetStaffPassword(staffUserId: $staffUserId, temporaryPassword: $temporaryPassword) { done userErrors { code message } }
}"""

UNLOCK_STAFF = """
mutation UnlockStaff($staffUserId: ID!) { unlockLogin(staffUserId: $staffUserId) { done userErrors { code message } } }"""

STAFF_SESSIONS = """
query StaffSessions { staffSessions { id username device clientAddress lastSeenAt current } }"""

REVOKE_SESSION = """
mutation RevokeSession($sessionId: ID!) { revokeSession(sessionId: $sessionId) { revoked } }"""

DEACTIVATE_CLIENT = """
mutation DeactivateApiClient($clientId: String!) { deactivateApiClient(clientId: $clientId) { endedSessions userErrors { code message } } }"""

ROTATE_CLIENT_SECRET = """
mutation RotateClientSecret($clientId: String!) { rotateClientSecret(clientId: $clientId) { clientId clientSecret userErrors { code message } } }"""

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
    with frame.tabs() as tabs:
        staff_tab = ui.tab(_("Staff"))
        sessions_tab = ui.tab(_("Sessions")).mark("tab-sessions")
        products_tab = ui.tab(_("Products")).mark("tab-products")
        clients_tab = ui.tab(_("API clients")).mark("tab-clients")
    with ui.tab_panels(tabs, value=staff_tab).classes("w-full"):
        with ui.tab_panel(staff_tab):
            staff_panel(api, data["staffUsers"], data["branches"])
        with ui.tab_panel(sessions_tab):
            box = ui.column().classes("w-full gap-1").mark("staff-sessions")
            if api.may("staffSessions"):
                await sessions_panel(api, box)
        with ui.tab_panel(products_tab):
            products_panel(api, data["products"])
        with ui.tab_panel(clients_tab):
            clients_panel(api, data["apiClients"])


def show_enrolment(enrolment: dict, who: str) -> None:
    """The QR code and secret, in a dialog, once."""
    with ui.dialog(value=True) as dialog, ui.card().classes("items-center max-w-full").mark("enrolment"):
        ui.label(_('Authenticator for {0}').format(who)).classes("font-medium")
        ui.image(enrolment["qrDataUri"]).classes("w-48 h-48").mark("qr")
        frame.secret(enrolment["secret"])
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
                staff_actions(api, u)
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


def staff_actions(api: Api, u: dict) -> None:
    """Deactivate, reset the password (a temporary one, changed at next sign-in), unlock."""
    name = u["username"]
    if u["mustChangePassword"]:
        ui.badge(_("must change password"), color="amber").mark(f"must-change {name}")
    if u["lockedUntil"] and api.may("unlockLogin"):
        async def unlock(user_id: str = u["id"]) -> None:
            data = await frame.call(api, UNLOCK_STAFF, staffUserId=user_id)
            if data:
                errors = user_errors(data["unlockLogin"])
                ui.notify(" ".join(errors) if errors else _("Unlocked {name}.").format(name=name))

        ui.button(_("Unlock"), on_click=unlock).props("dense flat").mark(f"unlock {name}")
    if api.may("resetStaffPassword"):
        def reset_dialog(user_id: str = u["id"]) -> None:
            with ui.dialog(value=True) as dialog, ui.card().classes("w-80").mark("reset-dialog"):
                ui.label(_("Temporary password for {name}").format(name=name)).classes("font-medium")
                ui.label(_("Give it to them in person; they must choose their own at the next sign-in.")).classes(
                    "text-xs text-slate-500")
                temporary = ui.input(_("Temporary password (8-64 characters)"), password=True,
                                     password_toggle_button=True).props("outlined dense").classes("w-full").mark(
                    "temporary-password")
                note = ui.label().classes("text-sm text-red-700")

                async def reset() -> None:
                    data = await frame.call(api, RESET_STAFF_PASSWORD, staffUserId=user_id,
                                            temporaryPassword=temporary.value or "",
                                            on_error=lambda t: setattr(note, "text", t))
                    if data is None:
                        return
                    errors = user_errors(data["resetStaffPassword"])
                    if errors:
                        note.text = " ".join(errors)
                        return
                    dialog.close()
                    ui.notify(_("Temporary password set for {name}; their sessions ended.").format(name=name))

                with ui.row():
                    ui.button(_("Set"), on_click=reset).mark("reset-confirm")
                    ui.button(_("Cancel"), on_click=dialog.close).props("flat")

        ui.button(_("Reset password"), on_click=lambda: reset_dialog()).props("dense flat").mark(f"reset {name}")
    if u["active"] and api.may("deactivateStaffUser"):
        async def deactivate(user_id: str = u["id"]) -> None:
            data = await frame.call(api, DEACTIVATE_STAFF, staffUserId=user_id)
            if data:
                errors = user_errors(data["deactivateStaffUser"])
                ui.notify(" ".join(errors) if errors else _("{name} deactivated; {n} session(s) ended.").format(
                    name=name, n=data["deactivateStaffUser"]["endedSessions"]))

        ui.button(_("Deactivate"), on_click=deactivate).props("dense flat color=negative").mark(f"deactivate {name}")


async def sessions_panel(api: Api, box: ui.column) -> None:
    """Every live staff session: who, where from, last seen; the admin may end any of them."""
    box.clear()
    sessions = (await api.run(STAFF_SESSIONS))["staffSessions"]
    with box:
        if not sessions:
            frame.empty(_("No staff are signed in."))
        for s in sessions:
            with ui.row().classes("w-full items-center gap-2 border-b py-1").mark(f"staff-session {s['username']}"):
                with ui.column().classes("gap-0 grow min-w-0"):
                    ui.label(s["username"] + (" · " + _("you") if s["current"] else "")).classes("text-sm")
                    ui.label(_("{device} · {address} · last seen {when}").format(
                        device=(s["device"] or _("unknown device"))[:60], address=s["clientAddress"] or "?",
                        when=fmt.moment(s["lastSeenAt"]))).classes("text-xs text-slate-500 truncate w-full")
                if not s["current"]:
                    async def end(session_id: str = s["id"]) -> None:
                        data = await frame.call(api, REVOKE_SESSION, sessionId=session_id)
                        if data is not None:
                            ui.notify(_("Session ended.") if data["revokeSession"]["revoked"] else _("It had ended already."))
                            await sessions_panel(api, box)

                    ui.button(_("End"), on_click=end).props("dense flat").mark(f"end-staff-session {s['username']}")


def clients_panel(api: Api, clients: list[dict]) -> None:
    if clients:
        with ui.column().classes("w-full gap-1").mark("clients"):
            for c in clients:
                with ui.row().classes("w-full items-center gap-2 border-b py-1"):
                    with ui.column().classes("gap-0 grow min-w-0"):
                        ui.label(f"{c['name']} · {c['clientId']}").classes("text-sm")
                        ui.label(" ".join(c["scopes"]) + (" · " + _("member {0}").format(c['memberNumber']) if c["memberNumber"] else "")
                                 + " · " + (_("active") if c["active"] else _("inactive"))).classes(
                            "text-xs text-slate-500")
                    if c["active"] and api.may("rotateClientSecret"):
                        async def rotate(client_id: str = c["clientId"]) -> None:
                            data = await frame.call(api, ROTATE_CLIENT_SECRET, clientId=client_id)
                            if data is None:
                                return
                            payload = data["rotateClientSecret"]
                            errors = user_errors(payload)
                            if errors:
                                ui.notify(" ".join(errors), type="warning")
                                return
                            with ui.dialog(value=True) as dialog, ui.card().classes("max-w-full").mark("new-secret"):
                                ui.label(_("New secret for {client}").format(client=client_id)).classes("font-medium")
                                frame.secret(payload["clientSecret"], "client-secret")
                                ui.label(_("Shown once. The old secret no longer works.")).classes(
                                    "text-xs text-slate-500")
                                ui.button(_("Done"), on_click=dialog.close)

                        ui.button(_("New secret"), on_click=rotate).props("dense flat").mark(f"rotate {c['clientId']}")
                    if c["active"] and api.may("deactivateApiClient"):
                        async def deactivate(client_id: str = c["clientId"]) -> None:
                            data = await frame.call(api, DEACTIVATE_CLIENT, clientId=client_id)
                            if data:
                                errors = user_errors(data["deactivateApiClient"])
                                ui.notify(" ".join(errors) if errors else _("{client} deactivated.").format(
                                    client=client_id))

                        ui.button(_("Deactivate"), on_click=deactivate).props("dense flat color=negative").mark(
                            f"deactivate-client {c['clientId']}")
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
        message = ui.label().classes("text-sm font-mono break-all").mark("client-message")
        shown = ui.column().classes("w-full gap-1")

        async def create() -> None:
            data = await frame.call(api, CREATE_API_CLIENT, name=(name.value or "").strip(), scopes=scopes.value or [],
                                    memberNumber=(member.value or "").strip() or None,
                                    on_error=lambda t: setattr(message, "text", t))
            if data is None:
                return
            payload = data["createApiClient"]
            errors = user_errors(payload)
            shown.clear()
            if errors:
                message.text = " ".join(errors)
                return
            message.text = _("client id {0} · secret (shown once):").format(payload['client']['clientId'])
            with shown:
                frame.secret(payload["clientSecret"], "new-client-secret")

        ui.button(_("Register"), on_click=create).mark("client-create")

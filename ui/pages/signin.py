"""Sign-in for members (member number or mobile, password, one-time code) and staff
(username, password, authenticator code), in two steps through the API's sign-in mutations."""

from __future__ import annotations

from datetime import datetime

from fastapi import Request
from fastapi.responses import RedirectResponse
from ui.i18n import N_, _
from nicegui import app, ui

from ui import fmt, frame
from ui.api import Api, ApiError, user_errors
from ui.session import device_id_of, park

SIGN_IN_PASSWORD = """
mutation SignInPassword($kind: PrincipalKindInput!, $login: String!, $password: String!) {
  signInWithPassword(kind: $kind, login: $login, password: $password) {
    challengeToken method sentTo expiresAt
    userErrors { code message }
  }
}"""

SIGN_IN_CODE = """
mutation SignInCode($kind: PrincipalKindInput!, $challengeToken: String!, $code: String!) {
  signInWithCode(kind: $kind, challengeToken: $challengeToken, code: $code) {
    session { token expiresAt idleTimeoutS mustChangePassword }
    userErrors { code message }
  }
}"""

REASONS = {
    "idle": N_("You were signed out after a period of inactivity."),
    "expired": N_("Your session has ended. Please sign in again."),
    "signed-out": N_("You have signed out."),
}


@ui.page("/")
async def root(request: Request) -> RedirectResponse:
    api = await frame.signed_in(request)
    return RedirectResponse(frame.home_of(api) if api else "/signin", status_code=303)


@ui.page("/signin")
async def signin_page(request: Request, reason: str = "") -> RedirectResponse | None:
    api = await frame.signed_in(request)
    if api is not None:
        return RedirectResponse(frame.home_of(api), status_code=303)
    ui.page_title(_('Sign in · {0}').format(frame.BANK_NAME))
    ui.colors(primary="#1f5f8b")
    device = device_id_of(request)
    SignInForm(Api(client_address=frame.client_address(request), user_agent=request.headers.get("user-agent"),
                   device_id=device), reason).draw()
    return None


class SignInForm:
    """The two steps of sign-in on one card."""

    def __init__(self, api: Api, reason: str) -> None:
        self.api = api
        self.reason = reason
        self.challenge: str | None = None

    def draw(self) -> None:
        with ui.column().classes("w-full max-w-sm mx-auto p-4 gap-3 mt-4 sm:mt-16"):
            with ui.row().classes("items-center gap-2"):
                ui.icon("account_balance", size="lg", color="primary")
                ui.label(frame.BANK_NAME).classes("text-2xl font-semibold text-slate-800")
            if self.reason in REASONS:
                ui.label(_(REASONS[self.reason])).classes("text-sm text-slate-600").mark("reason")
            with ui.card().classes("w-full"):
                self.kind = ui.toggle({"MEMBER": _("Member"), "STAFF": _("Staff")}, value="MEMBER",
                                      on_change=self._kind_changed).props("spread no-caps").classes("w-full").mark("kind")
                with ui.column().classes("w-full gap-2") as self.step1:
                    self.login = ui.input(_("Member number or mobile")).props("outlined autocomplete=username").classes(
                        "w-full").mark("login")
                    self.password = ui.input(_("Password"), password=True, password_toggle_button=True).props(
                        "outlined autocomplete=current-password").classes("w-full").mark("password")
                    self.password.on("keydown.enter", self.submit_password)
                    ui.button(_("Continue"), on_click=self.submit_password).classes("w-full").mark("continue")
                    self.reset_link = ui.link(_("Set or forgot password"), "/password-reset").classes(
                        "text-sm").mark("forgot-password")
                with ui.column().classes("w-full gap-2") as self.step2:
                    self.hint = ui.label().classes("text-sm text-slate-600").mark("code-hint")
                    self.code = ui.input(_("6-digit code")).props(
                        "outlined inputmode=numeric autocomplete=one-time-code maxlength=6").classes("w-full").mark("code")
                    self.code.on("keydown.enter", self.submit_code)
                    ui.button(_("Sign in"), on_click=self.submit_code).classes("w-full").mark("sign-in")
                    ui.button(_("Start again"), on_click=self._restart).props("flat no-caps").classes("w-full")
                self.step2.set_visibility(False)
                self.message = ui.label().classes("text-sm text-red-700").mark("message")

    def _kind_changed(self) -> None:
        self.login.label = _("Member number or mobile") if self.kind.value == "MEMBER" else _("Username")
        self.reset_link.set_visibility(self.kind.value == "MEMBER")
        self._restart()

    def _restart(self) -> None:
        self.challenge = None
        self.step1.set_visibility(True)
        self.step2.set_visibility(False)
        self.message.text = ""

    async def submit_password(self) -> None:
        if not self.login.value or not self.password.value:
            self.message.text = _("Enter your login and password.")
            return
        self.message.text = ""
        try:
            data = await self.api.run(SIGN_IN_PASSWORD, kind=self.kind.value, login=self.login.value,
                                      password=self.password.value)
        except ApiError as exc:
            self.message.text = exc.for_person()
            return
        payload = data["signInWithPassword"]
        errors = user_errors(payload)
        if payload.get("lockedUntil"):
            self.message.text = _("Too many wrong passwords: this login is locked until {when}.").format(
                when=fmt.moment(payload["lockedUntil"]))
            return
        if errors:
            self.message.text = errors[0]
            return
        self.challenge = payload["challengeToken"]
        self.password.value = ""
        self.hint.text = (
            _("We sent a code to {0}. It expires in a few minutes.").format(payload['sentTo'])
            if payload["method"] == "code" else _("Enter the code from your authenticator app.")
        )
        self.step1.set_visibility(False)
        self.step2.set_visibility(True)

    async def submit_code(self) -> None:
        code = (self.code.value or "").strip()
        if not (code.isdigit() and len(code) == 6):
            self.message.text = _("The code has 6 digits.")
            return
        try:
            data = await self.api.run(SIGN_IN_CODE, kind=self.kind.value, challengeToken=self.challenge, code=code)
        except ApiError as exc:
            self.message.text = exc.for_person()
            return
        payload = data["signInWithCode"]
        errors = user_errors(payload)
        if errors:
            self.message.text = errors[0] + " " + _("Check the code, or start again for a new one.")
            self.code.value = ""
            return
        session = payload["session"]
        app.storage.user["idle_s"] = session["idleTimeoutS"]
        nonce = park(session["token"], datetime.fromisoformat(session["expiresAt"]), device_id=self.api.device_id)
        ui.navigate.to(f"/session/start?n={nonce}")

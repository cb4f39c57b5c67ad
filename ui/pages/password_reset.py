"""Members set a first password, or reset a forgotten one: member number (or mobile) and date of
birth, then the code sent to the registered mobile and the new password (issue 9 item 4).

The page says the same whatever was typed: only the person holding the registered mobile
receives a code."""

from __future__ import annotations

from fastapi import Request
from nicegui import ui

from ui import fmt, frame
from ui.api import Api, ApiError, user_errors
from ui.i18n import _

REQUEST_RESET = """
mutation RequestPasswordReset($login: String!, $dateOfBirth: Date!) {
  requestPasswordReset(login: $login, dateOfBirth: $dateOfBirth) { challengeToken sentTo userErrors { code message } }
}"""

COMPLETE_RESET = """
mutation CompletePasswordReset($challengeToken: String!, $code: String!, $newPassword: String!) {
  completePasswordReset(challengeToken: $challengeToken, code: $code, newPassword: $newPassword) {
    done userErrors { field code message }
  }
}"""


@ui.page("/password-reset")
async def password_reset_page(request: Request) -> None:
    ui.page_title(f"{_('Set or reset your password')} · {frame.BANK_NAME}")
    ui.colors(primary="#1f5f8b")
    api = Api(client_address=frame.client_address(request), user_agent=request.headers.get("user-agent"))
    challenge: dict[str, str] = {}
    with ui.column().classes("w-full max-w-sm mx-auto p-4 gap-3 mt-4 sm:mt-16"):
        with ui.row().classes("items-center gap-2"):
            ui.icon("account_balance", size="lg", color="primary")
            ui.label(frame.BANK_NAME).classes("text-2xl font-semibold text-slate-800")
        with ui.card().classes("w-full"):
            ui.label(_("Set or reset your password")).classes("font-medium")
            with ui.column().classes("w-full gap-2") as step1:
                ui.label(_("We send a code to the mobile number the bank has on record for you.")).classes(
                    "text-xs text-slate-500")
                login = ui.input(_("Member number or mobile")).props("outlined autocomplete=username").classes(
                    "w-full").mark("reset-login")
                dob = frame.date_input(_("Date of birth")).classes("w-full").mark("reset-dob")
                ui.button(_("Send code"), on_click=lambda: send()).classes("w-full").mark("reset-send")
            with ui.column().classes("w-full gap-2") as step2:
                hint = ui.label().classes("text-sm text-slate-600").mark("reset-hint")
                code = ui.input(_("6-digit code")).props(
                    "outlined inputmode=numeric autocomplete=one-time-code maxlength=6").classes("w-full").mark("reset-code")
                new = ui.input(_("New password (8-64 characters)"), password=True, password_toggle_button=True).props(
                    "outlined autocomplete=new-password").classes("w-full").mark("reset-password")
                again = ui.input(_("New password again"), password=True).props(
                    "outlined autocomplete=new-password").classes("w-full").mark("reset-password-again")
                ui.button(_("Set password"), on_click=lambda: complete()).classes("w-full").mark("reset-set")
            step2.set_visibility(False)
            message = ui.label().classes("text-sm text-red-700").mark("reset-message")
            ui.link(_("Back to sign in"), "/signin").classes("text-sm")

    async def send() -> None:
        born = fmt.parse_day(dob.value)
        if not (login.value or "").strip() or born is None:
            message.text = _("Enter your member number (or mobile) and your date of birth as DD-MM-YYYY.")
            return
        try:
            data = await api.run(REQUEST_RESET, login=login.value.strip(), dateOfBirth=born.isoformat())
        except ApiError as exc:
            message.text = exc.for_person()
            return
        payload = data["requestPasswordReset"]
        errors = user_errors(payload)
        if errors:
            message.text = errors[0]
            return
        challenge["token"] = payload["challengeToken"]
        message.text = ""
        hint.text = _("If the details match our records, we sent a code to your registered mobile. "
                      "It expires in a few minutes.")
        step1.set_visibility(False)
        step2.set_visibility(True)

    async def complete() -> None:
        typed = (code.value or "").strip()
        if not (typed.isdigit() and len(typed) == 6):
            message.text = _("The code has 6 digits.")
            return
        if not new.value or new.value != again.value:
            message.text = _("The new passwords are not the same.")
            return
        try:
            data = await api.run(COMPLETE_RESET, challengeToken=challenge.get("token", ""), code=typed,
                                 newPassword=new.value)
        except ApiError as exc:
            message.text = exc.for_person()
            return
        payload = data["completePasswordReset"]
        errors = user_errors(payload)
        if errors:
            message.text = errors[0]
            return
        step2.set_visibility(False)
        message.classes(replace="text-sm text-green-800")
        message.text = _("Your password is set. Sign in with it now.")

"""Password and sessions, for members and staff alike: change your password, see where you are
signed in (device, address, last seen) and end any of those sessions (issue 9 items 4 and 5)."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import RedirectResponse
from nicegui import ui

from ui import fmt, frame
from ui.api import Api, user_errors
from ui.i18n import _

MY_SESSIONS = """
query MySessions { mySessions { id device clientAddress createdAt lastSeenAt current } }"""

CHANGE_PASSWORD = """
mutation ChangePassword($currentPassword: String!, $newPassword: String!) {
  changePassword(currentPassword: $currentPassword, newPassword: $newPassword) {
    done endedSessions userErrors { field code message }
  }
}"""

END_SESSION = """
mutation EndSession($sessionId: ID!) { endSession(sessionId: $sessionId) { ended } }"""


@ui.page("/security")
async def security_page(request: Request) -> RedirectResponse | None:
    api = await frame.signed_in(request)
    if api is None:
        return frame.to_sign_in()
    if frame.shell(api, "Password and sessions", audience=frame.ANYONE_SIGNED_IN, needs=("mySessions", "changePassword")):
        with frame.body() as column:
            await frame.section(api, column, lambda: draw(api))
    return None


async def draw(api: Api) -> None:
    if api.must_change_password:
        with ui.card().classes("w-full max-w-xl bg-amber-50").mark("must-change"):
            ui.label(_("An administrator set a temporary password for you. Choose your own to continue.")).classes(
                "text-sm")
    password_card(api)
    sessions_box = ui.column().classes("w-full max-w-xl gap-2")
    await sessions_card(api, sessions_box)


def password_card(api: Api) -> None:
    with ui.card().classes("w-full max-w-xl"):
        ui.label(_("Change your password")).classes("font-medium")
        current = ui.input(_("Current password"), password=True, password_toggle_button=True).props(
            "outlined dense autocomplete=current-password").classes("w-full").mark("current-password")
        new = ui.input(_("New password (8-64 characters)"), password=True, password_toggle_button=True).props(
            "outlined dense autocomplete=new-password").classes("w-full").mark("new-password")
        again = ui.input(_("New password again"), password=True).props(
            "outlined dense autocomplete=new-password").classes("w-full").mark("new-password-again")
        message = ui.label().classes("text-sm").mark("password-message")

        def say(text: str, ok: bool) -> None:
            message.text = text
            message.classes(replace="text-sm " + ("text-green-800" if ok else "text-red-700"))

        async def change() -> None:
            if not current.value or not new.value:
                say(_("Enter your current password and a new one."), False)
                return
            if new.value != again.value:
                say(_("The new passwords are not the same."), False)
                return
            data = await frame.call(api, CHANGE_PASSWORD, currentPassword=current.value, newPassword=new.value,
                                    on_error=lambda text: say(text, False))
            if data is None:
                return
            payload = data["changePassword"]
            errors = user_errors(payload)
            if errors:
                say(" ".join(errors), False)
                return
            current.value = new.value = again.value = ""
            ended = payload["endedSessions"]
            say(_("Password changed.") + (" " + _("Signed out on {n} other device(s).").format(n=ended) if ended else ""),
                True)
            if api.must_change_password:
                api.must_change_password = False
                ui.navigate.to("/")

        ui.button(_("Change password"), icon="key", on_click=change).mark("change-password")


async def sessions_card(api: Api, box: ui.column) -> None:
    box.clear()
    sessions = (await api.run(MY_SESSIONS))["mySessions"]
    with box, ui.card().classes("w-full"):
        ui.label(_("Where you are signed in")).classes("font-medium")
        if not sessions:
            frame.empty(_("No live sessions."))
        for s in sessions:
            with ui.row().classes("w-full items-center gap-2 border-t pt-2 flex-nowrap").mark(f"session {s['id']}"):
                ui.icon("smartphone" if "Mobile" in (s["device"] or "") or "Android" in (s["device"] or "")
                        else "computer", color="primary")
                with ui.column().classes("gap-0 grow min-w-0"):
                    ui.label(_short_device(s["device"])).classes("text-sm truncate w-full")
                    ui.label(_("{address} · last seen {when}").format(
                        address=s["clientAddress"] or _("unknown address"), when=fmt.moment(s["lastSeenAt"]))).classes(
                        "text-xs text-slate-500")
                if s["current"]:
                    ui.badge(_("This device"), color="green").mark("current-session")

                async def end(session_id: str = s["id"], current: bool = s["current"]) -> None:
                    data = await frame.call(api, END_SESSION, sessionId=session_id)
                    if data is None:
                        return
                    if current:
                        frame.leave("signed-out")
                        return
                    ui.notify(_("Session ended.") if data["endSession"]["ended"] else _("It had ended already."))
                    await sessions_card(api, box)

                ui.button(_("Sign out") if s["current"] else _("End"), on_click=end).props("dense flat").mark(
                    f"end-session {s['id']}")


def _short_device(device: str | None) -> str:
    """A User-Agent cut to what a person recognises: browser and system when we can tell."""
    if not device:
        return _("Unknown device")
    text = device
    browser = next((b for b in ("Edg", "Firefox", "Chrome", "Safari") if b in text), None)
    system = next((o for o in ("Android", "iPhone", "iPad", "Windows", "Mac OS", "Linux") if o in text), None)
    if browser and system:
        return f"{'Edge' if browser == 'Edg' else browser} · {system}"
    return text[:60]

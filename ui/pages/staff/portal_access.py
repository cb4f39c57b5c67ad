"""At the branch: give a registered member portal access (they choose a password with a code to
their registered mobile), and, for a manager, lift a member's sign-in lock (issue 9 item 4)."""

from __future__ import annotations

from nicegui import ui

from ui import frame
from ui.api import Api, user_errors
from ui.i18n import _

GRANT_PORTAL_ACCESS = """
mutation GrantPortalAccess($memberNumber: String!) {
  grantPortalAccess(memberNumber: $memberNumber) { member { memberNumber fullName } userErrors { code message } }
}"""

UNLOCK_MEMBER = """
mutation UnlockMember($memberNumber: String!) { unlockLogin(memberNumber: $memberNumber) { done userErrors { code message } } }"""


def portal_access_card(api: Api) -> None:
    with ui.card().classes("w-full max-w-xl"):
        ui.label(_("Online banking for a member")).classes("font-medium")
        ui.label(_("The member then opens the sign-in page, chooses 'Set or forgot password' and gets a code on "
                   "the mobile number on record. Check their identity first.")).classes("text-xs text-slate-500")
        number = ui.input(_("Member number")).props("outlined dense inputmode=numeric").classes("w-full").mark(
            "portal-member")
        message = ui.label().classes("text-sm").mark("portal-message")

        def say(text: str, ok: bool) -> None:
            message.text = text
            message.classes(replace="text-sm " + ("text-green-800" if ok else "text-red-700"))

        async def grant() -> None:
            wanted = (number.value or "").strip()
            if not wanted:
                say(_("Type the member number."), False)
                return
            data = await frame.call(api, GRANT_PORTAL_ACCESS, memberNumber=wanted, on_error=lambda t: say(t, False))
            if data is None:
                return
            payload = data["grantPortalAccess"]
            errors = user_errors(payload)
            if errors:
                say(" ".join(errors), False)
                return
            say(_("{name} can now set a password; we sent them an SMS.").format(name=payload["member"]["fullName"]), True)

        async def unlock() -> None:
            wanted = (number.value or "").strip()
            if not wanted:
                say(_("Type the member number."), False)
                return
            data = await frame.call(api, UNLOCK_MEMBER, memberNumber=wanted, on_error=lambda t: say(t, False))
            if data is None:
                return
            errors = user_errors(data["unlockLogin"])
            say(" ".join(errors) if errors else _("The member's sign-in is unlocked."), not errors)

        with ui.row().classes("gap-2"):
            if api.may("grantPortalAccess"):
                ui.button(_("Give portal access"), icon="key", on_click=grant).mark("portal-grant")
            if api.may("unlockLogin"):
                ui.button(_("Unlock sign-in"), icon="lock_open", on_click=unlock).props("flat").mark("portal-unlock")

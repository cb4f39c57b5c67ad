"""The member's particulars, contact details they may change, and nominees per account."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import RedirectResponse
from nicegui import ui

from ui import fmt, frame
from ui.api import Api, user_errors
from ui.i18n import N_, _

MEMBER_PROFILE = """
query MemberProfile {
  me {
    member {
      memberNumber fullName dateOfBirth kycStatus aadhaarMasked pan mobile email address
      branch { code name }
      accounts { number product { name } holders { role memberNumber fullName } }
    }
  }
}"""

SET_NOMINEE = """
mutation SetNominee($accountNumber: String!, $nomineeMemberNumber: String) {
  setNominee(accountNumber: $accountNumber, nomineeMemberNumber: $nomineeMemberNumber) {
    account { holders { role memberNumber fullName } }
    userErrors { field code message }
  }
}"""

REQUEST_CONTACT_CHANGE = """
mutation RequestContactChange($mobile: String, $email: String) {
  requestContactChange(mobile: $mobile, email: $email) { challengeToken sentTo userErrors { field code message } }
}"""

CONFIRM_CONTACT_CHANGE = """
mutation ConfirmContactChange($challengeToken: String!, $code: String!) {
  confirmContactChange(challengeToken: $challengeToken, code: $code) {
    member { mobile email address }
    userErrors { field code message }
  }
}"""

UPDATE_CONTACT = """
mutation UpdateContact($input: UpdateMemberInput!) {
  updateMember(input: $input) {
    member { mobile email address }
    userErrors { field code message }
  }
}"""


@ui.page("/member/profile")
async def profile_page(request: Request) -> RedirectResponse | None:
    api = await frame.signed_in(request)
    if api is None:
        return frame.to_sign_in()
    if frame.shell(api, "Profile", audience=frame.MEMBER):
        with frame.body() as column:
            await frame.section(api, column, lambda: draw(api))
    return None


async def draw(api: Api) -> None:
    member = (await api.run(MEMBER_PROFILE))["me"]["member"]
    with ui.card().classes("w-full max-w-xl"):
        ui.label(_("About you")).classes("font-medium")
        with ui.grid(columns=2).classes("gap-x-4 gap-y-1 text-sm"):
            for label, value in (
                (N_("Name"), member["fullName"]), (N_("Member number"), member["memberNumber"]),
                (N_("Date of birth"), fmt.day(member["dateOfBirth"])), (N_("Branch"), member["branch"]["name"]),
                (N_("KYC"), member["kycStatus"].lower()), (N_("Aadhaar"), member["aadhaarMasked"] or "—"),
                (N_("PAN"), member["pan"] or "—"),
            ):
                ui.label(_(label)).classes("text-slate-500")
                ui.label(value).mark(f"profile {label}")
    with ui.card().classes("w-full max-w-xl"):
        ui.label(_("Contact details")).classes("font-medium")
        mobile = ui.input(_("Mobile"), value=member["mobile"] or "").props("outlined inputmode=tel").classes("w-full").mark("mobile")
        email = ui.input(_("E-mail"), value=member["email"] or "").props("outlined inputmode=email").classes("w-full").mark("email")
        address = ui.textarea(_("Address"), value=member["address"] or "").props("outlined autogrow").classes("w-full").mark(
            "address")
        message = ui.label().classes("text-sm").mark("message")
        # A new mobile or e-mail receives one-time codes: it is confirmed with a code sent to it.
        with ui.column().classes("w-full gap-2") as confirm_box:
            code_hint = ui.label().classes("text-sm text-slate-600").mark("contact-code-hint")
            code_input = ui.input(_("6-digit code")).props(
                "outlined inputmode=numeric autocomplete=one-time-code maxlength=6").classes("w-full").mark("contact-code")
        confirm_box.set_visibility(False)
        pending: dict[str, str] = {}

        def say(text: str, ok: bool) -> None:
            message.text = text
            message.classes(replace="text-sm " + ("text-green-800" if ok else "text-red-700"))

        async def request_change(key: str, value: str) -> None:
            data = await frame.call(api, REQUEST_CONTACT_CHANGE, **{key: value},
                                    on_error=lambda text: say(text, False))
            if data is None:
                return
            payload = data["requestContactChange"]
            errors = user_errors(payload)
            if errors:
                say(" ".join(errors), False)
                return
            pending.update(token=payload["challengeToken"], key=key)
            what = _("mobile number") if key == "mobile" else _("e-mail")
            code_hint.text = _("We sent a code to {sent_to}. Enter it to confirm your new {what}.").format(
                sent_to=payload["sentTo"], what=what)
            code_input.value = ""
            confirm_box.set_visibility(True)
            say("", True)

        async def confirm() -> None:
            code = (code_input.value or "").strip()
            if not (code.isdigit() and len(code) == 6):
                say(_("The code has 6 digits."), False)
                return
            data = await frame.call(api, CONFIRM_CONTACT_CHANGE, challengeToken=pending.get("token"), code=code,
                                    on_error=lambda text: say(text, False))
            if data is None:
                return
            payload = data["confirmContactChange"]
            errors = user_errors(payload)
            if errors:
                say(" ".join(errors), False)
                code_input.value = ""
                return
            member.update(payload["member"])
            confirm_box.set_visibility(False)
            pending.clear()
            say(_("Saved. We told your old contact about the change."), True)

        async def save() -> None:
            changed = {}
            for key, field_, old in (("mobile", mobile, member["mobile"]), ("email", email, member["email"]),
                                     ("address", address, member["address"])):
                if (field_.value or "") != (old or ""):
                    changed[key] = field_.value
            if not changed:
                say(_("Nothing changed."), False)
                return
            if "address" in changed:
                data = await frame.call(api, UPDATE_CONTACT,
                                        input={"memberNumber": member["memberNumber"], "address": changed["address"]},
                                        on_error=lambda text: say(text, False))
                if data is None:
                    return
                errors = user_errors(data["updateMember"])
                if errors:
                    say(" ".join(errors), False)
                    return
                member.update(data["updateMember"]["member"])
                say(_("Saved."), True)
            # One second factor at a time: the mobile first, then the e-mail on the next save.
            for key in ("mobile", "email"):
                if key in changed:
                    await request_change(key, changed[key])
                    break

        with confirm_box:
            ui.button(_("Confirm"), icon="verified", on_click=confirm).mark("contact-confirm")
        ui.button(_("Save"), icon="save", on_click=save).mark("save")
    with ui.card().classes("w-full max-w-xl"):
        ui.label(_("Nominees")).classes("font-medium")
        ui.label(_("The member who receives the money if something happens to you. They must be a member "
                 "of the bank; give their member number.")).classes("text-xs text-slate-500")
        owned = [a for a in member["accounts"]
                 if any(h["role"] in ("OWNER", "JOINT") and h["memberNumber"] == member["memberNumber"] for h in a["holders"])]
        if not owned:
            frame.empty(_("You hold no account of your own to name a nominee for."))
        for account in owned:
            await nominee_row(api, account)


async def nominee_row(api: Api, account: dict) -> None:
    """One account: its nominee now, and a field to name or remove one."""
    current = next((h for h in account["holders"] if h["role"] == "NOMINEE"), None)
    with ui.column().classes("w-full gap-1 border-t pt-2"):
        ui.label(f"{account['number']} · {account['product']['name']}").classes("text-sm font-medium")
        shown = ui.label(_("Nominee: {0} ({1})").format(current['fullName'], current['memberNumber']) if current else _("No nominee yet.")).classes(
            "text-sm").mark(f"nominee {account['number']}")
        with ui.row().classes("w-full items-end gap-2"):
            number = ui.input(_("Nominee's member number")).props("outlined dense inputmode=numeric").classes("grow").mark(
                f"nominee-input {account['number']}")
            note = ui.label().classes("text-xs")

            async def save(remove: bool = False) -> None:
                wanted = None if remove else (number.value or "").strip()
                if wanted == "":
                    note.text = _("Type the nominee's member number.")
                    return
                data = await frame.call(api, SET_NOMINEE, accountNumber=account["number"], nomineeMemberNumber=wanted,
                                        on_error=lambda text: setattr(note, "text", text))
                if data is None:
                    return
                errors = user_errors(data["setNominee"])
                if errors:
                    note.text = " ".join(errors)
                    return
                holders = data["setNominee"]["account"]["holders"]
                nominee = next((h for h in holders if h["role"] == "NOMINEE"), None)
                shown.text = _("Nominee: {0} ({1})").format(nominee['fullName'], nominee['memberNumber']) if nominee else _("No nominee yet.")
                note.text = _("Saved.")
                number.value = ""

            ui.button(_("Save"), on_click=lambda: save()).props("dense").mark(f"nominee-save {account['number']}")
            if current:
                ui.button(_("Remove"), on_click=lambda: save(remove=True)).props("dense flat").mark(f"nominee-remove {account['number']}")

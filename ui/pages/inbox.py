"""The inbox: a member's or staff user's notifications, marking them read, and (members)
their alert settings: language, channels and the credit-alert threshold."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import RedirectResponse
from nicegui import ui

from ui import fmt, frame
from ui.api import Api, user_errors
from ui.i18n import _

INBOX = """
query Inbox($before: ID) {
  unreadNotificationCount
  notifications(first: 30, before: $before) { id kind title body createdAt read }
}"""

MARK_READ = """
mutation MarkNotificationsRead($ids: [ID!]) {
  markNotificationsRead(ids: $ids) { count unreadCount userErrors { code message } }
}"""

PREFERENCES = """
query NotificationPreferences {
  notificationPreferences { language sms email whatsapp debitAlertsMandatory creditAlertThreshold { amount currency } }
}"""

SET_PREFERENCES = """
mutation SetNotificationPreferences($input: NotificationPreferencesInput!) {
  setNotificationPreferences(input: $input) {
    preferences { language sms email whatsapp creditAlertThreshold { amount currency } }
    userErrors { field code message }
  }
}"""

LANGUAGES = {"EN": "English", "HI": "हिन्दी (Hindi)", "MR": "मराठी (Marathi)"}
ICONS = {"debit": "south_east", "credit": "north_west", "emi_due": "event", "emi_overdue": "warning",
         "fd_maturing": "savings", "fd_matured": "savings", "kyc_due": "badge", "new_device_sign_in": "devices",
         "mobile_changed": "phone_iphone", "password_changed": "key", "email_changed": "mail",
         "webhook_disabled": "webhook"}


@ui.page("/member/inbox")
async def member_inbox(request: Request) -> RedirectResponse | None:
    return await _page(request, frame.MEMBER)


@ui.page("/staff/inbox")
async def staff_inbox(request: Request) -> RedirectResponse | None:
    return await _page(request, frame.STAFF)


async def _page(request: Request, audience: str) -> RedirectResponse | None:
    api = await frame.signed_in(request)
    if api is None:
        return frame.to_sign_in()
    if frame.shell(api, "Notifications", audience=audience, needs=("notifications",)):
        with frame.body():
            listing = ui.column().classes("w-full gap-2").mark("inbox")
            await frame.section(api, listing, lambda: draw_inbox(api, listing))
            if audience == frame.MEMBER:
                settings = ui.column().classes("w-full").mark("alert-settings")
                await frame.section(api, settings, lambda: draw_settings(api))
    return None


async def draw_inbox(api: Api, container: ui.column) -> None:
    data = await api.run(INBOX)
    items = data["notifications"]
    with ui.row().classes("w-full items-center gap-2"):
        ui.label(_("{count} unread").format(count=data["unreadNotificationCount"])).classes(
            "text-slate-600").mark("unread-count")
        ui.space()

        async def mark_all() -> None:
            if await frame.call(api, MARK_READ) is not None:
                await frame.section(api, container, lambda: draw_inbox(api, container))

        ui.button(_("Mark all read"), icon="done_all", on_click=mark_all).props("flat dense").mark("mark-all")
    if not items:
        frame.empty(_("No notifications yet."))
        return
    for item in items:
        unread = not item["read"]
        with ui.card().classes("w-full p-3" + (" border-l-4 border-sky-600" if unread else " opacity-80")).mark(
                f"notification {item['id']}"):
            with ui.row().classes("w-full items-start gap-3 no-wrap"):
                ui.icon(ICONS.get(item["kind"], "notifications"), color="primary").classes("text-2xl mt-1")
                with ui.column().classes("gap-0 grow min-w-0"):
                    ui.label(item["title"]).classes("font-medium" if unread else "")
                    ui.label(item["body"]).classes("text-sm text-slate-700 break-words")
                    ui.label(fmt.moment(item["createdAt"])).classes("text-xs text-slate-500")
                if unread:
                    async def mark_one(nid: str = item["id"]) -> None:
                        if await frame.call(api, MARK_READ, ids=[nid]) is not None:
                            await frame.section(api, container, lambda: draw_inbox(api, container))

                    ui.button(icon="done", on_click=mark_one).props("flat round dense").tooltip(_("Mark read")).mark(
                        f"read {item['id']}")


async def draw_settings(api: Api) -> None:
    prefs = (await api.run(PREFERENCES))["notificationPreferences"]
    threshold = prefs["creditAlertThreshold"]
    with ui.card().classes("w-full max-w-xl"):
        ui.label(_("Alert settings")).classes("font-medium")
        language = ui.select(LANGUAGES, value=prefs["language"], label=_("Language of messages")).props(
            "outlined dense").classes("w-full").mark("language")
        sms = ui.switch(_("SMS"), value=prefs["sms"]).mark("sms")
        ui.label(_("Debit alerts and security notices always come by SMS (RBI rules).")).classes(
            "text-xs text-slate-500 -mt-2")
        ui.label(_("You are told of: every debit; credits above your threshold; an EMI due in 3 days or overdue; a "
                   "deposit maturing in 7 days; KYC update due; a sign-in from a new device; a changed password, "
                   "mobile or e-mail.")).classes("text-xs text-slate-500").mark("alert-kinds")
        email = ui.switch(_("E-mail"), value=prefs["email"]).mark("email")
        whatsapp = ui.switch(_("WhatsApp"), value=prefs["whatsapp"]).mark("whatsapp")
        amount = ui.input(_("Alert me of credits above (₹, empty: the bank's default)"),
                          value=threshold["amount"] if threshold else "").props("outlined dense inputmode=decimal").classes(
            "w-full").mark("threshold")
        message = ui.label("").classes("text-sm")

        async def save() -> None:
            text = (amount.value or "").strip().replace(",", "")
            value = fmt.parse_amount(text) if text else None
            if text and value is None:
                message.set_text(_("Enter an amount like 5000 or 5000.00."))
                message.classes(replace="text-sm text-red-700")
                return
            data = await frame.call(api, SET_PREFERENCES, input={
                "language": language.value, "sms": sms.value, "email": email.value, "whatsapp": whatsapp.value,
                "creditAlertThreshold": {"amount": f"{value:.2f}", "currency": "INR"} if value is not None else None,
            })
            payload = (data or {}).get("setNotificationPreferences")
            problems = user_errors(payload)
            if payload and not problems:
                message.set_text(_("Saved."))
                message.classes(replace="text-sm text-green-700")
            elif problems:
                message.set_text(problems[0])
                message.classes(replace="text-sm text-red-700")

        ui.button(_("Save"), icon="save", on_click=save).props("unelevated").mark("save-settings")

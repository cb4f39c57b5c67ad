"""The notification bell in the header: the unread count, kept live by the ``inboxChanged``
subscription (a background task of the page's client, cancelled when the client goes away)."""

from __future__ import annotations

from nicegui import background_tasks, ui

from ui.api import Api, ApiError, SignedOut
from ui.i18n import _

INBOX_CHANGED = "subscription InboxBell { inboxChanged { unreadCount } }"


def inbox_path(api: Api) -> str:
    return "/member/inbox" if api.kind == "member" else "/staff/inbox"


def bell(api: Api) -> None:
    """Draw the bell (for roles with an inbox) and follow the unread count live."""
    if not api.may("inboxChanged"):
        return
    with ui.button(icon="notifications", on_click=lambda: ui.navigate.to(inbox_path(api))).props(
            "flat round dense color=white").mark("bell") as button:
        button.tooltip(_("Notifications"))
        badge = ui.badge("", color="red").props("floating rounded").mark("unread")
        badge.set_visibility(False)

    def show(count: int) -> None:
        badge.set_text(str(count) if count < 100 else "99+")
        badge.set_visibility(count > 0)

    client = ui.context.client

    async def listen() -> None:
        try:
            async for data in api.subscribe(INBOX_CHANGED):
                show(int(data["inboxChanged"]["unreadCount"]))
        except (SignedOut, ApiError):
            return  # the session ended: the page is leaving anyway

    task = background_tasks.create(listen(), name="inbox bell")
    client.on_delete(task.cancel)

"""Partners' webhooks (admins): subscribe an API client to events with a subscription
document, see each webhook's deliveries and their attempts, replay one, enable or disable."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import RedirectResponse
from nicegui import ui

from ui import fmt, frame
from ui.api import Api, user_errors
from ui.i18n import _

WEBHOOKS = """
query Webhooks {
  apiClients { clientId name active }
  webhooks { id name apiClientId targetUrl events isActive disabledReason failingSince }
}"""

DELIVERIES = """
query WebhookDeliveries($webhookId: ID!) {
  webhookDeliveries(webhookId: $webhookId, first: 25) {
    id eventType status attemptCount createdAt deliveredAt attempts { statusCode error }
  }
}"""

CREATE = """
mutation WebhookCreate($input: WebhookCreateInput!) {
  webhookCreate(input: $input) { webhook { id } secretKey userErrors { field code message } }
}"""

UPDATE = """
mutation WebhookUpdate($id: ID!, $isActive: Boolean!) {
  webhookUpdate(id: $id, isActive: $isActive) { webhook { id isActive } userErrors { code message } }
}"""

RETRY = """
mutation EventDeliveryRetry($id: ID!) {
  eventDeliveryRetry(id: $id) { delivery { id status } userErrors { code message } }
}"""

EXAMPLE_DOCUMENT = """subscription EntryAndBalanceEvents {
  event {
    __typename
    ... on EntryPosted { eventId issuedAt entry { entryId entryType valueDate narration } }
    ... on BalanceChanged { balances { accountNumber balance { amount currency } } }
  }
}"""


@ui.page("/staff/webhooks")
async def webhooks_page(request: Request) -> RedirectResponse | None:
    api = await frame.signed_in(request)
    if api is None:
        return frame.to_sign_in()
    if frame.shell(api, "Partner webhooks", audience=frame.STAFF, needs=("webhooks", "webhookCreate")):
        with frame.body():
            listing = ui.column().classes("w-full gap-3").mark("webhooks")
            await frame.section(api, listing, lambda: draw(api, listing))
    return None


async def draw(api: Api, container: ui.column) -> None:
    data = await api.run(WEBHOOKS)
    clients = {c["clientId"]: c["name"] for c in data["apiClients"] if c["active"]}

    async def refresh() -> None:
        await frame.section(api, container, lambda: draw(api, container))

    with ui.expansion(_("Subscribe a partner"), icon="add").classes("w-full bg-white rounded").mark("create-webhook"):
        if not clients:
            frame.empty(_("Register a partner application (API client) first, under Administration."))
        else:
            client = ui.select(clients, value=next(iter(clients)), label=_("Partner application")).props(
                "outlined dense").classes("w-full").mark("client")
            name = ui.input(_("Name")).props("outlined dense").classes("w-full").mark("name")
            url = ui.input(_("Endpoint URL (https)")).props("outlined dense inputmode=url").classes("w-full").mark("url")
            document = ui.textarea(_("Payload (a GraphQL subscription document)"), value=EXAMPLE_DOCUMENT).props(
                "outlined autogrow").classes("w-full font-mono text-xs").mark("document")
            result = ui.column().classes("w-full")

            async def create() -> None:
                answer = await frame.call(api, CREATE, input={"apiClient": client.value, "name": name.value or "",
                                                              "targetUrl": url.value or "", "query": document.value or ""})
                payload = (answer or {}).get("webhookCreate")
                result.clear()
                with result:
                    if payload is None:
                        return
                    problems = user_errors(payload)
                    if problems:
                        frame.error(problems[0])
                        return
                    with ui.card().classes("w-full bg-green-50").mark("secret"):
                        ui.label(_("Subscribed. The signing secret, shown this once:")).classes("text-sm")
                        frame.secret(payload["secretKey"], "webhook-secret")

            ui.button(_("Subscribe"), icon="webhook", on_click=create).props("unelevated").mark("subscribe")
            ui.button(_("Refresh list"), icon="refresh", on_click=refresh).props("flat dense")
    hooks = data["webhooks"]
    if not hooks:
        frame.empty(_("No webhooks yet."))
        return
    for hook in hooks:
        with ui.card().classes("w-full").mark(f"webhook {hook['id']}"):
            with ui.row().classes("w-full items-center gap-2"):
                ui.icon("check_circle" if hook["isActive"] else "block", color="green" if hook["isActive"] else "red")
                ui.label(hook["name"]).classes("font-medium")
                ui.label(clients.get(hook["apiClientId"], hook["apiClientId"])).classes("text-sm text-slate-500")
                ui.space()

                async def toggle(h: dict = hook) -> None:
                    answer = await frame.call(api, UPDATE, id=h["id"], isActive=not h["isActive"])
                    if answer is not None:
                        await refresh()

                ui.button(_("Disable") if hook["isActive"] else _("Enable"), on_click=toggle).props("flat dense").mark(
                    f"toggle {hook['id']}")
            ui.label(hook["targetUrl"]).classes("text-xs font-mono break-all text-slate-600")
            ui.label(", ".join(hook["events"])).classes("text-xs text-slate-600")
            if hook["disabledReason"]:
                ui.label(_("Disabled: {reason}").format(reason=hook["disabledReason"])).classes("text-xs text-red-700")
            elif hook["failingSince"]:
                ui.label(_("Failing since {moment}").format(moment=fmt.moment(hook["failingSince"]))).classes(
                    "text-xs text-amber-800")
            bar = ui.row()
            log = ui.column().classes("w-full gap-0")
            with bar:
                ui.button(_("Deliveries"), icon="list", on_click=lambda h=hook, target=log: _load_log(api, h, target)).props(
                    "flat dense").mark(f"deliveries {hook['id']}")


async def _load_log(api: Api, hook: dict, container: ui.column) -> None:
    async def draw_log() -> None:
        rows = (await api.run(DELIVERIES, webhookId=hook["id"]))["webhookDeliveries"]
        if not rows:
            frame.empty(_("Nothing delivered yet."))
            return
        for row in rows:
            last = row["attempts"][-1] if row["attempts"] else {}
            with ui.row().classes("w-full items-center gap-2 text-sm border-b py-1").mark(f"delivery {row['id']}"):
                ui.label(f"#{row['id']}").classes("font-mono text-xs")
                ui.label(row["eventType"]).classes("text-xs")
                colour = {"success": "text-green-700", "failed": "text-red-700"}.get(row["status"], "text-amber-800")
                ui.label(row["status"]).classes(colour)
                ui.label(_("{n} attempts").format(n=row["attemptCount"])).classes("text-xs text-slate-500")
                if last:
                    ui.label(str(last.get("statusCode") or last.get("error") or "")).classes("text-xs text-slate-500")
                ui.space()

                async def replay(delivery_id: str = row["id"]) -> None:
                    answer = await frame.call(api, RETRY, id=delivery_id)
                    problems = user_errors((answer or {}).get("eventDeliveryRetry"))
                    if problems:
                        ui.notify(problems[0], type="warning")
                    elif answer is not None:
                        ui.notify(_("Queued again."), type="positive")
                        await frame.section(api, container, draw_log)

                ui.button(_("Replay"), icon="replay", on_click=replay).props("flat dense").mark(f"replay {row['id']}")

    await frame.section(api, container, draw_log)

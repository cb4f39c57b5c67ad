"""The audit trail with filters and the hash chain's status (admin and auditor)."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import RedirectResponse
from ui.i18n import N_, _
from nicegui import ui

from ui import fmt, frame
from ui.api import Api
from ui.paging import CursorPages
from ui.pages.staff.common import open_staff_page

AUDIT_CHAIN = """
query AuditChain { auditChainStatus { intact problems } }"""

AUDIT_EVENTS = """
query AuditEvents($actor: String, $action: String, $outcome: String, $after: String) {
  auditEvents(actor: $actor, action: $action, outcome: $outcome, first: 50, after: $after) {
    pageInfo { hasNextPage endCursor }
    edges { node { id occurredAt actor action outcome objectType objectId details } }
  }
}"""


AUDIT_COLUMNS = {"id": N_("Id"), "at": N_("At"), "actor": N_("Actor"), "action": N_("Action"), "outcome": N_("Outcome"),
                 "object": N_("Object"), "details": N_("Details")}


@ui.page("/staff/audit")
async def audit_page(request: Request) -> RedirectResponse | None:
    api = await open_staff_page(request, "Audit trail", "/staff/audit")
    if not isinstance(api, Api):
        return api
    with frame.body():
        chain = ui.card().classes("w-full")
        await frame.section(api, chain, lambda: draw_chain(api))
        with ui.row().classes("items-center gap-2 text-sm"):
            ui.icon("code")
            ui.link(_("Open the GraphiQL explorer (read-only for auditors)"), "/graphql", new_tab=True).mark("graphiql-link")
        await AuditList(api).draw()
    return None


async def draw_chain(api: Api) -> None:
    status = (await api.run(AUDIT_CHAIN))["auditChainStatus"]
    with ui.row().classes("items-center gap-2"):
        ui.icon("verified" if status["intact"] else "gpp_bad", color="green" if status["intact"] else "red")
        ui.label(_("Hash chain intact") if status["intact"] else _("Hash chain BROKEN")).classes("font-semibold").mark("chain")
    for problem in status["problems"]:
        ui.label(problem).classes("text-sm text-red-700 font-mono")


class AuditList(CursorPages):
    def __init__(self, api: Api) -> None:
        self.api = api
        self.cursors: list[str | None] = [None]
        self.end_cursor: str | None = None

    async def draw(self) -> None:
        with ui.row().classes("w-full items-end gap-2"):
            self.actor = ui.input(_("Actor, e.g. staff:3")).props("outlined dense").mark("a-actor")
            self.action = ui.input(_("Action, e.g. staff.sign_in")).props("outlined dense").mark("a-action")
            self.outcome = ui.select({"": _("Any outcome"), "ok": _("ok"), "denied": _("denied"), "failed": _("failed")}, value="",
                                     label=_("Outcome")).props("outlined dense").classes("w-36")
            ui.button(_("Filter"), on_click=self.filter).props("unelevated").mark("a-filter")
        self.box = ui.column().classes("w-full")
        with ui.row():
            self.prev = ui.button(_("Newer"), on_click=self.previous).props("flat")
            self.next = ui.button(_("Older"), on_click=self.older).props("flat")
        await self.load()

    async def load(self) -> None:
        async def draw() -> None:
            page = (await self.api.run(AUDIT_EVENTS, actor=(self.actor.value or "").strip() or None,
                                       action=(self.action.value or "").strip() or None, outcome=self.outcome.value or None,
                                       after=self.cursors[-1]))["auditEvents"]
            self.end_cursor = page["pageInfo"]["endCursor"] if page["pageInfo"]["hasNextPage"] else None
            if not page["edges"]:
                frame.empty(_("No audit events match."))
                return
            rows = [{"id": e["node"]["id"], "at": fmt.moment(e["node"]["occurredAt"]), "actor": e["node"]["actor"],
                     "action": e["node"]["action"], "outcome": e["node"]["outcome"],
                     "object": f"{e['node']['objectType'] or ''} {e['node']['objectId'] or ''}".strip(),
                     "details": (e["node"]["details"] or "")[:200]} for e in page["edges"]]
            # On a phone only when, who, what and how: the rest is for wider screens (Quasar's gt-xs).
            narrow = {"id", "object", "details"}
            ui.table(columns=[{"name": k, "label": _(AUDIT_COLUMNS[k]), "field": k, "align": "left",
                               **({"classes": "gt-xs", "headerClasses": "gt-xs"} if k in narrow else {})}
                              for k in ("id", "at", "actor", "action", "outcome", "object", "details")],
                     rows=rows, row_key="id").props("dense flat wrap-cells").classes("w-full").mark("audit")

        await frame.section(self.api, self.box, draw)
        self.prev.set_visibility(len(self.cursors) > 1)
        self.next.set_visibility(bool(self.end_cursor))

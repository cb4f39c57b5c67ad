"""Maker-checker: the queue of pending requests (reversals) to approve, KYC approval, and
filing a reversal request. The API refuses a checker who was the maker."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import RedirectResponse
from ui.i18n import _
from nicegui import ui

from ui import fmt, frame
from ui.api import Api, user_errors
from ui.pages.staff.common import open_staff_page

PENDING_APPROVALS = """
query PendingApprovals { pendingApprovals { id kind status objectRef reason maker createdAt } }"""

APPROVE_REVERSAL = """
mutation ApproveReversal($requestId: ID!) {
  approveReversal(requestId: $requestId) {
    request { id status resultRef }
    userErrors { code message }
  }
}"""

REQUEST_REVERSAL = """
mutation RequestReversal($entryId: ID!, $reason: String!) {
  requestReversal(entryId: $entryId, reason: $reason) { request { id } userErrors { code message } }
}"""

KYC_CANDIDATES = """
query KycCandidates($search: String) {
  members(search: $search, kycStatus: PENDING, first: 25) { edges { node { memberNumber fullName kycStatus branch { code } } } }
}"""

APPROVE_KYC = """
mutation ApproveKyc($memberNumber: String!) {
  approveKyc(memberNumber: $memberNumber) { member { memberNumber kycStatus } userErrors { code message } }
}"""


@ui.page("/staff/approvals")
async def approvals_page(request: Request) -> RedirectResponse | None:
    api = await open_staff_page(request, "Approvals", "/staff/approvals")
    if not isinstance(api, Api):
        return api
    with frame.body():
        queue = ui.card().classes("w-full").mark("queue")
        await draw_queue(api, queue)
        if api.may("requestReversal"):
            reversal_request_form(api, queue)
        if api.may("approveKyc"):
            await KycApproval(api).draw()
    return None


async def draw_queue(api: Api, card: ui.card) -> None:
    card.clear()
    with card:
        ui.label(_("Waiting for a checker")).classes("font-medium")
        data = await frame.call(api, PENDING_APPROVALS)
        if data is None:
            return
        if not data["pendingApprovals"]:
            frame.empty(_("Nothing waits for approval."))
            return
        for req in data["pendingApprovals"]:
            with ui.row().classes("w-full items-center gap-3 border-b py-1").mark(f"request {req['id']}"):
                with ui.column().classes("gap-0 grow"):
                    ui.label(_('#{0} {1} of {2}').format(req['id'], req['kind'], req['objectRef'])).classes("text-sm font-medium")
                    ui.label(_('{0} · by {1} · {2}').format(req['reason'], req['maker'], fmt.moment(req['createdAt']))).classes(
                        "text-xs text-slate-500")
                message = ui.label().classes("text-xs text-red-700")
                if api.may("approveReversal") and req["kind"] == "reversal":
                    async def approve(request_id: str = req["id"], note: ui.label = message) -> None:
                        result = await frame.call(api, APPROVE_REVERSAL, requestId=request_id,
                                                  on_error=lambda t: setattr(note, "text", t))
                        if result is None:
                            return
                        errors = user_errors(result["approveReversal"])
                        if errors:
                            note.text = " ".join(errors)
                            return
                        ui.notify(_('Approved: reversal posted as {0}').format(result['approveReversal']['request']['resultRef']),
                                  type="positive")
                        await draw_queue(api, card)

                    ui.button(_("Approve"), icon="done", on_click=approve).props("dense").mark(f"approve {req['id']}")


def reversal_request_form(api: Api, queue: ui.card) -> None:
    with ui.card().classes("w-full"):
        ui.label(_("Ask for a reversal (another staff user approves)")).classes("font-medium")
        with ui.row().classes("w-full items-end gap-2"):
            entry = ui.input(_("Entry id")).props("outlined dense inputmode=numeric").mark("rev-entry")
            reason = ui.input(_("Reason")).props("outlined dense maxlength=200").classes("grow").mark("rev-reason")
            message = ui.label().classes("text-sm").mark("rev-message")

            async def submit() -> None:
                if not (entry.value or "").strip().isdigit() or not (reason.value or "").strip():
                    message.text = _("Give the entry id and a reason.")
                    return
                data = await frame.call(api, REQUEST_REVERSAL, entryId=entry.value.strip(), reason=reason.value.strip(),
                                        on_error=lambda t: setattr(message, "text", t))
                if data is None:
                    return
                errors = user_errors(data["requestReversal"])
                message.text = " ".join(errors) if errors else _("Filed; it waits for a checker.")
                if not errors:
                    await draw_queue(api, queue)

            ui.button(_("File request"), on_click=submit).mark("rev-submit")


class KycApproval:
    def __init__(self, api: Api) -> None:
        self.api = api

    async def draw(self) -> None:
        with ui.card().classes("w-full"):
            ui.label(_("KYC approval")).classes("font-medium")
            with ui.row().classes("w-full items-end gap-2"):
                self.term = ui.input(_("Name, member number or mobile")).props("outlined dense").classes("grow").mark("kyc-search")
                self.term.on("keydown.enter", self.search)
                ui.button(_("Find"), on_click=self.search).mark("kyc-find")
            self.box = ui.column().classes("w-full gap-1")
        await self.search()  # the queue itself, before anyone types

    async def search(self) -> None:
        self.box.clear()
        data = await frame.call(self.api, KYC_CANDIDATES, search=(self.term.value or "").strip() or None)
        if data is None:
            return
        pending = [e["node"] for e in data["members"]["edges"] if e["node"]["kycStatus"] == "PENDING"]
        with self.box:
            if not pending:
                frame.empty(_("No member with KYC pending matches."))
            for m in pending:
                with ui.row().classes("w-full items-center gap-2"):
                    ui.label(_('{0} {1} · branch {2}').format(m['memberNumber'], m['fullName'], m['branch']['code'])).classes("text-sm grow")
                    note = ui.label().classes("text-xs")

                    async def approve(number: str = m["memberNumber"], note: ui.label = note) -> None:
                        result = await frame.call(self.api, APPROVE_KYC, memberNumber=number,
                                                  on_error=lambda t: setattr(note, "text", t))
                        if result is None:
                            return
                        errors = user_errors(result["approveKyc"])
                        note.text = " ".join(errors) if errors else _("Verified.")

                    ui.button(_("Verify KYC"), on_click=approve).props("dense outline").mark(f"kyc {m['memberNumber']}")

"""Maker-checker: the queue of pending requests (reversals) to approve, KYC approval, and
filing a reversal request. The checker sees what they approve: a reversal's entry (date,
accounts, amounts), its maker and reason; a member's details, documents (numbers masked)
and who registered them. A maker sees their own request waiting, with no Approve button
(and the API refuses a checker who was the maker)."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import RedirectResponse
from ui.i18n import N_, _
from nicegui import ui

from ui import fmt, frame
from ui.api import Api, user_errors
from ui.pages.staff.common import open_staff_page
from ui.pages.staff.kyc import RISKS, documents_list

PENDING_APPROVALS = """
query PendingApprovals {
  pendingApprovals {
    id kind status objectRef reason maker makerName madeByMe createdAt
    entry { entryId entryType valueDate narration postings { ledgerAccountCode ledgerAccountName side amount { amount currency } } }
  }
}"""

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
  members(search: $search, kycStatus: PENDING, first: 10) {
    edges { node {
      memberNumber fullName kycStatus dateOfBirth gender mobile email address pan aadhaarMasked branch { code }
      riskCategory registeredBy registeredByMe kycRejectionReason
      kycDocuments { id docType referenceMasked expiresOn hasScan contentType }
    } }
  }
}"""

APPROVE_KYC = """
mutation ApproveKyc($memberNumber: String!, $riskCategory: RiskCategory) {
  approveKyc(memberNumber: $memberNumber, riskCategory: $riskCategory) {
    member { memberNumber kycStatus reKycDueOn } userErrors { code message }
  }
}"""

REJECT_KYC = """
mutation RejectKyc($memberNumber: String!, $reason: String!) {
  rejectKyc(memberNumber: $memberNumber, reason: $reason) { member { memberNumber kycStatus } userErrors { code message } }
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
            request_row(api, card, req)


def request_row(api: Api, card: ui.card, req: dict) -> None:
    """One request as the checker needs it: what, the entry's date, accounts and amounts, who and why."""
    with ui.column().classes("w-full gap-1 border-b py-2").mark(f"request {req['id']}"):
        with ui.row().classes("w-full items-center gap-2"):
            ui.label(_('#{0} {1} of {2}').format(req['id'], req['kind'], req['objectRef'])).classes("text-sm font-medium grow")
            if req["madeByMe"]:
                ui.badge(_("Waiting for another staff user"), color="amber").mark(f"waiting {req['id']}")
        entry = req.get("entry")
        if entry:
            ui.label(_("Entry {0} of {1}: {2}").format(entry["entryId"], fmt.day(entry["valueDate"]), entry["narration"])).classes(
                "text-sm").mark(f"entry {req['id']}")
            for p in entry["postings"]:
                with ui.row().classes("w-full gap-2 text-xs pl-4"):
                    ui.label(_("Dr") if p["side"] == "DEBIT" else _("Cr")).classes("w-6")
                    ui.label(f"{p['ledgerAccountCode']} {p['ledgerAccountName']}").classes("grow")
                    ui.label(fmt.money_of(p["amount"]))
        ui.label(_('{0} · by {1} · {2}').format(req['reason'], req['makerName'], fmt.moment(req['createdAt']))).classes(
            "text-xs text-slate-500")
        message = ui.label().classes("text-xs text-red-700")
        if api.may("approveReversal") and req["kind"] == "reversal" and not req["madeByMe"]:
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
                self.review(m)

    def review(self, m: dict) -> None:
        """What the checker decides on: the member's particulars, documents and maker; then verify or reject."""
        with ui.expansion(_('{0} {1} · branch {2}').format(m['memberNumber'], m['fullName'], m['branch']['code']),
                          icon="badge").classes("w-full border rounded").mark(f"review {m['memberNumber']}"):
            with ui.grid(columns=2).classes("w-full gap-x-4 gap-y-0 text-sm"):
                for label, value in ((N_("Date of birth"), fmt.day(m["dateOfBirth"])),
                                     (N_("Gender"), (m["gender"] or "—").title()),
                                     (N_("Mobile"), m["mobile"] or "—"), (N_("E-mail"), m["email"] or "—"),
                                     (N_("Address"), m["address"] or "—"), (N_("PAN"), m["pan"] or "—"),
                                     (N_("Aadhaar"), m["aadhaarMasked"] or "—"),
                                     (N_("Registered by"), m["registeredBy"] or "—")):
                    ui.label(_(label)).classes("text-slate-500")
                    ui.label(value).mark(f"{label} {m['memberNumber']}")
            if m["kycRejectionReason"]:
                ui.label(_("Rejected before: {0}").format(m["kycRejectionReason"])).classes("text-xs text-red-800")
            documents_list(self.api, m["kycDocuments"])
            note = ui.label().classes("text-xs").mark(f"kyc-note {m['memberNumber']}")
            if m["registeredByMe"]:
                ui.label(_("You registered this member: another staff user must verify the KYC.")).classes(
                    "text-sm text-amber-800").mark(f"kyc-waiting {m['memberNumber']}")
                return
            risk = ui.select({k: _(v) for k, v in RISKS.items()}, value=m["riskCategory"] or "LOW", label=_("Risk category")).props(
                "outlined dense").classes("w-64").mark(f"kyc-risk {m['memberNumber']}")
            reason = ui.input(_("Reason, if you reject")).props("outlined dense maxlength=255").classes("w-full").mark(
                f"kyc-reason {m['memberNumber']}")
            with ui.row().classes("gap-2"):
                async def approve(number: str = m["memberNumber"]) -> None:
                    result = await frame.call(self.api, APPROVE_KYC, memberNumber=number, riskCategory=risk.value,
                                              on_error=lambda t: setattr(note, "text", t))
                    if result is None:
                        return
                    errors = user_errors(result["approveKyc"])
                    note.text = " ".join(errors) if errors else _("Verified; re-KYC due {0}.").format(
                        fmt.day(result["approveKyc"]["member"]["reKycDueOn"]))

                async def reject(number: str = m["memberNumber"]) -> None:
                    if not (reason.value or "").strip():
                        note.text = _("Give the reason the maker will read.")
                        return
                    result = await frame.call(self.api, REJECT_KYC, memberNumber=number, reason=reason.value.strip(),
                                              on_error=lambda t: setattr(note, "text", t))
                    if result is None:
                        return
                    errors = user_errors(result["rejectKyc"])
                    note.text = " ".join(errors) if errors else _("Rejected; the maker sees your reason.")

                ui.button(_("Verify KYC"), icon="verified", on_click=approve).props("dense").mark(f"kyc {m['memberNumber']}")
                if self.api.may("rejectKyc"):
                    ui.button(_("Reject"), icon="block", on_click=reject).props("dense outline color=negative").mark(
                        f"kyc-reject {m['memberNumber']}")

"""KYC pieces the staff pages share: a member's documents with a viewer, the clerk's upload
card, the maker's own registrations (waiting for a checker, or rejected with the reason), and
the checker's card to re-assess a member's risk category."""

from __future__ import annotations

import base64
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from nicegui import events, ui

from ui import fmt, frame
from ui.api import Api, user_errors
from ui.i18n import N_, _
from ui.upload_header import upload_header

KYC_DOCUMENT_FILE = """
query KycDocumentFile($documentId: ID!) {
  kycDocumentFile(documentId: $documentId) { contentType fileName contentBase64 }
}"""

UPLOAD_KYC_DOCUMENT = """
mutation UploadKycDocument($input: UploadKycDocumentInput!) {
  uploadKycDocument(input: $input) {
    document { id docType referenceMasked contentType }
    userErrors { field code message }
  }
}"""

KYC_DOCUMENT_MAX_BYTES = """
query KycDocumentMaxBytes { kycDocumentMaxBytes }"""

MY_REGISTRATIONS = """
query MyKycRegistrations {
  pending: members(registeredByMe: true, kycStatus: PENDING, first: 20) {
    edges { node { memberNumber fullName kycRejectionReason kycDocuments { id } } }
  }
  rejected: members(registeredByMe: true, kycStatus: REJECTED, first: 20) {
    edges { node { memberNumber fullName kycRejectionReason kycRejectedBy kycRejectedOn } }
  }
}"""

SET_MEMBER_RISK_CATEGORY = """
mutation SetMemberRiskCategory($input: SetMemberRiskCategoryInput!) {
  setMemberRiskCategory(input: $input) {
    member { memberNumber riskCategory reKycDueOn }
    userErrors { field code message }
  }
}"""

RISKS = {"LOW": N_("Low risk (re-KYC in 10 years)"), "MEDIUM": N_("Medium risk (8 years)"), "HIGH": N_("High risk (2 years)")}

DOC_TYPES = {"PAN": N_("PAN card"), "AADHAAR": N_("Aadhaar"), "PASSPORT": N_("Passport"), "VOTER_ID": N_("Voter ID"),
             "DRIVING_LICENCE": N_("Driving licence"), "UTILITY_BILL": N_("Utility bill"), "PHOTO": N_("Photograph")}
# The browser refuses files over the bank's limit (the setting kyc.document_max_bytes, asked of the
# API) before sending them; this ceiling stands in when the API could not say. The API checks the
# limit again and says DOCUMENT_TOO_LARGE.
UPLOAD_CEILING_BYTES = 20 * 1024 * 1024


def doc_type_label(doc_type: str) -> str:
    return _(DOC_TYPES.get(doc_type.upper(), doc_type))


async def show_document(api: Api, document_id: str) -> None:
    """Fetch a scan (the API audits the viewing) and show it: an image in a dialog, a PDF as a download."""
    data = await frame.call(api, KYC_DOCUMENT_FILE, documentId=document_id)
    if data is None:
        return
    file = data["kycDocumentFile"]
    if file is None:
        ui.notify(_("This document has no scan."), type="warning")
        return
    content = base64.b64decode(file["contentBase64"])
    if file["contentType"] == "application/pdf":
        ui.download.content(content, file["fileName"], media_type="application/pdf")
        return
    with ui.dialog() as dialog, ui.card().classes("max-w-screen-md").mark("document-viewer"):
        ui.label(file["fileName"]).classes("text-sm font-medium")
        # The type was detected from the content by the bank (PNG or JPEG only), so the data URL is safe.
        ui.image(f"data:{file['contentType']};base64,{file['contentBase64']}").classes("w-full").mark("document-image")
        with ui.row():
            ui.button(_("Download"), icon="download",
                      on_click=lambda: ui.download.content(content, file["fileName"], media_type=file["contentType"]))
            ui.button(_("Close"), on_click=dialog.close).props("flat")
    dialog.open()


def documents_list(api: Api, documents: list[dict]) -> None:
    """A member's KYC documents (numbers masked) with a View button for those with a scan."""
    if not documents:
        ui.label(_("No KYC document uploaded yet.")).classes("text-xs text-amber-800").mark("no-documents")
        return
    for doc in documents:
        with ui.row().classes("w-full items-center gap-2 text-sm").mark(f"document {doc['id']}"):
            ui.icon("description", size="xs")
            ui.label(f"{doc_type_label(doc['docType'])} {doc['referenceMasked']}").classes("grow")
            if doc.get("expiresOn"):
                ui.label(_("expires {0}").format(fmt.day(doc["expiresOn"]))).classes("text-xs text-slate-500")
            if doc.get("hasScan"):
                ui.button(_("View"), icon="visibility",
                          on_click=lambda d=doc["id"]: show_document(api, d)).props("dense flat").mark(f"view {doc['id']}")


@dataclass
class UploadForm:
    """The clerk's card: a document's kind, number and dates, then its scan (auto-uploaded)."""

    api: Api
    member_number: str | None = None
    on_done: Callable[[], Awaitable[None]] | None = None

    async def draw(self) -> None:
        data = await frame.call(self.api, KYC_DOCUMENT_MAX_BYTES)  # before drawing: no half-drawn card
        self.limit = data["kycDocumentMaxBytes"] if data else UPLOAD_CEILING_BYTES
        accepts = _("PDF, JPEG or PNG, up to {0} MB").format(fmt.megabytes(self.limit)) if data else _("PDF, JPEG or PNG")
        with ui.card().classes("w-full max-w-xl"):
            ui.label(_("Upload a KYC document (PDF, JPEG or PNG)")).classes("font-medium")
            self.member = ui.input(_("Member number"), value=self.member_number or "").props(
                "outlined dense inputmode=numeric").classes("w-full").mark("doc-member")
            self.kind = ui.select({k: _(v) for k, v in DOC_TYPES.items()}, value="PAN", label=_("Document")).props(
                "outlined dense").classes("w-full").mark("doc-type")
            self.reference = ui.input(_("Document number")).props("outlined dense").classes("w-full").mark("doc-reference")
            with ui.row().classes("gap-2"):
                self.issued = frame.date_input(_("Issued on"))
                self.expires = frame.date_input(_("Expires on")).mark("doc-expires")
            self.upload = ui.upload(label=_("Choose the scan"), auto_upload=True, max_file_size=self.limit,
                                    on_upload=self.uploaded, on_rejected=self.too_big).props(
                'accept=".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png" flat bordered').classes(
                "w-full").mark("doc-upload")
            upload_header(self.upload, _("Choose the scan"), accepts)
            self.message = ui.label().classes("text-sm").mark("doc-message")

    def _say(self, text: str, ok: bool) -> None:
        self.message.text = text
        self.message.classes(replace="text-sm " + ("text-green-800" if ok else "text-red-700"))

    def too_big(self) -> None:
        self._say(_("The file is too large."), ok=False)

    async def uploaded(self, event: events.UploadEventArguments) -> None:
        self.upload.reset()
        number, reference = (self.member.value or "").strip(), (self.reference.value or "").strip()
        if not number or not reference:
            self._say(_("Give the member number and the document number first."), ok=False)
            return
        if event.file.size() > self.limit:
            self.too_big()
            return
        issued, expires = fmt.parse_day(self.issued.value), fmt.parse_day(self.expires.value)
        content = await event.file.read()
        data = await frame.call(self.api, UPLOAD_KYC_DOCUMENT, on_error=lambda t: self._say(t, ok=False), input={
            "memberNumber": number, "docType": self.kind.value, "reference": reference,
            "contentBase64": base64.b64encode(content).decode(), "fileName": event.file.name[:200],
            "issuedOn": issued.isoformat() if issued else None, "expiresOn": expires.isoformat() if expires else None})
        if data is None:
            return
        errors = user_errors(data["uploadKycDocument"])
        if errors:
            self._say(" ".join(errors), ok=False)
            return
        doc = data["uploadKycDocument"]["document"]
        self._say(_("Uploaded {0} {1} for member {2}.").format(doc_type_label(doc["docType"]), doc["referenceMasked"], number),
                  ok=True)
        self.reference.value = ""
        if self.on_done is not None:
            await self.on_done()


async def my_registrations(api: Api, box: ui.element) -> None:
    """The maker's view: members they registered whose KYC waits for a checker, or was rejected (with why)."""
    box.clear()
    with box:
        data = await frame.call(api, MY_REGISTRATIONS)
        if data is None:
            return
        pending = [e["node"] for e in data["pending"]["edges"]]
        rejected = [e["node"] for e in data["rejected"]["edges"]]
        if not pending and not rejected:
            frame.empty(_("No member you registered waits for KYC."))
            return
        for m in rejected:
            with ui.card().classes("w-full bg-red-50").mark(f"rejected {m['memberNumber']}"):
                ui.label(_("{0} {1}: KYC rejected").format(m["memberNumber"], m["fullName"])).classes("text-sm font-medium")
                ui.label(_("Reason: {0}").format(m["kycRejectionReason"] or "—")).classes("text-sm text-red-800")
                ui.label(_("by {0} on {1}. Upload a new document to send it back to the checker.").format(
                    m["kycRejectedBy"] or "—", fmt.day(m["kycRejectedOn"]))).classes("text-xs text-slate-600")
        for m in pending:
            with ui.row().classes("w-full items-center gap-2 text-sm").mark(f"waiting {m['memberNumber']}"):
                ui.icon("hourglass_top", color="amber")
                ui.label(_("{0} {1}: waiting for a checker ({2} documents)").format(
                    m["memberNumber"], m["fullName"], len(m["kycDocuments"]))).classes("grow")


def risk_category_form(api: Api) -> None:
    """The checker's card: a member's new risk category with the reason; says the new re-KYC due date."""
    with ui.card().classes("w-full max-w-xl").mark("risk-card"):
        ui.label(_("Change a member's risk category")).classes("font-medium")
        with ui.row().classes("w-full items-end gap-2"):
            number = ui.input(_("Member number")).props("outlined dense inputmode=numeric").classes("w-40").mark(
                "risk-member")
            risk = ui.select({k: _(v) for k, v in RISKS.items()}, value="HIGH", label=_("Risk category")).props(
                "outlined dense").classes("w-64").mark("risk-category")
        reason = ui.input(_("Reason")).props("outlined dense maxlength=255").classes("w-full").mark("risk-reason")
        message = ui.label().classes("text-sm").mark("risk-message")

        def say(text: str, ok: bool = False) -> None:
            message.text = text
            message.classes(replace="text-sm " + ("text-green-800" if ok else "text-red-700"))

        async def submit() -> None:
            data = await frame.call(api, SET_MEMBER_RISK_CATEGORY, on_error=say, input={
                "memberNumber": (number.value or "").strip(), "riskCategory": risk.value, "reason": reason.value or ""})
            if data is None:
                return
            errors = user_errors(data["setMemberRiskCategory"])
            if errors:
                say(" ".join(errors))
                return
            member = data["setMemberRiskCategory"]["member"]
            due = member["reKycDueOn"]
            say(_("Member {number} is now {risk}.").format(number=member["memberNumber"], risk=_(RISKS[member["riskCategory"]]))
                + " " + (_("KYC is due again on {day}.").format(day=fmt.day(due)) if due
                         else _("The re-KYC date is set when KYC is approved.")), ok=True)
            reason.value = ""

        ui.button(_("Change risk category"), icon="policy", on_click=submit).mark("risk-submit")

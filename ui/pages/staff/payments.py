"""The accountant's gateway page: reconcile a day's settlement report, the suspense ageing,
the open suspense items, and the gateway events the bank refused (to look into)."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import RedirectResponse
from nicegui import events, ui

from ui import fmt, frame
from ui.api import Api
from ui.i18n import N_, _
from ui.pages.staff.common import open_staff_page
from ui.upload_header import upload_header

GATEWAY_BOOKS = """
query GatewayBooks {
  settlementRuns(first: 10) { settlementDate rows matched unmatched charges { amount currency } }
  suspenseAgeing { label count credits { amount currency } debits { amount currency } }
  suspenseItems { id reference kind amount { amount currency } reason openedOn ageDays }
  gatewayEvents(outcome: REFUSED, first: 20) { eventId eventType entityId detail receivedAt }
}"""

RECONCILE = """
mutation ReconcileSettlement($input: ReconcileSettlementInput!) {
  reconcileSettlement(input: $input) { run { settlementDate rows matched unmatched charges { amount currency } }
                                       userErrors { field code message } }
}"""

MAX_UPLOAD_BYTES = 5 * 1024 * 1024


def _columns(*spec: tuple[str, str, str]) -> list[dict]:
    return [{"name": n, "label": _(label), "field": n, "align": align, "classes": "whitespace-normal"} for n, label, align in spec]


@ui.page("/staff/payments")
async def payments_page(request: Request) -> RedirectResponse | None:
    api = await open_staff_page(request, _("Gateway settlement"), "/staff/payments")
    if not isinstance(api, Api):
        return api
    with frame.body():
        await GatewayBooks(api).draw()
    return None


class GatewayBooks:
    def __init__(self, api: Api) -> None:
        self.api = api
        self.csv: str | None = None

    async def draw(self) -> None:
        today = await frame.business_date(self.api)  # before drawing: no half-drawn card
        with ui.card().classes("w-full max-w-xl").mark("reconcile-card"):
            ui.label(_("Reconcile a settlement report")).classes("text-lg font-medium")
            ui.label(_("Upload the gateway's settlement CSV (Razorpay's recon format), or fetch it from the gateway."))\
                .classes("text-sm text-slate-600")
            # the bank's business date, not the wall clock (a demo or an imported bank lives in another year)
            self.day = frame.date_input(_("Settlement date"), today).mark("settlement-date")
            upload = ui.upload(label=_("Settlement CSV"), auto_upload=True, max_file_size=MAX_UPLOAD_BYTES,
                               on_upload=self._uploaded).props("accept=.csv flat bordered").classes("w-full").mark(
                "settlement-file")
            upload_header(upload, _("Settlement CSV"),
                                _("A CSV file, up to {0} MB").format(fmt.megabytes(MAX_UPLOAD_BYTES)))
            with ui.row().classes("gap-2"):
                ui.button(_("Reconcile"), icon="rule", on_click=self.reconcile).mark("reconcile")
            self.result = ui.label().classes("text-sm").mark("reconcile-result")
        self.books = ui.column().classes("w-full gap-4")
        await self.load()

    async def _uploaded(self, event: events.UploadEventArguments) -> None:
        content = await event.file.read() if hasattr(event, "file") else event.content.read()
        self.csv = content.decode("utf-8", errors="replace")
        ui.notify(_("Report loaded: press Reconcile"))

    async def reconcile(self) -> None:
        day = fmt.parse_day(self.day.value)
        if day is None:
            self.result.text = _("Enter the settlement date as DD-MM-YYYY.")
            return
        data = await frame.call(self.api, RECONCILE, on_error=lambda t: setattr(self.result, "text", t),
                                input={"settlementDate": day.isoformat(), "csv": self.csv})
        payload = (data or {}).get("reconcileSettlement")
        if payload is None:
            return
        if payload["userErrors"]:
            self.result.text = " ".join(e["message"] for e in payload["userErrors"])
            self.result.classes(replace="text-sm text-red-700")
            return
        run = payload["run"]
        self.result.text = _("{rows} rows: {matched} matched, {unmatched} to suspense; charges {charges}.").format(
            rows=run["rows"], matched=run["matched"], unmatched=run["unmatched"], charges=fmt.money_of(run["charges"]))
        self.result.classes(replace="text-sm " + ("text-amber-800" if run["unmatched"] else "text-green-800"))
        self.csv = None
        await self.load()

    async def load(self) -> None:
        data = await frame.call(self.api, GATEWAY_BOOKS)
        self.books.clear()
        if data is None:
            return
        with self.books:
            ui.label(_("Suspense ageing")).classes("text-lg font-medium")
            ui.table(columns=_columns(("label", N_("Age"), "left"), ("count", N_("Items"), "right"),
                                      ("credits", N_("Held by the gateway"), "right"), ("debits", N_("Booked, not settled"), "right")),
                     rows=[{"label": _(b["label"]), "count": b["count"], "credits": fmt.money_of(b["credits"]),
                            "debits": fmt.money_of(b["debits"])} for b in data["suspenseAgeing"]],
                     row_key="label").classes("w-full").props("flat dense wrap-cells").mark("ageing")
            ui.label(_("Open suspense items")).classes("text-lg font-medium")
            if data["suspenseItems"]:
                ui.table(columns=_columns(("reference", N_("Reference"), "left"), ("amount", N_("Amount"), "right"),
                                          ("age", N_("Days"), "right"), ("reason", N_("Why"), "left")),
                         rows=[{"id": s["id"], "reference": f"{s['reference']} ({s['kind']})", "amount": fmt.money_of(s["amount"]),
                                "age": s["ageDays"], "reason": s["reason"]} for s in data["suspenseItems"]],
                         row_key="id").classes("w-full").props("flat dense wrap-cells").mark("suspense")
            else:
                frame.empty(_("Nothing in suspense."))
            ui.label(_("Settlement reports reconciled")).classes("text-lg font-medium")
            if data["settlementRuns"]:
                ui.table(columns=_columns(("date", N_("Date"), "left"), ("rows", N_("Rows"), "right"),
                                          ("matched", N_("Matched"), "right"), ("unmatched", N_("Suspense"), "right"),
                                          ("charges", N_("Charges"), "right")),
                         rows=[{"date": fmt.day(r["settlementDate"]), "rows": r["rows"], "matched": r["matched"],
                                "unmatched": r["unmatched"], "charges": fmt.money_of(r["charges"])} for r in data["settlementRuns"]],
                         row_key="date").classes("w-full").props("flat dense wrap-cells").mark("runs")
            else:
                frame.empty(_("No settlement report reconciled yet."))
            if data["gatewayEvents"]:
                ui.label(_("Gateway events refused")).classes("text-lg font-medium")
                ui.table(columns=_columns(("when", N_("Received"), "left"), ("event", N_("Event"), "left"),
                                          ("detail", N_("Why"), "left")),
                         rows=[{"id": e["eventId"], "when": fmt.moment(e["receivedAt"]),
                                "event": f"{e['eventType']} {e['entityId'] or ''}", "detail": e["detail"] or ""}
                               for e in data["gatewayEvents"]], row_key="id").classes("w-full").props("flat dense wrap-cells")

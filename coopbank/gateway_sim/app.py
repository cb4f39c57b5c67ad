"""The simulator's HTTP surface (Starlette): Razorpay's endpoints, the checkout page, controls."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import html
import json
import logging
from pathlib import Path
from typing import Any

import httpx
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from bankcore.payments.settlement import settlement_csv
from bankcore.payments.signatures import checkout_signature, sign
from coopbank.gateway_sim.state import SimState, new_id, planted_row

log = logging.getLogger("coopbank.gateway_sim")


def _error(status: int, description: str, code: str = "BAD_REQUEST_ERROR") -> JSONResponse:
    return JSONResponse({"error": {"code": code, "description": description, "source": "business",
                                   "step": "payment_initiation", "reason": "input_validation_failed", "metadata": {}}},
                        status_code=status)


class Simulator:
    """State plus the settings given on the command line; ``app`` is the ASGI application."""

    def __init__(self, *, key_id: str, key_secret: str, webhook_secret: str, webhook_url: str | None,
                 report_dir: Path | None = None) -> None:
        self.key_id, self.key_secret, self.webhook_secret = key_id, key_secret, webhook_secret
        self.state = SimState(webhook_url=webhook_url)
        self.report_dir = report_dir
        self._tasks: set[asyncio.Task] = set()
        self.app = Starlette(routes=[
            Route("/v1/orders", self.create_order, methods=["POST"]),
            Route("/v1/orders/{order_id}", self.get_order, methods=["GET"]),
            Route("/v1/orders/{order_id}/payments", self.order_payments, methods=["GET"]),
            Route("/v1/payments/{payment_id}", self.get_payment, methods=["GET"]),
            Route("/v1/payouts", self.create_payout, methods=["POST"]),
            Route("/v1/payouts/{payout_id}", self.get_payout, methods=["GET"]),
            Route("/v1/settlements/recon/combined", self.recon, methods=["GET"]),
            Route("/checkout/{order_id}", self.checkout_page, methods=["GET"]),
            Route("/checkout/{order_id}/pay", self.checkout_pay, methods=["POST"]),
            Route("/sim/control", self.control, methods=["POST"]),
            Route("/sim/state", self.show_state, methods=["GET"]),
            Route("/sim/settlement/plant", self.plant, methods=["POST"]),
            Route("/sim/settlement/{day}.csv", self.settlement_file, methods=["GET", "POST"]),
            Route("/sim/forge", self.forge, methods=["POST"]),
            Route("/healthz", lambda r: JSONResponse({"status": "ok"}), methods=["GET"]),
        ])

    # --- Razorpay's API --------------------------------------------------------------

    def _authorised(self, request: Request) -> bool:
        header = request.headers.get("authorization", "")
        if not header.startswith("Basic "):
            return False
        try:
            given = base64.b64decode(header[6:]).decode()
        except ValueError:
            return False
        return hmac.compare_digest(given, f"{self.key_id}:{self.key_secret}")

    async def _body(self, request: Request) -> dict | None:
        try:
            body = await request.json()
        except ValueError:
            return None
        return body if isinstance(body, dict) else None

    async def create_order(self, request: Request) -> Response:
        if not self._authorised(request):
            return _error(401, "The api key provided is invalid", "BAD_REQUEST_ERROR")
        body = await self._body(request)
        if body is None or not isinstance(body.get("amount"), int) or body["amount"] < 100:
            return _error(400, "The amount must be atleast INR 1.00")
        return JSONResponse(self.state.create_order(body["amount"], body.get("currency", "INR"), body.get("receipt"),
                                                    body.get("notes") or {}))

    async def get_order(self, request: Request) -> Response:
        order = self.state.orders.get(request.path_params["order_id"])
        if not self._authorised(request) or order is None:
            return _error(400 if order is None else 401, "The id provided does not exist")
        return JSONResponse(order)

    async def order_payments(self, request: Request) -> Response:
        if not self._authorised(request):
            return _error(401, "The api key provided is invalid")
        order_id = request.path_params["order_id"]
        items = [p for p in self.state.payments.values() if p["order_id"] == order_id]
        return JSONResponse({"entity": "collection", "count": len(items), "items": items})

    async def get_payment(self, request: Request) -> Response:
        payment = self.state.payments.get(request.path_params["payment_id"])
        if not self._authorised(request) or payment is None:
            return _error(400, "The id provided does not exist")
        return JSONResponse(payment)

    async def create_payout(self, request: Request) -> Response:
        if not self._authorised(request):
            return _error(401, "The api key provided is invalid")
        key = request.headers.get("x-payout-idempotency", "")
        if not key:
            return _error(400, "X-Payout-Idempotency header is mandatory")
        raw = await request.body()
        body = await self._body(request)
        if body is None or not isinstance(body.get("amount"), int) or body["amount"] < 100 or body.get("mode") not in (
                "NEFT", "IMPS", "UPI", "RTGS"):
            return _error(400, "invalid payout request")
        digest = hashlib.sha256(raw).hexdigest()
        known = self.state.payout_keys.get(key)
        if known is not None:
            if known[0] != digest:
                return _error(400, "Different request body sent for the same Idempotency Header")
            return JSONResponse(self.state.public(self.state.payouts[known[1]]))
        payout = self.state.create_payout(body)
        self.state.payout_keys[key] = (digest, payout["id"])
        outcome = payout["_outcome"]
        if outcome in ("processed", "failed", "reversed"):
            events = ["payout.processed"] if outcome == "processed" else ["payout.failed"] if outcome == "failed" else [
                "payout.processed", "payout.reversed"]
            self._spawn(self._settle_later(payout, events))
        return JSONResponse(self.state.public(payout))

    async def _settle_later(self, payout: dict, events: list[str]) -> None:
        await asyncio.sleep(0.3)  # after the create answer, as a real gateway would
        for event in events:
            self.state.settle_payout(payout, event.split(".")[1])
            await self._deliver(event, "payout", self.state.public(payout))

    async def get_payout(self, request: Request) -> Response:
        payout = self.state.payouts.get(request.path_params["payout_id"])
        if not self._authorised(request) or payout is None:
            return _error(400, "The id provided does not exist")
        if payout["_outcome"] == "timeout" and payout["status"] == "processing" and \
                self.state.now() >= payout["created_at"] + self.state.settle_after_s:
            self.state.settle_payout(payout, "processed")
        return JSONResponse(self.state.public(payout))

    async def recon(self, request: Request) -> Response:
        if not self._authorised(request):
            return _error(401, "The api key provided is invalid")
        q = request.query_params
        try:
            day = f"{int(q['year']):04d}-{int(q['month']):02d}-{int(q.get('day', 1)):02d}"
        except (KeyError, ValueError):
            return _error(400, "year and month are required")
        items = self.state.recon_items(day)
        skip, count = int(q.get("skip", 0)), min(int(q.get("count", 1000)), 1000)
        page = items[skip:skip + count]
        return JSONResponse({"entity": "collection", "count": len(page), "items": page})

    # --- the checkout page -------------------------------------------------------------

    async def checkout_page(self, request: Request) -> Response:
        order = self.state.orders.get(request.path_params["order_id"])
        if order is None:
            return HTMLResponse("<h1>Unknown order</h1>", status_code=404)
        callback = request.query_params.get("callback_url", "")
        rupees = f"{order['amount'] // 100:,}.{order['amount'] % 100:02d}"
        hidden = f'<input type="hidden" name="callback_url" value="{html.escape(callback)}">'
        page = CHECKOUT_HTML.format(order_id=html.escape(order["id"]), amount=rupees, hidden=hidden,
                                    status=html.escape(order["status"]))
        return HTMLResponse(page)

    async def checkout_pay(self, request: Request) -> Response:
        order = self.state.orders.get(request.path_params["order_id"])
        if order is None or order["status"] == "paid":
            return HTMLResponse("<h1>This order cannot be paid</h1>", status_code=400)
        form = await request.form()
        success = form.get("outcome") != "failure"
        payment = self.state.pay(order["id"], success=success, method=str(form.get("method") or "upi"))
        self._spawn(self._payment_webhooks(order, payment))
        callback = str(form.get("callback_url") or "")
        if not callback.startswith(("http://", "https://")):
            return HTMLResponse(f"<h1>Payment {html.escape(payment['status'])}</h1>")
        if success:
            fields = {"razorpay_payment_id": payment["id"], "razorpay_order_id": order["id"],
                      "razorpay_signature": checkout_signature(order["id"], payment["id"], self.key_secret)}
        else:
            fields = {"error[code]": "BAD_REQUEST_ERROR", "error[description]": payment["error_description"],
                      "error[metadata][order_id]": order["id"], "error[metadata][payment_id]": payment["id"]}
        inputs = "".join(f'<input type="hidden" name="{html.escape(k)}" value="{html.escape(v)}">' for k, v in fields.items())
        # Razorpay posts the result to the callback URL (redirect mode): an auto-submitting form.
        return HTMLResponse(f'<form id="f" method="post" action="{html.escape(callback)}">{inputs}'
                            '<noscript><button>Continue</button></noscript></form>'
                            '<script>document.getElementById("f").submit()</script>')

    # --- webhooks ----------------------------------------------------------------------

    async def _payment_webhooks(self, order: dict, payment: dict) -> None:
        await asyncio.sleep(0.2)
        mode = self.state.payment_delivery
        if payment["status"] == "failed":
            events = [("payment.failed", payment, None)]
        else:
            authorized = dict(payment, status="authorized", captured=False)
            events = [("payment.authorized", authorized, None), ("payment.captured", payment, None),
                      ("order.paid", payment, order)]
            if mode == "out_of_order":
                events = [events[1], events[2], events[0]]
        if mode == "none":
            return
        for name, entity, with_order in events:
            event_id = new_id("evt_")
            times = 2 if mode == "duplicate" else 1
            for _ in range(times):
                await self._deliver(name, "payment", entity, event_id=event_id, order=with_order)

    def envelope(self, event: str, kind: str, entity: dict, order: dict | None = None) -> dict:
        payload: dict[str, Any] = {kind: {"entity": entity}}
        contains = [kind]
        if order is not None:
            payload["order"] = {"entity": order}
            contains.append("order")
        return {"entity": "event", "account_id": "acc_SIMcoopbank0001", "event": event, "contains": contains,
                "payload": payload, "created_at": int(self.state.now())}

    async def _deliver(self, event: str, kind: str, entity: dict, *, event_id: str | None = None,
                       order: dict | None = None, forged: bool = False) -> int | None:
        url = self.state.webhook_url
        if not url:
            return None
        body = json.dumps(self.envelope(event, kind, entity, order), separators=(",", ":")).encode()
        signature = sign(body, "not-the-secret" if forged else self.webhook_secret)
        event_id = event_id or new_id("evt_")
        headers = {"content-type": "application/json", "x-razorpay-signature": signature, "x-razorpay-event-id": event_id}
        status = None
        for attempt in range(3):  # at least once: non-2xx answers are retried (Razorpay: for 24 hours)
            try:
                async with httpx.AsyncClient(timeout=10) as client:
                    status = (await client.post(url, content=body, headers=headers)).status_code
            except httpx.HTTPError:
                status = None
            if status is not None and (200 <= status < 300 or forged):
                break
            await asyncio.sleep(0.5 * (attempt + 1))
        self.state.deliveries.append({"event": event, "event_id": event_id, "entity_id": entity.get("id"),
                                      "status": status, "forged": forged})
        return status

    def _spawn(self, coroutine: Any) -> None:
        task = asyncio.get_running_loop().create_task(coroutine)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    # --- controls for tests and the demo -----------------------------------------------

    async def control(self, request: Request) -> Response:
        body = await self._body(request) or {}
        s = self.state
        if "payment_delivery" in body and body["payment_delivery"] in ("normal", "duplicate", "out_of_order", "none"):
            s.payment_delivery = body["payment_delivery"]
        if "payout_outcome" in body and body["payout_outcome"] in ("processed", "failed", "timeout", "reversed"):
            s.payout_outcome = body["payout_outcome"]
        for name in ("settle_after_s", "fee_bps", "payout_fee"):
            if isinstance(body.get(name), int) and body[name] >= 0:
                setattr(s, name, body[name])
        if isinstance(body.get("advance_s"), (int, float)) and body["advance_s"] > 0:
            s.clock_offset_s += float(body["advance_s"])
        if "webhook_url" in body:
            s.webhook_url = body["webhook_url"] or None
        return await self.show_state(request)

    async def show_state(self, request: Request) -> Response:
        s = self.state
        return JSONResponse({"now": s.now(), "today": s.today(), "payment_delivery": s.payment_delivery,
                             "payout_outcome": s.payout_outcome, "settle_after_s": s.settle_after_s,
                             "webhook_url": s.webhook_url, "orders": len(s.orders), "payments": len(s.payments),
                             "payouts": len(s.payouts), "deliveries": s.deliveries[-200:]})

    async def plant(self, request: Request) -> Response:
        body = await self._body(request) or {}
        day = str(body.get("day") or self.state.today())
        row = planted_row(day, kind=str(body.get("type", "payment")), entity_id=str(body.get("entity_id") or new_id("pay_")),
                          amount=int(body.get("amount", 100)), currency=str(body.get("currency", "INR")))
        self.state.planted.append(row)
        return JSONResponse({k: v for k, v in row.items() if not k.startswith("_")})

    async def settlement_file(self, request: Request) -> Response:
        """The day's settlement report as CSV; a POST also writes it to the report directory."""
        day = request.path_params["day"]
        text = settlement_csv(self.state.recon_items(day))
        if request.method == "POST" and self.report_dir is not None:
            self.report_dir.mkdir(parents=True, exist_ok=True)
            (self.report_dir / f"settlement-{day}.csv").write_text(text)
        return PlainTextResponse(text, media_type="text/csv")

    async def forge(self, request: Request) -> Response:
        """Send a ``payment.captured`` for an order signed with the wrong secret (the bank must refuse it)."""
        body = await self._body(request) or {}
        order = self.state.orders.get(str(body.get("order_id")))
        if order is None:
            return _error(400, "unknown order")
        fake = {"id": new_id("pay_"), "entity": "payment", "amount": order["amount"], "currency": order["currency"],
                "status": "captured", "order_id": order["id"], "method": "upi", "captured": True}
        status = await self._deliver("payment.captured", "payment", fake, forged=True)
        return JSONResponse({"status": status})


CHECKOUT_HTML = """<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>Test checkout · gateway simulator</title>
<style>body{{font-family:system-ui,sans-serif;background:#f1f5f9;margin:0;padding:16px}}
main{{max-width:420px;margin:24px auto;background:#fff;border-radius:12px;padding:20px;box-shadow:0 2px 8px #0002}}
h1{{font-size:1.1rem;margin:0 0 4px}}.amount{{font-size:2rem;font-weight:600;margin:12px 0}}
button{{width:100%;padding:12px;margin-top:10px;border:0;border-radius:8px;font-size:1rem;cursor:pointer}}
.pay{{background:#1f5f8b;color:#fff}}.fail{{background:#e2e8f0;color:#7f1d1d}}.note{{color:#64748b;font-size:.85rem}}</style>
</head><body><main><h1>Test checkout</h1><div class="note">Payment gateway simulator · order {order_id} ({status})</div>
<div class="amount">₹{amount}</div>
<form method="post" action="/checkout/{order_id}/pay">{hidden}
<input type="hidden" name="method" value="upi">
<button class="pay" name="outcome" value="success" type="submit">Pay ₹{amount} by UPI</button>
<button class="fail" name="outcome" value="failure" type="submit">Decline the payment</button></form>
<p class="note">No real money moves: this page stands in for Razorpay's checkout.</p></main></body></html>"""

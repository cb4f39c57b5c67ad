"""The simulator's memory: orders, payments, payouts, planted settlement rows, its clock.

Entities are built in Razorpay's JSON shapes (ids with Razorpay's prefixes, amounts in
paise, unix timestamps). Nothing here does I/O.
"""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime


def new_id(prefix: str) -> str:
    """A Razorpay-looking id: ``order_``, ``pay_``, ``pout_`` + 14 base62 characters."""
    alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
    return prefix + "".join(secrets.choice(alphabet) for _ in range(14))


def fee_of(amount: int, fee_bps: int) -> tuple[int, int]:
    """(fee, GST at 18% on it), in paise, each rounded half up."""
    fee = (amount * fee_bps + 5_000) // 10_000
    return fee, (fee * 18 + 50) // 100


@dataclass
class SimState:
    webhook_url: str | None = None
    payment_delivery: str = "normal"  # normal | duplicate | out_of_order | none
    payout_outcome: str = "processed"  # processed | failed | timeout | reversed
    settle_after_s: int = 120
    fee_bps: int = 200
    payout_fee: int = 500
    clock_offset_s: float = 0.0
    orders: dict[str, dict] = field(default_factory=dict)
    payments: dict[str, dict] = field(default_factory=dict)
    payouts: dict[str, dict] = field(default_factory=dict)
    payout_keys: dict[str, tuple[str, str]] = field(default_factory=dict)  # idempotency key -> (body hash, payout id)
    planted: list[dict] = field(default_factory=list)
    deliveries: list[dict] = field(default_factory=list)

    def now(self) -> float:
        return time.time() + self.clock_offset_s

    def today(self) -> str:
        return datetime.fromtimestamp(self.now(), UTC).date().isoformat()

    def create_order(self, amount: int, currency: str, receipt: str | None, notes: dict) -> dict:
        order = {"id": new_id("order_"), "entity": "order", "amount": amount, "amount_paid": 0, "amount_due": amount,
                 "currency": currency, "receipt": receipt, "offer_id": None, "status": "created", "attempts": 0,
                 "notes": notes or {}, "created_at": int(self.now())}
        self.orders[order["id"]] = order
        return order

    def pay(self, order_id: str, *, success: bool, method: str = "upi") -> dict:
        order = self.orders[order_id]
        order["attempts"] += 1
        fee, tax = fee_of(order["amount"], self.fee_bps) if success else (0, 0)
        payment = {
            "id": new_id("pay_"), "entity": "payment", "amount": order["amount"], "currency": order["currency"],
            "status": "captured" if success else "failed", "order_id": order_id, "invoice_id": None,
            "international": False, "method": method, "amount_refunded": 0, "refund_status": None,
            "captured": success, "description": "coopbank", "vpa": "member@okbank" if method == "upi" else None,
            "email": "member@example.org", "contact": "+919000000000", "notes": order["notes"], "fee": fee, "tax": tax,
            "error_code": None if success else "BAD_REQUEST_ERROR",
            "error_description": None if success else "Payment declined by the member's bank",
            "created_at": int(self.now()),
        }
        self.payments[payment["id"]] = payment
        if success:
            order.update(status="paid", amount_paid=order["amount"], amount_due=0)
        else:
            order["status"] = "attempted"
        return payment

    def create_payout(self, body: dict) -> dict:
        outcome = self.payout_outcome
        amount = int(body["amount"])
        fee = self.payout_fee
        tax = (fee * 18 + 50) // 100
        fund = body.get("fund_account") or {}
        payout = {
            "id": new_id("pout_"), "entity": "payout", "fund_account_id": new_id("fa_"), "amount": amount,
            "currency": body.get("currency", "INR"), "notes": body.get("notes") or {}, "fees": fee, "tax": tax,
            "status": "processing", "purpose": body.get("purpose", "payout"), "utr": None, "mode": body.get("mode"),
            "reference_id": body.get("reference_id"), "narration": body.get("narration"), "batch_id": None,
            "status_details": None, "created_at": int(self.now()), "fee_type": None,
            "fund_account": fund, "_outcome": outcome, "_processed_at": None,
        }
        self.payouts[payout["id"]] = payout
        return payout

    def settle_payout(self, payout: dict, status: str) -> dict:
        payout["status"] = status
        if status in ("processed", "reversed"):
            payout["utr"] = payout["utr"] or "SIM" + str(int(self.now()))[-8:] + payout["id"][-4:]
            payout["_processed_at"] = payout["_processed_at"] or int(self.now())
        if status in ("failed", "reversed"):
            payout["status_details"] = {"source": "beneficiary_bank", "reason": "beneficiary_bank_rejected",
                                        "description": "The beneficiary bank rejected the payment"}
        return payout

    def public(self, entity: dict) -> dict:
        return {k: v for k, v in entity.items() if not k.startswith("_") and k != "fund_account"}

    def recon_items(self, day: str) -> list[dict]:
        """Settled items of ``day`` (UTC, simulator clock) in the recon API's shape, planted rows last."""
        items = []
        for p in self.payments.values():
            if p["status"] == "captured" and _day(p["created_at"]) == day:
                items.append(_recon(p["id"], "payment", p["amount"], p["fee"], p["tax"], p["currency"], p["created_at"],
                                    order_id=p["order_id"], method=p["method"]))
        for o in self.payouts.values():
            if o["status"] in ("processed", "reversed") and o["_processed_at"] and _day(o["_processed_at"]) == day:
                items.append(_recon(o["id"], "payout", o["amount"], o["fees"], o["tax"], o["currency"], o["_processed_at"],
                                    method=(o["mode"] or "").lower()))
        items += [p for p in self.planted if p.get("_day") == day]
        return [{k: v for k, v in i.items() if not k.startswith("_")} for i in items]


def _day(ts: int) -> str:
    return datetime.fromtimestamp(ts, UTC).date().isoformat()


def _recon(entity_id: str, kind: str, amount: int, fee: int, tax: int, currency: str, ts: int, *,
           order_id: str | None = None, method: str | None = None) -> dict:
    outgoing = kind in ("payout", "refund", "transfer")
    return {
        "entity_id": entity_id, "type": kind, "debit": amount + fee + tax if outgoing else 0,
        "credit": 0 if outgoing else amount - fee - tax, "amount": amount, "currency": currency, "fee": fee, "tax": tax,
        "on_hold": False, "settled": True, "created_at": ts, "settled_at": ts, "settlement_id": "setl_SIM" + _day(ts).replace("-", ""),
        "posted_at": None, "credit_type": "default", "description": None, "notes": None, "payment_id": None,
        "settlement_utr": "SIMUTR" + _day(ts).replace("-", ""), "order_id": order_id, "order_receipt": None,
        "method": method, "card_network": None, "card_issuer": None, "card_type": None, "dispute_id": None,
    }


def planted_row(day: str, *, kind: str, entity_id: str, amount: int, currency: str = "INR") -> dict:
    """A settlement row the bank never booked (tests plant one to see it land in suspense)."""
    row = _recon(entity_id, kind, amount, 0, 0, currency, int(datetime.fromisoformat(day).replace(tzinfo=UTC).timestamp()))
    row["_day"] = day
    return row

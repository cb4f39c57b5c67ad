"""Gateway webhooks: verified, deduplicated, applied once.

``receive_webhook`` is what ``POST /webhooks/razorpay`` calls with the raw body and the
headers. In order:

1. the body's size is capped (``MAX_BODY_BYTES``) by the HTTP layer before this;
2. the signature (``X-Razorpay-Signature``) is checked over the raw bytes in constant
   time, before anything is parsed: a forged or altered body is refused (``FORGED``)
   and changes nothing;
3. an event id seen before (``X-Razorpay-Event-Id``, the same on every redelivery) is
   acknowledged as a duplicate;
4. the event is applied. A captured payment is credited in one transaction with the
   event's record and the order's ``paid`` mark; its credit's idempotency key is the
   payment id, so a payment reported by two different events is still credited once.

Events are acknowledged (2xx) once recorded, even when refused for business reasons
(unknown order, amount that differs from the order): the gateway would otherwise
redeliver them for a day; they wait in ``gateway_event`` with outcome ``refused`` and
the money, if any, shows up at settlement and lands in suspense. Late and out-of-order
events (``payment.authorized`` after ``payment.captured``, ``payment.failed`` after
another attempt was captured, ``payout.processing`` after ``payout.processed``) are
recorded as ``ignored``: states only move forward.
"""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import dataclass
from datetime import UTC, datetime

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.exceptions import IntegrityError

from bankcore.errors import DomainError
from bankcore.events import PaymentUpdated, broker
from bankcore.ledger.sql import placeholders
from bankcore.models import Account, GatewayEvent, GatewayEventOutcome, PaymentOrder, PaymentOrderStatus
from bankcore.payments.gateway import GatewayPayment, gateway_config
from bankcore.payments.inward import book_inward_credit
from bankcore.payments.orders import mark_order_attempt
from bankcore.payments.razorpay import payment_from, payout_from
from bankcore.payments.signatures import valid_webhook_signature

log = logging.getLogger(__name__)

MAX_BODY_BYTES = 64 * 1024


@dataclass(frozen=True, slots=True)
class WebhookResult:
    """What happened to one delivery: ``status`` is the HTTP status to answer."""

    status: int
    outcome: str  # forged, malformed, duplicate, applied, ignored, refused
    detail: str = ""


async def receive_webhook(body: bytes, *, signature: str | None, event_id: str | None,
                          webhook_secret: str | None = None) -> WebhookResult:
    """Verify and apply one webhook delivery (see the module docstring)."""
    if webhook_secret is None:
        try:
            webhook_secret = gateway_config().webhook_secret
        except DomainError:  # a misconfigured gateway accepts nothing, and says so without a 500
            return WebhookResult(503, "malformed", "payment gateway not configured")
    secret = webhook_secret
    if len(body) > MAX_BODY_BYTES:
        return WebhookResult(413, "malformed", "body too large")
    if not valid_webhook_signature(body, signature, secret):
        log.warning("webhook refused: signature does not match (%d bytes)", len(body))
        return WebhookResult(401, "forged", "signature does not match")
    try:
        event = json.loads(body)
        kind = str(event["event"])
        payload = event.get("payload") or {}
    except (ValueError, KeyError, TypeError):
        return WebhookResult(400, "malformed", "not a gateway event")
    # Razorpay sends the id in a header; a body without one is keyed by its own hash.
    event_id = (event_id or "").strip()[:60] or "body:" + hashlib.sha256(body).hexdigest()[:54]
    if await GatewayEvent.exists(event_id=event_id):
        return WebhookResult(200, "duplicate", event_id)
    try:
        if kind in ("payment.captured", "order.paid"):
            return await credit_captured_payment(payment_from(payload["payment"]["entity"]), event_id=event_id, kind=kind)
        if kind in ("payment.authorized", "payment.failed"):
            payment = payment_from(payload["payment"]["entity"])
            failed = kind == "payment.failed"
            reason = ((payload["payment"]["entity"].get("error_description") or "payment failed") if failed else None)
            changed = payment.order_id is not None and await mark_order_attempt(
                gateway_order_id=payment.order_id, failed=failed, reason=reason)
            if changed:
                await _publish_order(payment.order_id)
            return await _record(event_id, kind, payment.id,
                                 GatewayEventOutcome.APPLIED if changed else GatewayEventOutcome.IGNORED,
                                 None if changed else "order already paid or unknown")
        if kind.startswith("payout."):
            from bankcore.payments.payouts import apply_gateway_payout

            payout = payout_from(payload["payout"]["entity"])
            outcome, detail = await apply_gateway_payout(payout, event_id=event_id, event_type=kind)
            return WebhookResult(200, outcome.value, detail or "")
    except (KeyError, TypeError, ValueError):
        return WebhookResult(400, "malformed", f"{kind}: missing fields")
    return await _record(event_id, kind, None, GatewayEventOutcome.IGNORED, "event not used by the bank")


async def _record(event_id: str | None, kind: str, entity_id: str | None, outcome: GatewayEventOutcome,
                  detail: str | None, conn: BaseDBAsyncClient | None = None) -> WebhookResult:
    if event_id is None:  # a status check, not a webhook: nothing to deduplicate
        return WebhookResult(200, outcome.value, detail or "")
    try:
        await GatewayEvent.create(event_id=event_id, event_type=kind[:40], entity_id=entity_id and entity_id[:40],
                                  outcome=outcome, detail=detail and detail[:255], received_at=datetime.now(UTC),
                                  using_db=conn)
    except IntegrityError:
        return WebhookResult(200, "duplicate", event_id)
    return WebhookResult(200, outcome.value, detail or "")


async def credit_captured_payment(payment: GatewayPayment, *, event_id: str | None = None,
                                  kind: str = "status") -> WebhookResult:
    """Credit a captured payment to its order's account, once (from a webhook with ``event_id``, or a status check).

    Refused (recorded, nothing booked) for an unknown order, an amount or currency that
    differs from the order's, or an order already paid by another payment.
    """
    if payment.status != "captured":
        return await _record(event_id, kind, payment.id, GatewayEventOutcome.IGNORED, f"payment is {payment.status}")
    order = await PaymentOrder.get_or_none(gateway_order_id=payment.order_id) if payment.order_id else None
    if order is None:
        return await _record(event_id, kind, payment.id, GatewayEventOutcome.REFUSED, "unknown order")
    if (payment.amount_minor, payment.currency) != (order.amount_minor, order.currency):
        return await _record(event_id, kind, payment.id, GatewayEventOutcome.REFUSED,
                             f"amount {payment.amount_minor} {payment.currency} differs from the order's "
                             f"{order.amount_minor} {order.currency}")
    if order.status == PaymentOrderStatus.PAID and order.payment_id != payment.id:
        return await _record(event_id, kind, payment.id, GatewayEventOutcome.REFUSED,
                             f"order already paid by {order.payment_id}")
    credit_account = await Account.get(id=order.credit_account_id)
    now = datetime.now(UTC)

    async def effects(conn: BaseDBAsyncClient, entry_id: int) -> None:
        m = placeholders(conn, 6)
        changed = await conn.execute_query(
            f"UPDATE payment_order SET status = 'paid', payment_id = {m[0]}, entry_id = {m[1]}, paid_at = {m[2]}, "
            f"method = {m[3]}, failure_reason = NULL WHERE id = {m[4]} AND status <> {m[5]}",
            [payment.id, entry_id, now, (payment.method or "")[:20] or None, order.id, "paid"],
        )
        if not _changed(changed):
            raise _AlreadyPaid()
        if event_id is not None:
            await GatewayEvent.create(event_id=event_id, event_type=kind[:40], entity_id=payment.id[:40],
                                      outcome=GatewayEventOutcome.APPLIED, detail=f"credited entry {entry_id}",
                                      received_at=now, using_db=conn)

    try:
        posted = await book_inward_credit(order=order, payment_id=payment.id,
                                          credit_ledger_account_id=credit_account.ledger_account_id, effects=effects)
    except _AlreadyPaid:
        return await _record(event_id, kind, payment.id, GatewayEventOutcome.REFUSED, "order already paid")
    except IntegrityError:  # the same event id, concurrently: the other delivery credited it
        return WebhookResult(200, "duplicate", event_id)
    except DomainError as exc:  # e.g. the account was closed since: staff must look
        return await _record(event_id, kind, payment.id, GatewayEventOutcome.REFUSED, f"{exc.code}: {exc.message}")
    if posted.replayed:  # the payment was credited by an earlier event (another id, same payment)
        return await _record(event_id, kind, payment.id, GatewayEventOutcome.IGNORED,
                             f"payment already credited in entry {posted.entry_id}")
    broker.publish(PaymentUpdated(ledger_account_id=credit_account.ledger_account_id, kind="order", ref_id=order.id,
                                  status="paid"))
    return WebhookResult(200, "applied", f"credited entry {posted.entry_id}")


class _AlreadyPaid(Exception):
    """Raised inside the credit's transaction to roll it back."""


def _changed(result: object) -> bool:
    if isinstance(result, tuple):
        return bool(result[0])
    return bool(result)


async def _publish_order(gateway_order_id: str) -> None:
    order = await PaymentOrder.get_or_none(gateway_order_id=gateway_order_id).select_related("credit_account")
    if order is not None:
        broker.publish(PaymentUpdated(ledger_account_id=order.credit_account.ledger_account_id, kind="order",
                                      ref_id=order.id, status=str(order.status)))

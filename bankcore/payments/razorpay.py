"""The Razorpay adapter: Orders API, payments, RazorpayX payouts, settlement recon, over httpx.

Calls are retried with exponential backoff (tenacity) on transport errors, 429 and 5xx:
reads always, order creation too (a receipt is unique per order, so a retried create
cannot book twice on our side: we keep the one order id we are given), and payouts
with the ``X-Payout-Idempotency`` header RazorpayX requires, so a retry returns the
payout the first attempt created instead of paying twice. A 4xx is the request's fault
and is not retried.
"""

from __future__ import annotations

import logging
from typing import Any

import httpx
from tenacity import AsyncRetrying, retry_if_exception, stop_after_attempt, wait_exponential

from bankcore.errors import DomainError, ErrorCode
from bankcore.payments.gateway import (
    GatewayConfig,
    GatewayOrder,
    GatewayPayment,
    GatewayPayout,
    PayoutBeneficiary,
)

log = logging.getLogger(__name__)

TIMEOUT_S = 10.0
ATTEMPTS = 3


class _Retryable(Exception):
    """A 429 or 5xx answer: worth another try."""


def _retryable(exc: BaseException) -> bool:
    return isinstance(exc, (_Retryable, httpx.TransportError))


class RazorpayGateway:
    """``PaymentGateway`` over Razorpay's REST API (or the simulator's copy of it)."""

    def __init__(self, config: GatewayConfig, *, attempts: int = ATTEMPTS, wait_s: float = 0.5,
                 transport: httpx.AsyncBaseTransport | None = None) -> None:
        self.config = config
        self._attempts = attempts
        self._wait_s = wait_s
        self._transport = transport

    async def _call(self, method: str, path: str, *, json: dict | None = None, params: dict | None = None,
                    headers: dict[str, str] | None = None) -> Any:
        retrying = AsyncRetrying(
            stop=stop_after_attempt(self._attempts),
            wait=wait_exponential(multiplier=self._wait_s, max=8),
            retry=retry_if_exception(_retryable),
            reraise=True,
        )
        try:
            async with httpx.AsyncClient(base_url=self.config.api_url, auth=(self.config.key_id, self.config.key_secret),
                                         timeout=TIMEOUT_S, transport=self._transport) as client:
                async for attempt in retrying:
                    with attempt:
                        response = await client.request(method, path, json=json, params=params, headers=headers)
                        if response.status_code == 429 or response.status_code >= 500:
                            raise _Retryable(f"{response.status_code} from {path}")
        except (_Retryable, httpx.TransportError) as exc:
            log.warning("payment gateway unavailable: %s %s: %s", method, path, exc)
            raise DomainError(ErrorCode.GATEWAY_UNAVAILABLE, "the payment gateway did not answer; try again") from None
        if response.status_code >= 400:
            raise DomainError(ErrorCode.GATEWAY_REFUSED, _error_text(response))
        return response.json()

    async def create_order(self, *, amount_minor: int, currency: str, receipt: str, notes: dict[str, str]) -> GatewayOrder:
        """POST /v1/orders."""
        data = await self._call("POST", "/v1/orders", json={"amount": amount_minor, "currency": currency,
                                                            "receipt": receipt[:40], "notes": notes})
        return GatewayOrder(id=data["id"], amount_minor=int(data["amount"]), currency=data["currency"], status=data["status"])

    async def fetch_order_payments(self, order_id: str) -> list[GatewayPayment]:
        """GET /v1/orders/{id}/payments."""
        data = await self._call("GET", f"/v1/orders/{order_id}/payments")
        return [payment_from(item) for item in data.get("items", [])]

    async def create_payout(
        self, *, idempotency_key: str, amount_minor: int, currency: str, mode: str, beneficiary: PayoutBeneficiary,
        reference_id: str, narration: str | None,
    ) -> GatewayPayout:
        """POST /v1/payouts (the composite form: contact and fund account inline)."""
        contact = {"name": beneficiary.name[:50], "type": "customer", "reference_id": reference_id[:40]}
        if beneficiary.vpa:
            fund_account = {"account_type": "vpa", "vpa": {"address": beneficiary.vpa}, "contact": contact}
        else:
            fund_account = {"account_type": "bank_account", "contact": contact, "bank_account": {
                "name": beneficiary.name[:50], "ifsc": beneficiary.ifsc, "account_number": beneficiary.account_number}}
        body = {
            "account_number": self.config.payout_account, "amount": amount_minor, "currency": currency, "mode": mode,
            "purpose": "payout", "fund_account": fund_account, "queue_if_low_balance": True,
            "reference_id": reference_id[:40], "narration": (narration or "coopbank payment")[:30],
        }
        data = await self._call("POST", "/v1/payouts", json=body, headers={"X-Payout-Idempotency": idempotency_key})
        return payout_from(data)

    async def fetch_payout(self, payout_id: str) -> GatewayPayout:
        """GET /v1/payouts/{id}: the status check."""
        return payout_from(await self._call("GET", f"/v1/payouts/{payout_id}"))

    async def fetch_settlement_recon(self, *, year: int, month: int, day: int) -> list[dict]:
        """GET /v1/settlements/recon/combined?year&month&day: the day's settled items."""
        items: list[dict] = []
        while True:
            data = await self._call("GET", "/v1/settlements/recon/combined",
                                    params={"year": year, "month": month, "day": day, "count": 1000, "skip": len(items)})
            page = data.get("items", [])
            items += page
            if len(page) < 1000:
                return items


def payment_from(entity: dict) -> GatewayPayment:
    return GatewayPayment(id=entity["id"], order_id=entity.get("order_id"), amount_minor=int(entity["amount"]),
                          currency=entity["currency"], status=entity["status"], method=entity.get("method"))


def payout_from(entity: dict) -> GatewayPayout:
    details = entity.get("status_details") or {}
    reason = details.get("description") or details.get("reason") if isinstance(details, dict) else None
    return GatewayPayout(id=entity["id"], status=entity["status"], amount_minor=int(entity["amount"]),
                         utr=entity.get("utr"), failure_reason=reason, reference_id=entity.get("reference_id"))


def _error_text(response: httpx.Response) -> str:
    try:
        error = response.json().get("error", {})
        return str(error.get("description") or error.get("code") or response.status_code)[:200]
    except ValueError:
        return f"gateway answered {response.status_code}"

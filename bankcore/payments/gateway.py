"""The gateway port: what the bank asks of a payment gateway, and which one is configured.

Configuration (environment, read when first needed):

=====================================  ===================================================
``COOPBANK_GATEWAY``                   ``sim`` (default) or ``razorpay``
``COOPBANK_RAZORPAY_KEY_ID``           API key id (``rzp_live_...``); the sim's default is a dev key
``COOPBANK_RAZORPAY_KEY_SECRET``       API key secret: signs checkout, authenticates API calls
``COOPBANK_RAZORPAY_WEBHOOK_SECRET``   the webhook secret; ``/webhooks/razorpay`` accepts nothing without it
``COOPBANK_RAZORPAYX_ACCOUNT``         the RazorpayX business account number payouts are paid from
``COOPBANK_GATEWAY_SIM_URL``           the simulator's base URL (default http://127.0.0.1:8090)
``COOPBANK_RAZORPAY_API_URL``          Razorpay's API base (default https://api.razorpay.com)
=====================================  ===================================================

With ``sim`` the Razorpay adapter itself talks to ``coopbank gateway-sim``, which speaks
the same HTTP (and signs webhooks with the same webhook secret), so the code paths a
bank runs against Razorpay are the ones the tests and the demo run.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Protocol

from bankcore.errors import DomainError, ErrorCode

SIM = "sim"
RAZORPAY = "razorpay"
DEFAULT_SIM_URL = "http://127.0.0.1:8090"
# Public development credentials of the simulator: never valid at Razorpay.
SIM_KEY_ID = "rzp_test_coopbanksim"
SIM_KEY_SECRET = "coopbank-sim-key-secret"
SIM_PAYOUT_ACCOUNT = "7878780080316316"


@dataclass(frozen=True, slots=True)
class GatewayConfig:
    """Which gateway, where, and with which credentials."""

    kind: str
    api_url: str
    key_id: str
    key_secret: str = field(repr=False)
    webhook_secret: str = field(repr=False)
    payout_account: str


def gateway_config(env: dict[str, str] | None = None) -> GatewayConfig:
    """The configuration from the environment (see the module docstring).

    Raises ``DomainError(GATEWAY_UNAVAILABLE)`` for an unknown ``COOPBANK_GATEWAY`` or a
    Razorpay configuration without its keys.
    """
    env = os.environ if env is None else env
    kind = env.get("COOPBANK_GATEWAY", SIM).strip().lower() or SIM
    webhook_secret = env.get("COOPBANK_RAZORPAY_WEBHOOK_SECRET", "")
    if kind == SIM:
        return GatewayConfig(
            kind=SIM,
            api_url=env.get("COOPBANK_GATEWAY_SIM_URL", DEFAULT_SIM_URL).rstrip("/"),
            key_id=env.get("COOPBANK_RAZORPAY_KEY_ID") or SIM_KEY_ID,
            key_secret=env.get("COOPBANK_RAZORPAY_KEY_SECRET") or SIM_KEY_SECRET,
            webhook_secret=webhook_secret,
            payout_account=env.get("COOPBANK_RAZORPAYX_ACCOUNT") or SIM_PAYOUT_ACCOUNT,
        )
    if kind == RAZORPAY:
        key_id, key_secret = env.get("COOPBANK_RAZORPAY_KEY_ID", ""), env.get("COOPBANK_RAZORPAY_KEY_SECRET", "")
        if not key_id or not key_secret:
            raise DomainError(ErrorCode.GATEWAY_UNAVAILABLE, "COOPBANK_RAZORPAY_KEY_ID and _KEY_SECRET must be set")
        return GatewayConfig(
            kind=RAZORPAY,
            api_url=env.get("COOPBANK_RAZORPAY_API_URL", "https://api.razorpay.com").rstrip("/"),
            key_id=key_id, key_secret=key_secret, webhook_secret=webhook_secret,
            payout_account=env.get("COOPBANK_RAZORPAYX_ACCOUNT", ""),
        )
    raise DomainError(ErrorCode.GATEWAY_UNAVAILABLE, f"COOPBANK_GATEWAY must be sim or razorpay, not {kind!r}")


@dataclass(frozen=True, slots=True)
class GatewayOrder:
    id: str
    amount_minor: int
    currency: str
    status: str


@dataclass(frozen=True, slots=True)
class GatewayPayment:
    id: str
    order_id: str | None
    amount_minor: int
    currency: str
    status: str  # created, authorized, captured, refunded, failed
    method: str | None = None


@dataclass(frozen=True, slots=True)
class PayoutBeneficiary:
    """Where a payout goes: a bank account (IFSC + number) or a UPI address."""

    name: str
    ifsc: str | None = None
    account_number: str | None = None
    vpa: str | None = None


@dataclass(frozen=True, slots=True)
class GatewayPayout:
    id: str
    status: str  # RazorpayX: queued, pending, processing, processed, reversed, failed, rejected, cancelled
    amount_minor: int
    utr: str | None = None
    failure_reason: str | None = None
    reference_id: str | None = None  # ours: coopbank-<payout id>


class PaymentGateway(Protocol):
    """The port. Amounts are integers in minor units (paise for INR), as Razorpay takes them.

    Every method raises ``DomainError``: ``GATEWAY_REFUSED`` (the gateway answered 4xx:
    the request itself is wrong) or ``GATEWAY_UNAVAILABLE`` (no answer, or 5xx, after retries).
    """

    config: GatewayConfig

    async def create_order(self, *, amount_minor: int, currency: str, receipt: str, notes: dict[str, str]) -> GatewayOrder: ...

    async def fetch_order_payments(self, order_id: str) -> list[GatewayPayment]: ...

    async def create_payout(
        self, *, idempotency_key: str, amount_minor: int, currency: str, mode: str, beneficiary: PayoutBeneficiary,
        reference_id: str, narration: str | None,
    ) -> GatewayPayout: ...

    async def fetch_payout(self, payout_id: str) -> GatewayPayout: ...

    async def fetch_settlement_recon(self, *, year: int, month: int, day: int) -> list[dict]: ...


_override: PaymentGateway | None = None


def use_gateway(gateway: PaymentGateway | None) -> PaymentGateway | None:
    """Make ``gateway`` the one ``payment_gateway()`` returns (None: back to the configured one)."""
    global _override
    previous, _override = _override, gateway
    return previous


def payment_gateway() -> PaymentGateway:
    """The configured gateway adapter."""
    if _override is not None:
        return _override
    from bankcore.payments.razorpay import RazorpayGateway

    return RazorpayGateway(gateway_config())

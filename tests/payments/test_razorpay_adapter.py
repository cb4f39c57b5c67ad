"""The Razorpay adapter's HTTP behaviour (retries, refusals, the payout idempotency header) over
httpx's mock transport, and the signatures (pure)."""

from __future__ import annotations

import json

import httpx
import pytest

from bankcore.errors import DomainError, ErrorCode
from bankcore.payments.gateway import GatewayConfig, PayoutBeneficiary, gateway_config
from bankcore.payments.razorpay import RazorpayGateway
from bankcore.payments.signatures import checkout_signature, sign, valid_checkout_signature, valid_webhook_signature

CONFIG = GatewayConfig(kind="razorpay", api_url="https://api.example", key_id="rzp_test_k", key_secret="s3cret",
                       webhook_secret="w", payout_account="7878780080316316")


def _gateway(handler) -> RazorpayGateway:  # noqa: ANN001
    return RazorpayGateway(CONFIG, wait_s=0, transport=httpx.MockTransport(handler))


async def test_a_5xx_is_retried_and_a_4xx_is_not() -> None:
    calls: list[str] = []

    def flaky(request: httpx.Request) -> httpx.Response:
        calls.append(request.url.path)
        if len(calls) < 3:
            return httpx.Response(503)
        assert request.headers["authorization"].startswith("Basic ")
        body = json.loads(request.content)
        return httpx.Response(200, json={"id": "order_X", "amount": body["amount"], "currency": "INR", "status": "created"})

    order = await _gateway(flaky).create_order(amount_minor=50_000, currency="INR", receipt="r1", notes={})
    assert (order.id, order.amount_minor, len(calls)) == ("order_X", 50_000, 3)

    refused: list[str] = []

    def bad(request: httpx.Request) -> httpx.Response:
        refused.append(request.url.path)
        return httpx.Response(400, json={"error": {"code": "BAD_REQUEST_ERROR", "description": "The amount must be atleast INR 1.00"}})

    with pytest.raises(DomainError) as error:
        await _gateway(bad).create_order(amount_minor=1, currency="INR", receipt="r2", notes={})
    assert error.value.code is ErrorCode.GATEWAY_REFUSED and "atleast" in error.value.message and len(refused) == 1


async def test_no_answer_after_the_retries_is_gateway_unavailable() -> None:
    def down(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    with pytest.raises(DomainError) as error:
        await _gateway(down).fetch_payout("pout_1")
    assert error.value.code is ErrorCode.GATEWAY_UNAVAILABLE


async def test_a_payout_carries_its_idempotency_key_and_the_composite_fund_account() -> None:
    seen: list[httpx.Request] = []

    def record(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={"id": "pout_1", "status": "processing", "amount": 70_000, "utr": None})

    gateway = _gateway(record)
    payout = await gateway.create_payout(idempotency_key="key-1", amount_minor=70_000, currency="INR", mode="NEFT",
                                         beneficiary=PayoutBeneficiary(name="Ravi Iyer", ifsc="SBIN0001234",
                                                                       account_number="123456789012"),
                                         reference_id="coopbank-9", narration="Rent")
    assert payout.status == "processing"
    body = json.loads(seen[0].content)
    assert seen[0].headers["x-payout-idempotency"] == "key-1"
    assert body["account_number"] == "7878780080316316" and body["mode"] == "NEFT"
    assert body["fund_account"]["bank_account"] == {"name": "Ravi Iyer", "ifsc": "SBIN0001234", "account_number": "123456789012"}
    await gateway.create_payout(idempotency_key="key-2", amount_minor=100, currency="INR", mode="UPI",
                                beneficiary=PayoutBeneficiary(name="Ravi", vpa="ravi@okbank"), reference_id="r", narration=None)
    assert json.loads(seen[1].content)["fund_account"]["vpa"] == {"address": "ravi@okbank"}


def test_signatures_are_hmac_sha256_and_compared_exactly() -> None:
    # Razorpay's documented scheme: HMAC-SHA256(order_id + "|" + payment_id, key_secret), hex.
    expected = sign(b"order_A|pay_B", "s3cret")
    assert checkout_signature("order_A", "pay_B", "s3cret") == expected
    assert valid_checkout_signature("order_A", "pay_B", expected, "s3cret")
    assert not valid_checkout_signature("order_A", "pay_C", expected, "s3cret")
    body = b'{"event":"payment.captured"}'
    assert valid_webhook_signature(body, sign(body, "w"), "w")
    assert not valid_webhook_signature(body + b" ", sign(body, "w"), "w")
    assert not valid_webhook_signature(body, sign(body, ""), "")  # no secret, no webhook
    assert not valid_webhook_signature(body, None, "w")


def test_configuration_from_the_environment() -> None:
    assert gateway_config({}).kind == "sim"
    assert gateway_config({}).webhook_secret == ""
    with pytest.raises(DomainError):
        gateway_config({"COOPBANK_GATEWAY": "razorpay"})
    live = gateway_config({"COOPBANK_GATEWAY": "razorpay", "COOPBANK_RAZORPAY_KEY_ID": "rzp_live_x",
                           "COOPBANK_RAZORPAY_KEY_SECRET": "y", "COOPBANK_RAZORPAY_WEBHOOK_SECRET": "z"})
    assert (live.api_url, live.key_id, live.webhook_secret) == ("https://api.razorpay.com", "rzp_live_x", "z")
    with pytest.raises(DomainError):
        gateway_config({"COOPBANK_GATEWAY": "paypal"})

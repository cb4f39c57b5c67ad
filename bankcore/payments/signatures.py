"""Razorpay's signatures, computed and checked in constant time (pure, no I/O).

* Checkout: ``razorpay_signature`` = hex HMAC-SHA256(``order_id|payment_id``, key secret).
* Webhooks: ``X-Razorpay-Signature`` = hex HMAC-SHA256(raw request body, webhook secret);
  checked on the bytes as received, before any parsing (re-serialised JSON differs).
"""

from __future__ import annotations

import hashlib
import hmac


def sign(message: bytes, secret: str) -> str:
    """Hex HMAC-SHA256 of ``message`` under ``secret``."""
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def checkout_signature(order_id: str, payment_id: str, key_secret: str) -> str:
    return sign(f"{order_id}|{payment_id}".encode(), key_secret)


def valid_checkout_signature(order_id: str, payment_id: str, signature: str, key_secret: str) -> bool:
    """Whether ``signature`` is the checkout signature of this order and payment (constant time)."""
    return hmac.compare_digest(checkout_signature(order_id, payment_id, key_secret), (signature or "").strip().lower())


def valid_webhook_signature(body: bytes, signature: str | None, webhook_secret: str) -> bool:
    """Whether ``signature`` (the ``X-Razorpay-Signature`` header) signs ``body`` (constant time).

    An empty secret never validates: a bank without a configured secret accepts no webhook.
    """
    if not webhook_secret or not signature:
        return False
    return hmac.compare_digest(sign(body, webhook_secret), signature.strip().lower())

"""Signing partners' webhooks: HMAC-SHA256 over ``timestamp + "." + body``.

Every delivery carries ``X-Coopbank-Timestamp`` (Unix seconds) and ``X-Coopbank-Signature``
(``v1=<hex>``), like Stripe's and Standard Webhooks' schemes: a partner recomputes the
HMAC with its secret over the timestamp, a dot and the raw body, compares in constant
time, and refuses timestamps further than a tolerance (5 minutes) from its clock, so a
captured request cannot be replayed later.
"""

from __future__ import annotations

import hashlib
import hmac
import time

TIMESTAMP_HEADER = "X-Coopbank-Timestamp"
SIGNATURE_HEADER = "X-Coopbank-Signature"
EVENT_HEADER = "X-Coopbank-Event"
DELIVERY_HEADER = "X-Coopbank-Delivery"
DEFAULT_TOLERANCE_S = 300


def sign(secret: str, timestamp: int, body: bytes) -> str:
    """``v1=`` and the hex HMAC-SHA256 of ``f"{timestamp}."`` + ``body`` under ``secret``."""
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return "v1=" + mac.hexdigest()


def verify(secret: str, timestamp: str, body: bytes, signature: str, *, tolerance_s: int = DEFAULT_TOLERANCE_S,
           now: float | None = None) -> bool:
    """True when ``signature`` is ``sign(secret, timestamp, body)`` and the timestamp is within
    ``tolerance_s`` seconds of ``now``; for partners (and tests) receiving the bank's webhooks."""
    try:
        moment = int(timestamp)
    except ValueError:
        return False
    if abs((time.time() if now is None else now) - moment) > tolerance_s:
        return False
    return hmac.compare_digest(sign(secret, moment, body), signature)

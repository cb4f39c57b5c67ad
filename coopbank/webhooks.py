"""``POST /webhooks/razorpay``: the gateway's signed events, into ``bankcore.payments.webhooks``.

The body is read raw and capped (``MAX_BODY_BYTES``: a declared or actual larger body is
refused with 413 before it is buffered whole), and handed over as bytes: the signature
is checked on exactly what arrived, before any parsing.
"""

from __future__ import annotations

import logging

from starlette.requests import Request
from starlette.responses import JSONResponse

from bankcore.payments.webhooks import MAX_BODY_BYTES, receive_webhook

log = logging.getLogger(__name__)


async def _read_capped(request: Request) -> bytes | None:
    declared = request.headers.get("content-length")
    if declared is not None and (not declared.isdigit() or int(declared) > MAX_BODY_BYTES):
        return None
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_BODY_BYTES:
            return None
        chunks.append(chunk)
    return b"".join(chunks)


async def razorpay_webhook(request: Request) -> JSONResponse:
    """Verify and apply one delivery; 2xx once recorded, 401 forged, 400 malformed, 413 too large."""
    body = await _read_capped(request)
    if body is None:
        return JSONResponse({"status": "refused", "reason": "body too large"}, status_code=413)
    result = await receive_webhook(body, signature=request.headers.get("x-razorpay-signature"),
                                   event_id=request.headers.get("x-razorpay-event-id"))
    if result.status >= 400:
        log.info("webhook refused (%s): %s", result.outcome, result.detail)
    return JSONResponse({"status": result.outcome}, status_code=result.status)

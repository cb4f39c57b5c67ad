"""Status checks for payouts the gateway has not reported on: NPCI's timing, durable state.

A payout without a final word is checked at ``payments.status_check_offsets_s`` after
it was sent (default 90 s, 30 min, ~2 h: the first no sooner than 90 s, at most 3 within
about 2 hours, per NPCI). The schedule lives on the payout row (``next_check_at``,
``checks_done``), so any runner may drive it: the serve process's periodic task
(``run_periodically``), the day-end step, or a procrastinate periodic task calling
``poll_due_payouts`` later. After the last check without a final status the payout goes
to ``review``: its hold stays until it expires, and settlement reconciliation tells.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime

from tortoise.expressions import F

from bankcore.errors import DomainError
from bankcore.models import Payout, PayoutStatus
from bankcore.payments.gateway import payment_gateway
from bankcore.payments.payouts import apply_gateway_payout, dispatch_payout, first_check_at

log = logging.getLogger(__name__)

POLL_EVERY_S = 15.0


async def poll_due_payouts(*, now: datetime | None = None, limit: int = 100) -> int:
    """Check every payout whose next status check is due at ``now``; returns how many were checked.

    Unsent payouts (the gateway did not answer at submit) are sent again with the same
    idempotency key. A gateway that does not answer costs no check: the payout is tried
    again at the next run.
    """
    now = now or datetime.now(UTC)
    due = await Payout.filter(status__in=(PayoutStatus.HELD, PayoutStatus.PROCESSING), next_check_at__lte=now).order_by(
        "next_check_at", "id").limit(limit)
    checked = 0
    for payout in due:
        if payout.gateway_payout_id is None:
            await dispatch_payout(payout.id, now=now)
            checked += 1
            continue
        try:
            result = await payment_gateway().fetch_payout(payout.gateway_payout_id)
        except DomainError as exc:
            log.warning("status check of payout %s failed: %s", payout.id, exc.message)
            continue
        checked += 1
        done = payout.checks_done + 1
        await apply_gateway_payout(result)
        fresh = await Payout.get(id=payout.id)
        if fresh.status in (PayoutStatus.HELD, PayoutStatus.PROCESSING):
            following = await first_check_at(payout.created_at, done)
            await Payout.filter(id=payout.id, status=fresh.status).update(
                checks_done=F("checks_done") + 1, next_check_at=following,
                status=fresh.status if following is not None else PayoutStatus.REVIEW,
                failure_reason=None if following is not None else "no final status after the last status check")
        else:
            await Payout.filter(id=payout.id).update(checks_done=done)
    return checked


async def run_periodically(every_s: float = POLL_EVERY_S) -> None:
    """Poll forever (a background task of the serve process); errors are logged, never fatal."""
    while True:
        await asyncio.sleep(every_s)
        try:
            await poll_due_payouts()
        except Exception:  # noqa: BLE001 - a poller must outlive a bad round
            log.exception("payout status polling failed")

"""The payment rails' close-of-business steps (band 100: money that must settle first).

* ``payments.check_payout_status`` (100): a last status check of payouts that are due one,
  so a payout the gateway settled today is posted before its hold could expire;
* ``payments.void_expired_holds`` (110): every pending hold whose ``expires_on`` is on
  or before the date closed is voided (TigerBeetle's timeout); payouts whose hold
  expired without a final word are marked failed (reconciliation catches a late payment).
"""

from __future__ import annotations

from tortoise.expressions import Subquery

from bankcore.calendar.registry import StepContext, day_end_step
from bankcore.ledger.holds import expire_holds
from bankcore.models import Hold, HoldStatus, Payout, PayoutStatus


@day_end_step("payments.check_payout_status", position=100,
              description="Check the status of payouts the gateway has not reported on (NPCI timing)")
async def check_payout_status(ctx: StepContext) -> int:
    from bankcore.payments.polling import poll_due_payouts

    return await poll_due_payouts()


@day_end_step("payments.void_expired_holds", position=110,
              description="Void pending holds whose expiry date has come (payouts without a final status fail)")
async def void_expired_holds(ctx: StepContext) -> int:
    expired = await expire_holds(through=ctx.business_date)
    await Payout.filter(status__in=(PayoutStatus.HELD, PayoutStatus.PROCESSING, PayoutStatus.REVIEW),
                        hold_id__in=Subquery(Hold.filter(status=HoldStatus.EXPIRED).values("id"))).update(
        status=PayoutStatus.FAILED, failure_reason="no final status from the gateway before the hold expired")
    return expired

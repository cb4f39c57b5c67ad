"""The payments domain's day-end steps in the real plan: expired holds are voided, and a payout
whose hold expired without a final word from the gateway is marked failed."""

from __future__ import annotations

from datetime import timedelta

from bankcore.calendar.business_date import business_date, ensure_calendar
from bankcore.calendar.registry import registered_steps
from bankcore.calendar.runner import run_day_end
from bankcore.day_end_plan import load_day_end_plan
from bankcore.models import Account, Hold, HoldStatus, LedgerAccount, Payout, PayoutMode, PayoutStatus
from bankcore.payments.payees import add_payee
from bankcore.payments.payouts import submit_payout
from bankcore.settings import set_setting
from bankcore.verify import verify_ledger
from tests.ledger.factory import inr
from tests.payments.factory import member_with_savings


def test_the_payment_steps_are_in_band_100_of_the_plan() -> None:
    load_day_end_plan()
    steps = {s.name: s.position for s in registered_steps()}
    assert steps["payments.check_payout_status"] == 100
    assert steps["payments.void_expired_holds"] == 110


async def test_day_end_voids_expired_holds_and_fails_their_payouts(db: str) -> None:
    await ensure_calendar()
    today = await business_date()
    member, number = await member_with_savings("1000.00")
    await set_setting("payments.payout_hold_days", 0, effective_from=today, set_by="test")
    payee = await add_payee(member_id=member.id, name="Ravi Iyer", vpa="ravi@okbank")
    # a payout the gateway never heard of (not dispatched): its hold expires at today's day-end
    payout, _ = await submit_payout(account_number=number, payee_id=payee.id, amount=inr("400.00"), mode=PayoutMode.UPI,
                                    idempotency_key="eod-1", initiator="member")
    ledger_id = (await Account.get(number=number)).ledger_account_id
    assert (await LedgerAccount.get(id=ledger_id)).held_minor == 400_00
    summary = await run_day_end(initiator="test")
    assert summary.closed[0].steps["payments.void_expired_holds"] == 1
    assert (await Hold.get(id=payout.hold_id)).status == HoldStatus.EXPIRED
    failed = await Payout.get(id=payout.id)
    assert failed.status == PayoutStatus.FAILED and "expired" in failed.failure_reason
    ledger = await LedgerAccount.get(id=ledger_id)
    assert (ledger.balance_minor, ledger.held_minor) == (1000_00, 0)
    assert await business_date() == today + timedelta(days=1)
    assert (await verify_ledger()).ok

"""Money out through the gateway simulator: held on submit, then posted, voided or settled by polling."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from bankcore.chart import GATEWAY_SETTLEMENT, gl_code
from bankcore.errors import DomainError, ErrorCode
from bankcore.models import Account, Hold, HoldStatus, LedgerAccount, Payout, PayoutMode, PayoutStatus, Posting
from bankcore.payments.payees import add_payee
from bankcore.payments.payouts import dispatch_payout, submit_payout
from bankcore.payments.polling import poll_due_payouts
from bankcore.settings import set_setting
from bankcore.verify import verify_ledger
from tests.ledger.factory import inr
from tests.payments.conftest import Sim
from tests.payments.factory import member_with_savings


async def _ledger(number: str) -> LedgerAccount:
    return await LedgerAccount.get(id=(await Account.get(number=number)).ledger_account_id)


async def _wait_status(payout_id: int, *statuses: PayoutStatus, timeout_s: float = 10) -> Payout:
    for _ in range(int(timeout_s / 0.05)):
        payout = await Payout.get(id=payout_id)
        if payout.status in statuses:
            return payout
        await asyncio.sleep(0.05)
    raise AssertionError(f"payout {payout_id} stayed {payout.status}")


async def _neft(number: str, member_id: int, amount: str, key: str) -> Payout:
    payee = await add_payee(member_id=member_id, name="Ravi Iyer", ifsc="hdfc0001234", bank_account_number="50100123456789")
    payout, replayed = await submit_payout(account_number=number, payee_id=payee.id, amount=inr(amount),
                                           mode=PayoutMode.NEFT, idempotency_key=key, initiator="member")
    assert not replayed
    return await dispatch_payout(payout.id)


async def test_a_neft_payout_is_held_then_posted_when_the_gateway_processes_it(db: str, sim: Sim) -> None:
    member, number = await member_with_savings("5000.00")
    payout = await _neft(number, member.id, "1200.00", "neft-ok")
    assert payout.gateway_payout_id.startswith("pout_")
    done = await _wait_status(payout.id, PayoutStatus.PROCESSED)  # the payout.processed webhook
    assert done.utr and done.entry_id
    la = await _ledger(number)
    assert (la.balance_minor, la.held_minor) == (5_000_00 - 1_200_00, 0)
    gateway = await LedgerAccount.get(code=gl_code(GATEWAY_SETTLEMENT, "INR"))
    assert await Posting.filter(ledger_account_id=gateway.id, side="C", amount_minor=1_200_00).count() == 1
    assert (await Hold.get(id=done.hold_id)).status == HoldStatus.POSTED
    assert (await verify_ledger()).ok
    # a retry of the same submission returns the same payout (and the gateway its same payout)
    again, replayed = await submit_payout(account_number=number, payee_id=done.payee_id, amount=inr("1200.00"),
                                          mode=PayoutMode.NEFT, idempotency_key="neft-ok", initiator="member")
    assert replayed and again.id == payout.id


async def test_a_failed_payout_releases_its_hold(db: str, sim: Sim) -> None:
    member, number = await member_with_savings("5000.00")
    sim.control(payout_outcome="failed")
    payout = await _neft(number, member.id, "700.00", "neft-fail")
    assert (await _ledger(number)).held_minor in (70_000, 0)  # held until the webhook comes
    failed = await _wait_status(payout.id, PayoutStatus.FAILED)
    assert "rejected" in failed.failure_reason
    la = await _ledger(number)
    assert (la.balance_minor, la.held_minor) == (5_000_00, 0)
    assert (await Hold.get(id=failed.hold_id)).status == HoldStatus.VOIDED
    assert (await verify_ledger()).ok


async def test_a_timed_out_payout_is_settled_by_status_checks_on_npci_timing(db: str, sim: Sim) -> None:
    member, number = await member_with_savings("5000.00")
    sim.control(payout_outcome="timeout", settle_after_s=100)
    payout = await _neft(number, member.id, "300.00", "neft-timeout")
    assert payout.status == PayoutStatus.PROCESSING
    sent = payout.created_at
    # no check before 90 s
    assert await poll_due_payouts(now=sent + timedelta(seconds=89)) == 0
    # at 91 s the gateway still says processing (its clock has not reached 100 s): one check used
    assert await poll_due_payouts(now=sent + timedelta(seconds=91)) == 1
    payout = await Payout.get(id=payout.id)
    assert (payout.status, payout.checks_done) == (PayoutStatus.PROCESSING, 1)
    assert payout.next_check_at == sent + timedelta(seconds=1800)
    # the simulator's clock moves on (no test waits); the second check, at 30 min, finds it processed
    sim.control(advance_s=200)
    assert await poll_due_payouts(now=sent + timedelta(seconds=1801)) == 1
    payout = await Payout.get(id=payout.id)
    assert payout.status == PayoutStatus.PROCESSED and payout.checks_done == 2
    la = await _ledger(number)
    assert (la.balance_minor, la.held_minor) == (5_000_00 - 300_00, 0)
    assert (await verify_ledger()).ok


async def test_after_three_checks_without_an_answer_the_payout_waits_for_review(db: str, sim: Sim) -> None:
    member, number = await member_with_savings("5000.00")
    sim.control(payout_outcome="timeout", settle_after_s=10**9)
    payout = await _neft(number, member.id, "300.00", "neft-silent")
    for seconds in (91, 1801, 7001):
        assert await poll_due_payouts(now=payout.created_at + timedelta(seconds=seconds)) == 1
    assert await poll_due_payouts(now=payout.created_at + timedelta(hours=5)) == 0  # no fourth check
    payout = await Payout.get(id=payout.id)
    assert (payout.status, payout.checks_done) == (PayoutStatus.REVIEW, 3)
    assert (await _ledger(number)).held_minor == 300_00  # still held: no final word yet


async def test_limits_and_step_up_are_settings(db: str, sim: Sim) -> None:
    from bankcore.calendar.business_date import business_date

    member, number = await member_with_savings("500000.00")
    payee = await add_payee(member_id=member.id, name="Ravi Iyer", vpa="ravi@okbank")
    today = await business_date()
    await set_setting("payments.payout_max_upi_minor", 10_000_00, effective_from=today, set_by="test")
    with pytest.raises(DomainError) as too_big:
        await submit_payout(account_number=number, payee_id=payee.id, amount=inr("10000.01"), mode=PayoutMode.UPI,
                            idempotency_key="upi-big", initiator="member")
    assert too_big.value.code is ErrorCode.LIMIT_EXCEEDED
    with pytest.raises(DomainError) as step_up:
        await submit_payout(account_number=number, payee_id=payee.id, amount=inr("9000.00"), mode=PayoutMode.NEFT,
                            idempotency_key="upi-mode", initiator="member")
    assert step_up.value.code is ErrorCode.INVALID_INPUT  # a UPI address is paid by UPI
    await set_setting("payments.step_up_above_minor", 5_000_00, effective_from=today, set_by="test")
    with pytest.raises(DomainError) as needs_code:
        await submit_payout(account_number=number, payee_id=payee.id, amount=inr("6000.00"), mode=PayoutMode.UPI,
                            idempotency_key="upi-stepup", initiator="member")
    assert needs_code.value.code is ErrorCode.STEP_UP_REQUIRED
    await set_setting("payments.payout_daily_limit_minor", 8_000_00, effective_from=today, set_by="test")
    await submit_payout(account_number=number, payee_id=payee.id, amount=inr("5000.00"), mode=PayoutMode.UPI,
                        idempotency_key="upi-1", initiator="member")
    with pytest.raises(DomainError) as daily:
        await submit_payout(account_number=number, payee_id=payee.id, amount=inr("3000.01"), mode=PayoutMode.UPI,
                            idempotency_key="upi-2", initiator="member")
    assert daily.value.code is ErrorCode.LIMIT_EXCEEDED


async def test_payee_formats_are_checked() -> None:
    from bankcore.payments.payees import normalise_ifsc, normalise_vpa

    assert normalise_ifsc(" sbin0001234 ") == "SBIN0001234"
    for bad in ("SBIN1001234", "SBI00001234", "SBIN000123", "SBIN0001234X", "S8IN0001234"):
        with pytest.raises(DomainError) as refused:
            normalise_ifsc(bad)
        assert refused.value.code is ErrorCode.INVALID_IFSC
    assert normalise_vpa("Asha.Rao@OKAxis") == "asha.rao@okaxis"
    for bad in ("asha", "a@b", "@okaxis", "asha rao@okaxis", "asha@ok axis"):
        with pytest.raises(DomainError):
            normalise_vpa(bad)

"""Holds (pending transfers) in the ledger: available = balance - held; posted or voided once."""

from __future__ import annotations

import asyncio
import random
from datetime import timedelta

import pytest

from bankcore.calendar.business_date import business_date
from bankcore.chart import GATEWAY_SETTLEMENT
from bankcore.errors import DomainError, ErrorCode
from bankcore.ledger.entry import EntryDraft, credit, debit
from bankcore.ledger.holds import expire_holds, place_hold, void_hold
from bankcore.ledger.posting import post_entry
from bankcore.models import Account, EntryType, Hold, HoldStatus, JournalEntry, LedgerAccount
from bankcore.services._lookup import gl_account_id
from bankcore.services.money_movement import transfer_funds, withdraw_cash
from bankcore.verify import verify_ledger
from tests.ledger.factory import inr, make_account, small_bank


async def _ledger(number: str) -> LedgerAccount:
    return await LedgerAccount.get(id=(await Account.get(number=number)).ledger_account_id)


async def _hold(number: str, amount_minor: int, *, key: str | None = None, expires_in_days: int | None = 3) -> int:
    la = await _ledger(number)
    expires = (await business_date()) + timedelta(days=expires_in_days) if expires_in_days is not None else None
    result = await place_hold(ledger_account_id=la.id, amount_minor=amount_minor, currency="INR", reason="test",
                              initiator="test", expires_on=expires, idempotency_key=key)
    return result.hold_id


def _post_draft(la_id: int, gl: int, amount: int, hold_id: int, key: str | None = None) -> EntryDraft:
    return EntryDraft(entry_type=EntryType.OUTWARD_TRANSFER, value_date=None, narration="payout", initiator="test",
                      postings=(debit(la_id, amount, "INR"), credit(gl, amount, "INR")), posts_hold_id=hold_id,
                      idempotency_key=key, request_fingerprint=key)


async def test_a_hold_lowers_the_available_balance_not_the_balance(db: str) -> None:
    await small_bank()
    number = await make_account("SB", deposit="1000.00")  # 500.00 minimum balance
    await _hold(number, 30_000)
    la = await _ledger(number)
    assert (la.balance_minor, la.held_minor) == (100_000, 30_000)
    # when: spending more than balance - held - floor (1000 - 300 - 500 = 200)
    with pytest.raises(DomainError) as refused:
        await withdraw_cash(account_number=number, amount=inr("200.01"), initiator="test")
    assert refused.value.code is ErrorCode.MIN_BALANCE
    assert "at most 200.00 INR may be taken" in refused.value.message
    await withdraw_cash(account_number=number, amount=inr("200.00"), initiator="test")
    # and another hold that does not fit is refused too
    with pytest.raises(DomainError) as again:
        await _hold(number, 1)
    assert again.value.code is ErrorCode.INSUFFICIENT_FUNDS
    assert (await verify_ledger()).ok


async def test_a_hold_is_posted_once_and_then_cannot_be_voided(db: str) -> None:
    await small_bank()
    number = await make_account("SB0", deposit="500.00")
    hold_id = await _hold(number, 12_345)
    la = await _ledger(number)
    gl = await gl_account_id(GATEWAY_SETTLEMENT, "INR")
    posted = await post_entry(_post_draft(la.id, gl, 12_345, hold_id))
    la = await _ledger(number)
    assert (la.balance_minor, la.held_minor) == (50_000 - 12_345, 0)
    hold = await Hold.get(id=hold_id)
    assert (hold.status, hold.entry_id) == (HoldStatus.POSTED, posted.entry_id)
    assert await void_hold(hold_id=hold_id) is None  # a void after a post changes nothing
    with pytest.raises(DomainError) as twice:
        await post_entry(_post_draft(la.id, gl, 12_345, hold_id))
    assert twice.value.code is ErrorCode.HOLD_NOT_PENDING
    assert (await _ledger(number)).balance_minor == 50_000 - 12_345
    assert (await verify_ledger()).ok


async def test_posting_must_take_exactly_the_held_amount(db: str) -> None:
    await small_bank()
    number = await make_account("SB0", deposit="500.00")
    hold_id = await _hold(number, 10_000)
    la = await _ledger(number)
    gl = await gl_account_id(GATEWAY_SETTLEMENT, "INR")
    with pytest.raises(DomainError) as wrong:
        await post_entry(_post_draft(la.id, gl, 9_999, hold_id))
    assert wrong.value.code is ErrorCode.HOLD_MISMATCH
    assert (await Hold.get(id=hold_id)).status == HoldStatus.PENDING
    assert (await _ledger(number)).held_minor == 10_000


async def test_void_releases_once_and_a_posting_after_it_is_refused(db: str) -> None:
    await small_bank()
    number = await make_account("SB0", deposit="100.00")
    hold_id = await _hold(number, 10_000)
    assert (await void_hold(hold_id=hold_id)).held_minor == 0
    assert await void_hold(hold_id=hold_id) is None
    la = await _ledger(number)
    assert (la.balance_minor, la.held_minor) == (10_000, 0)
    gl = await gl_account_id(GATEWAY_SETTLEMENT, "INR")
    with pytest.raises(DomainError) as refused:
        await post_entry(_post_draft(la.id, gl, 10_000, hold_id))
    assert refused.value.code is ErrorCode.HOLD_NOT_PENDING


async def test_the_same_key_returns_the_same_hold_and_another_request_conflicts(db: str) -> None:
    await small_bank()
    number = await make_account("SB0", deposit="100.00")
    first = await _hold(number, 1_000, key="h-1")
    assert await _hold(number, 1_000, key="h-1") == first
    assert (await _ledger(number)).held_minor == 1_000
    with pytest.raises(DomainError) as conflict:
        await _hold(number, 2_000, key="h-1")
    assert conflict.value.code is ErrorCode.IDEMPOTENCY_CONFLICT


async def test_day_end_expiry_voids_only_holds_due_and_is_idempotent(db: str) -> None:
    await small_bank()
    number = await make_account("SB0", deposit="100.00")
    today = await business_date()
    due = await _hold(number, 1_000, expires_in_days=0)
    later = await _hold(number, 2_000, expires_in_days=2)
    forever = await _hold(number, 3_000, expires_in_days=None)
    assert await expire_holds(through=today) == 1
    assert await expire_holds(through=today) == 0
    statuses = {h.id: h.status for h in await Hold.all()}
    assert statuses == {due: HoldStatus.EXPIRED, later: HoldStatus.PENDING, forever: HoldStatus.PENDING}
    assert (await _ledger(number)).held_minor == 5_000
    assert (await verify_ledger()).ok


async def test_verify_notices_a_held_total_that_does_not_match(db: str) -> None:
    await small_bank()
    number = await make_account("SB0", deposit="100.00")
    await _hold(number, 1_000)
    await LedgerAccount.filter(code=number).update(held_minor=999)
    report = await verify_ledger()
    assert any("held total 999" in p for p in report.problems)


@pytest.mark.postgres
async def test_concurrent_holds_transfers_posts_and_voids_keep_floors_and_totals(db: str) -> None:
    # given: three accounts with tight floors, and a stream of holds, transfers, posts and voids at once
    await small_bank()
    accounts = [await make_account("SB", deposit="700.00") for _ in range(3)]  # 500.00 floor each
    ledger_ids = {n: (await _ledger(n)).id for n in accounts}
    gl = await gl_account_id(GATEWAY_SETTLEMENT, "INR")
    rng = random.Random(13)
    placed: list[tuple[int, int, int]] = []  # hold id, ledger id, amount

    async def hold_then_settle(number: str, amount: int, post: bool) -> str:
        try:
            hold_id = await _hold(number, amount)
        except DomainError as exc:
            assert exc.code in (ErrorCode.INSUFFICIENT_FUNDS, ErrorCode.MIN_BALANCE)
            return "refused"
        placed.append((hold_id, ledger_ids[number], amount))
        await asyncio.sleep(0)
        if post:
            posted, voided = await asyncio.gather(
                post_entry(_post_draft(ledger_ids[number], gl, amount, hold_id)),
                void_hold(hold_id=hold_id), return_exceptions=True)  # racing: exactly one wins
            post_won = not isinstance(posted, BaseException)
            assert post_won != (voided is not None), (posted, voided)
            if not post_won:
                assert isinstance(posted, DomainError) and posted.code is ErrorCode.HOLD_NOT_PENDING, posted
            return "raced"
        await void_hold(hold_id=hold_id)
        return "voided"

    async def transfer(payer: str, payee: str, amount: int) -> None:
        try:
            await transfer_funds(from_account_number=payer, to_account_number=payee, amount=inr(f"{amount / 100:.2f}"),
                                 initiator="load")
        except DomainError as exc:
            assert exc.code in (ErrorCode.INSUFFICIENT_FUNDS, ErrorCode.MIN_BALANCE)

    tasks = []
    for _ in range(120):
        a, b = rng.sample(accounts, 2)
        if rng.random() < 0.5:
            tasks.append(hold_then_settle(a, rng.randint(1_000, 9_000), rng.random() < 0.5))
        else:
            tasks.append(transfer(a, b, rng.randint(1_000, 9_000)))
    await asyncio.gather(*tasks)
    # then: no floor broken, every hold ended once, held totals and balances equal what postings say
    for number in accounts:
        la = await _ledger(number)
        assert la.balance_minor - la.held_minor >= la.floor_minor, number
    for hold_id, _, _ in placed:
        hold = await Hold.get(id=hold_id)
        posted = await JournalEntry.filter(posted_holds=hold_id).count() if hold.entry_id else 0
        assert hold.status in (HoldStatus.POSTED, HoldStatus.VOIDED)
        assert posted == (1 if hold.status == HoldStatus.POSTED else 0)
    report = await verify_ledger()
    assert report.ok, report.problems

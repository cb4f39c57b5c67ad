"""Group commit (bankcore.ledger.group_commit): batched transfers keep every guarantee of
post_entry, each entry with its own result. Both backends; the storm needs PostgreSQL's
real row locks to mean anything beyond SQLite's one writer."""

from __future__ import annotations

import asyncio
import random
from collections.abc import AsyncIterator

import pytest
import pytest_asyncio

from bankcore.errors import DomainError, ErrorCode
from bankcore.events import EntryPosted, broker
from bankcore.ledger.account_facts import account_facts
from bankcore.ledger.entry import EntryDraft, credit, debit, request_fingerprint
from bankcore.ledger.group_commit import GroupCommitSettings, group_committer
from bankcore.ledger.posting import PostedEntry
from bankcore.models import EntryType, JournalEntry, LedgerAccount, OutboxEvent
from bankcore.money import Money
from bankcore.services._lookup import get_account, get_accounts
from bankcore.services.money_movement import transfer_funds
from bankcore.verify import verify_ledger
from tests.ledger.factory import inr, make_account, small_bank

# Long enough that every transfer of a gather() joins the first batch; only these tests pay it.
GATHER_S = 0.02


@pytest_asyncio.fixture
async def grouped(db: str) -> AsyncIterator[None]:
    """transfer_funds through group commit on either backend, batches gathered for GATHER_S."""
    before = group_committer.settings
    group_committer.settings = GroupCommitSettings(enabled=True, window_s=GATHER_S, max_batch=64, max_inflight=1)
    await small_bank()
    try:
        yield
    finally:
        await group_committer.drain()
        group_committer.settings = before


async def draft(payer: str, payee: str, amount: str, key: str | None = None) -> EntryDraft:
    """transfer_funds' entry, built before the gather so that every post joins one batch."""
    refs = await get_accounts({"from": payer, "to": payee})
    legs = (debit(refs["from"].ledger_account_id, inr(amount).amount_minor, "INR"),
            credit(refs["to"].ledger_account_id, inr(amount).amount_minor, "INR"))
    await account_facts({leg.ledger_account_id for leg in legs})
    return EntryDraft(entry_type=EntryType.TRANSFER, value_date=None, narration=f"Transfer {payer} to {payee}",
                      initiator="t", postings=legs, idempotency_key=key,
                      request_fingerprint=request_fingerprint({"from": payer, "to": payee, "amount": amount}))


async def post(entry: EntryDraft) -> PostedEntry | DomainError:
    try:
        return await group_committer.post(entry)
    except DomainError as exc:
        return exc


async def send(payer: str, payee: str, amount: str, key: str | None = None) -> PostedEntry | DomainError:
    return await post(await draft(payer, payee, amount, key))


async def batch(*entries: tuple[str, ...]) -> list[PostedEntry | DomainError]:
    drafts = [await draft(*e) for e in entries]
    return list(await asyncio.gather(*(post(d) for d in drafts)))


async def balance(number: str) -> int:
    return (await get_account(number)).balance_minor


async def test_one_refusal_in_a_batch_does_not_fail_the_others(grouped: None) -> None:
    a = await make_account("SB0", deposit="100.00")
    b = await make_account("SB0")
    c = await make_account("SB0", deposit="10.00")
    batches = group_committer.batches
    ledger_id = (await get_account(b)).ledger_account_id
    async with broker.subscribe(f"account:{ledger_id}") as events:
        # each A->B fits A's balance alone, not both: checked in order against the running balance
        results = await batch((a, b, "60.00"), (c, b, "50.00"), (a, b, "60.00"), (c, b, "4.00"))
        published = [events.get_nowait() for _ in range(events.qsize())]
    assert group_committer.batches == batches + 1, "all four in one batch"
    posted = [r for r in results if isinstance(r, PostedEntry)]
    refused = [r.code for r in results if isinstance(r, DomainError)]
    assert len(posted) == 2 and refused == [ErrorCode.INSUFFICIENT_FUNDS, ErrorCode.INSUFFICIENT_FUNDS]
    assert isinstance(results[3], PostedEntry)
    assert (await balance(a), await balance(b), await balance(c)) == (40_00, 64_00, 6_00)
    assert results[3].balances_minor[(await get_account(c)).ledger_account_id] == 6_00
    transfers = await JournalEntry.filter(entry_type=EntryType.TRANSFER).values_list("id", flat=True)
    assert sorted(transfers) == sorted(p.entry_id for p in posted)
    assert await OutboxEvent.filter(topic="entry.posted", ref_id__in=transfers).count() == 2
    assert sorted(e.entry_id for e in published if isinstance(e, EntryPosted)) == sorted(transfers)
    report = await verify_ledger()
    assert report.ok, report.problems


async def test_a_key_repeated_in_a_batch_and_across_batches_is_a_replay(grouped: None) -> None:
    a = await make_account("SB0", deposit="100.00")
    b = await make_account("SB0")
    first, again, other = await batch((a, b, "30.00", "k-1"), (a, b, "30.00", "k-1"), (a, b, "31.00", "k-1"))
    assert isinstance(first, PostedEntry) and not first.replayed
    assert isinstance(again, PostedEntry) and again.replayed and again.entry_id == first.entry_id
    assert isinstance(other, DomainError) and other.code is ErrorCode.IDEMPOTENCY_CONFLICT
    later, conflict = await batch((a, b, "30.00", "k-1"), (a, b, "1.00", "k-1"))
    assert isinstance(later, PostedEntry) and later.replayed and later.entry_id == first.entry_id
    assert isinstance(conflict, DomainError) and conflict.code is ErrorCode.IDEMPOTENCY_CONFLICT
    assert await balance(a) == 70_00
    assert await JournalEntry.filter(idempotency_key="k-1").count() == 1


async def test_a_refused_entry_leaves_its_key_free(grouped: None) -> None:
    a = await make_account("SB0", deposit="10.00")
    b = await make_account("SB0")
    refused, retried = await batch((a, b, "50.00", "k-2"), (a, b, "5.00", "k-3"))
    assert isinstance(refused, DomainError) and refused.code is ErrorCode.INSUFFICIENT_FUNDS
    assert isinstance(retried, PostedEntry)
    assert isinstance(await send(a, b, "5.00", "k-2"), PostedEntry), "nothing was stored under the refused key"


async def test_a_waiter_cancelled_before_its_batch_posts_nothing(grouped: None) -> None:
    a = await make_account("SB0", deposit="100.00")
    b = await make_account("SB0")
    kept = asyncio.ensure_future(post(await draft(a, b, "10.00")))
    dropped = asyncio.ensure_future(post(await draft(a, b, "20.00")))
    await asyncio.sleep(0)  # both queued, the batch still gathering
    dropped.cancel()
    assert isinstance(await kept, PostedEntry)
    with pytest.raises(asyncio.CancelledError):
        await dropped
    await group_committer.drain()
    assert await balance(a) == 90_00
    assert (await verify_ledger()).ok


async def test_a_batch_that_fails_whole_is_posted_entry_by_entry(grouped: None) -> None:
    """A key taken behind the batch's back (another process) surfaces as a constraint error
    at the insert: every entry is then posted alone and gets its own answer."""
    from bankcore.ledger import group_commit_batch

    a = await make_account("SB0", deposit="100.00")
    b = await make_account("SB0")
    real = group_commit_batch._keys_and_ids

    async def blind(conn, keys, count):  # noqa: ANN001, ANN202 - sees no stored key, as a racing process would
        _, ids = await real(conn, keys, count)
        return {}, ids

    first = await send(a, b, "10.00", "k-4")
    group_commit_batch._keys_and_ids = blind
    try:
        replay, fresh = await batch((a, b, "10.00", "k-4"), (a, b, "5.00", "k-5"))
    finally:
        group_commit_batch._keys_and_ids = real
    assert isinstance(first, PostedEntry) and isinstance(replay, PostedEntry) and isinstance(fresh, PostedEntry)
    assert replay.replayed and replay.entry_id == first.entry_id and not fresh.replayed
    assert await balance(a) == 85_00
    assert (await verify_ledger()).ok


async def test_a_storm_of_batched_transfers_keeps_floors_and_books(grouped: None) -> None:
    group_committer.settings = GroupCommitSettings(enabled=True, window_s=0.0, max_batch=16, max_inflight=2)
    accounts = [await make_account("SB", deposit="600.00") for _ in range(2)]
    accounts += [await make_account("SB0", deposit="300.00") for _ in range(3)]
    before = sum(a.balance_minor for a in await LedgerAccount.filter(code__in=accounts))
    rng = random.Random(20261130)
    plan = [(*rng.sample(accounts, 2), Money(rng.randint(1, 15_000), "INR"), f"s-{i % 150}") for i in range(200)]
    batches = group_committer.batches

    async def attempt(payer: str, payee: str, amount: Money, key: str) -> PostedEntry | DomainError:
        try:
            return await transfer_funds(from_account_number=payer, to_account_number=payee, amount=amount,
                                        initiator="storm", idempotency_key=key)
        except DomainError as exc:
            assert exc.code in (ErrorCode.INSUFFICIENT_FUNDS, ErrorCode.MIN_BALANCE, ErrorCode.IDEMPOTENCY_CONFLICT), exc
            return exc

    outcomes = await asyncio.gather(*(attempt(*p) for p in plan))
    posted = {o.entry_id for o in outcomes if isinstance(o, PostedEntry)}
    assert 0 < group_committer.batches - batches < len(plan), "transfer_funds went through group commit, batched"
    assert 0 < len(posted) < 150
    after = await LedgerAccount.filter(code__in=accounts)
    assert all(a.balance_minor >= a.floor_minor for a in after), "a floor was crossed"
    assert sum(a.balance_minor for a in after) == before
    assert await JournalEntry.filter(initiator="storm").count() == len(posted)
    report = await verify_ledger()
    assert report.ok, report.problems


async def test_group_commit_is_on_by_default_for_postgresql_only(db: str) -> None:
    from tortoise.connection import get_connection

    from bankcore.ledger.group_commit import GroupCommitter

    postgres = get_connection("default").capabilities.dialect == "postgres"
    assert GroupCommitter(GroupCommitSettings()).enabled() is postgres
    assert GroupCommitter(GroupCommitSettings(enabled=False)).enabled() is False

"""Many transfers at once among a handful of accounts (PostgreSQL: real row locks)."""

from __future__ import annotations

import asyncio
import random

import pytest

from bankcore.errors import DomainError, ErrorCode
from bankcore.models import EntryType, JournalEntry, LedgerAccount
from bankcore.money import Money
from bankcore.services.money_movement import transfer_funds
from bankcore.verify import verify_ledger
from tests.ledger.factory import inr, make_account, small_bank

TRANSFERS = 240


@pytest.mark.postgres
async def test_concurrent_transfers_keep_floors_and_conserve_money(db: str) -> None:
    await small_bank()
    # Two accounts with a 500.00 minimum balance, three without: floors are tight.
    accounts = [await make_account("SB", deposit="600.00") for _ in range(2)]
    accounts += [await make_account("SB0", deposit="300.00") for _ in range(3)]
    ledger = {a.code: a for a in await LedgerAccount.filter(code__in=accounts)}
    total_before = sum(a.balance_minor for a in ledger.values())
    rng = random.Random(20261121)
    plan = []
    for _ in range(TRANSFERS):
        payer, payee = rng.sample(accounts, 2)
        plan.append((payer, payee, Money(rng.randint(1, 15_000), "INR")))

    async def attempt(payer: str, payee: str, amount: Money) -> bool:
        try:
            await transfer_funds(from_account_number=payer, to_account_number=payee, amount=amount, initiator="load")
            return True
        except DomainError as exc:
            assert exc.code in (ErrorCode.INSUFFICIENT_FUNDS, ErrorCode.MIN_BALANCE), exc
            return False

    outcomes = await asyncio.gather(*(attempt(*p) for p in plan))
    succeeded = sum(outcomes)
    assert 0 < succeeded < TRANSFERS, "the plan should exercise both outcomes"
    after = {a.code: a for a in await LedgerAccount.filter(code__in=accounts)}
    for code, account in after.items():
        assert account.balance_minor >= account.floor_minor, f"{code} went below its floor"
    assert sum(a.balance_minor for a in after.values()) == total_before
    assert await JournalEntry.filter(entry_type=EntryType.TRANSFER).count() == succeeded
    report = await verify_ledger()
    assert report.ok, report.problems


async def test_sequential_oversubscription_is_refused(db: str) -> None:
    """The same rule without concurrency, so SQLite runs it too."""
    await small_bank()
    a = await make_account("SB0", deposit="10.00")
    b = await make_account("SB0")
    results = []
    for _ in range(4):
        try:
            await transfer_funds(from_account_number=a, to_account_number=b, amount=inr("3.00"), initiator="t")
            results.append(True)
        except DomainError:
            results.append(False)
    assert results == [True, True, True, False]

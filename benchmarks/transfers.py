"""Benchmark (b): the transfer service on PostgreSQL next to the same transaction in raw asyncpg.

Both sides do the same work per transfer: resolve two account numbers, then in one
transaction lock the two members' accounts in id order (FOR UPDATE), look up the
idempotency key, check status and floor, insert the journal entry and two postings and
write both cached balances. Both run N concurrent tasks on a pool of the same size, on
uvloop, against the same fresh database. Prints transfers/s for each and the ratio.

    python -m benchmarks.transfers [--transfers 4000] [--concurrency 8] [--accounts 200]

Creates and drops its own database on $COOPBANK_BENCH_PG (default postgres://postgres@127.0.0.1:5432).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import time
import uuid
from datetime import UTC, date, datetime

import asyncpg
import uvloop
from tortoise import Tortoise

from bankcore.db import DEFAULT_PG_POOL_MAX, migrate_database, tortoise_config
from bankcore.events import LEDGER_CHANNEL, encode_ledger_events
from bankcore.chart import CLEARING
from bankcore.ledger.entry import EntryDraft, credit, debit
from bankcore.ledger.posting import post_entry
from bankcore.models import Branch, EntryType, HolderRole, ProductKind
from bankcore.money import Money
from bankcore.services.accounts import create_product, open_account
from bankcore.services._lookup import gl_account_id
from bankcore.services.members import register_member, verify_kyc
from bankcore.services.money_movement import transfer_funds

SERVER = os.environ.get("COOPBANK_BENCH_PG", "postgres://postgres@127.0.0.1:5432")


async def setup_bank(accounts: int) -> list[str]:
    await Branch.create(code="001", name="Bench branch")
    await create_product(code="SB", name="Savings", kind=ProductKind.SAVINGS, currency="INR", min_balance_minor=0)
    numbers = []
    for i in range(accounts):
        member = await register_member(full_name=f"Bench member {i}", branch_code="001")
        await verify_kyc(member_number=member.member_number)
        account = await open_account(product_code="SB", holders=[(member.member_number, HolderRole.OWNER)])
        await _fund(account.ledger_account_id, 10**10)
        numbers.append(account.number)
    return numbers


async def _fund(ledger_account_id: int, amount_minor: int) -> None:
    """Opening funds as an inward transfer through clearing: a cash deposit this large needs a
    PAN and breaks the s.269ST cash limit (bankcore.counter.rules)."""
    clearing = await gl_account_id(CLEARING, "INR")
    await post_entry(EntryDraft(
        entry_type=EntryType.INWARD_TRANSFER, value_date=None, narration="Opening funds (bench)", initiator="bench",
        postings=(debit(clearing, amount_minor, "INR"), credit(ledger_account_id, amount_minor, "INR")),
    ))


def plan(numbers: list[str], count: int, seed: int) -> list[tuple[str, str, int, str]]:
    rng = random.Random(seed)
    return [(*rng.sample(numbers, 2), rng.randint(1, 100_000), uuid.uuid4().hex) for _ in range(count)]


async def run_workers(work: list, concurrency: int, fn) -> float:
    queue: asyncio.Queue = asyncio.Queue()
    for item in work:
        queue.put_nowait(item)

    async def worker() -> None:
        while not queue.empty():
            await fn(*queue.get_nowait())

    start = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return time.perf_counter() - start


async def service_transfer(payer: str, payee: str, amount_minor: int, key: str) -> None:
    await transfer_funds(
        from_account_number=payer, to_account_number=payee, amount=Money(amount_minor, "INR"),
        initiator="bench", idempotency_key=key,
    )


def raw_transfer_factory(pool: asyncpg.Pool):
    async def raw_transfer(payer: str, payee: str, amount_minor: int, key: str) -> None:
        async with pool.acquire() as conn:
            rows = await conn.fetch(
                "SELECT a.number, a.ledger_account_id, la.currency FROM account a "
                "JOIN ledger_account la ON la.id = a.ledger_account_id WHERE a.number = ANY($1::text[])",
                [payer, payee],
            )
            ids = {r["number"]: r["ledger_account_id"] for r in rows}
            debit_id, credit_id = ids[payer], ids[payee]
            async with conn.transaction():
                locked = await conn.fetch(
                    "SELECT la.id, la.balance_minor, la.floor_minor, a.status FROM ledger_account la "
                    "LEFT JOIN account a ON a.ledger_account_id = la.id WHERE la.id = ANY($1::bigint[]) "
                    "ORDER BY la.id FOR UPDATE OF la",
                    sorted((debit_id, credit_id)),
                )
                if await conn.fetchval("SELECT id FROM journal_entry WHERE idempotency_key = $1", key):
                    return
                state = {r["id"]: r for r in locked}
                new_debit = state[debit_id]["balance_minor"] - amount_minor
                if state[debit_id]["status"] != "active" or new_debit < (state[debit_id]["floor_minor"] or 0):
                    raise RuntimeError("refused")
                new_credit = state[credit_id]["balance_minor"] + amount_minor
                today = date.today()
                entry_id = await conn.fetchval(
                    "INSERT INTO journal_entry (entry_type, value_date, posted_at, narration, initiator, "
                    "idempotency_key, request_fingerprint) VALUES ('transfer', $1, $2, $3, 'bench', $4, $5) RETURNING id",
                    today, datetime.now(UTC), f"Transfer {payer} to {payee}", key, key,
                )
                await conn.execute(
                    "INSERT INTO posting (entry_id, ledger_account_id, side, amount_minor, currency, value_date) "
                    "VALUES ($1, $2, 'D', $4, 'INR', $5), ($1, $3, 'C', $4, 'INR', $5)",
                    entry_id, debit_id, credit_id, amount_minor, today,
                )
                # Same statement as the service: balances and the cross-instance NOTIFY.
                payload = encode_ledger_events(
                    entry_id=entry_id, entry_type="transfer", value_date=today,
                    ledger_account_ids=tuple(sorted((debit_id, credit_id))),
                    balances={debit_id: (new_debit, "INR"), credit_id: (new_credit, "INR")},
                )
                await conn.execute(
                    "WITH updated AS (UPDATE ledger_account AS la SET balance_minor = v.balance "
                    "FROM unnest($1::bigint[], $2::bigint[]) AS v(id, balance) WHERE la.id = v.id RETURNING 1) "
                    "SELECT pg_notify($3, $4)",
                    [debit_id, credit_id], [new_debit, new_credit], LEDGER_CHANNEL, payload,
                )

    return raw_transfer


async def main(args: argparse.Namespace) -> None:
    name = f"coopbank_bench_transfers_{os.getpid()}"
    admin = await asyncpg.connect(SERVER.replace("postgres://", "postgresql://", 1) + "/postgres")
    await admin.execute(f'CREATE DATABASE "{name}"')
    url = f"{SERVER}/{name}"
    try:
        await migrate_database(url)
        await Tortoise.init(config=tortoise_config(url))
        numbers = await setup_bank(args.accounts)
        # Warm both paths, then measure each once, service first then raw.
        await run_workers(plan(numbers, 200, 1), args.concurrency, service_transfer)
        service_s = await run_workers(plan(numbers, args.transfers, 2), args.concurrency, service_transfer)
        pool = await asyncpg.create_pool(url.replace("postgres://", "postgresql://", 1),
                                         min_size=DEFAULT_PG_POOL_MAX, max_size=DEFAULT_PG_POOL_MAX)
        raw = raw_transfer_factory(pool)
        await run_workers(plan(numbers, 200, 3), args.concurrency, raw)
        raw_s = await run_workers(plan(numbers, args.transfers, 4), args.concurrency, raw)
        await pool.close()
        service_tps = args.transfers / service_s
        raw_tps = args.transfers / raw_s
        print(f"transfers: {args.transfers}, concurrency: {args.concurrency}, accounts: {args.accounts}, "
              f"pool: {DEFAULT_PG_POOL_MAX}")
        print(f"service (bankcore.transfer_funds over Tortoise): {service_tps:8.0f} transfers/s")
        print(f"raw asyncpg, same transaction:                  {raw_tps:8.0f} transfers/s")
        print(f"service / raw: {service_tps / raw_tps:.0%}")
    finally:
        await Tortoise.close_connections()
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--transfers", type=int, default=4000)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--accounts", type=int, default=200)
    uvloop.run(main(parser.parse_args()))

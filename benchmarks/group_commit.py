"""Benchmark: the transfer service with and without group commit, 8, 32 and 128 clients, one run.

On one fresh PostgreSQL database with 200 funded savings accounts, N concurrent clients
each call ``bankcore.services.money_movement.transfer_funds`` (random pairs, a fresh
idempotency key each) in a loop for a fixed number of transfers; for every N the same
plan runs once with group commit off (``post_entry``, one transaction per transfer) and
once on (``bankcore.ledger.group_commit``), in alternating order, on uvloop and one pool.
Prints transfers/s, p50/p99 latency per transfer, the mean batch size, and the ratio.
Committed transfers are counted in the database.

    python -m benchmarks.group_commit [--transfers 3000] [--clients 8,32,128] [--accounts 200]
                                      [--window-us 1000] [--max-batch 128] [--inflight 2]

Creates and drops its own database on $COOPBANK_BENCH_PG (default postgres://postgres@127.0.0.1:5432).
The machine's other work shows in the figures: the load average is printed with them.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import time
import uuid

import asyncpg
import uvloop
from tortoise import Tortoise
from tortoise.connection import get_connection

from bankcore.db import DEFAULT_PG_POOL_MAX, migrate_database, tortoise_config
from bankcore.ledger.group_commit import GroupCommitSettings, group_committer
from bankcore.money import Money
from bankcore.services.money_movement import transfer_funds
from benchmarks.transfers import setup_bank

SERVER = os.environ.get("COOPBANK_BENCH_PG", "postgres://postgres@127.0.0.1:5432")


def plan(numbers: list[str], count: int, seed: int) -> list[tuple[str, str, int, str]]:
    rng = random.Random(seed)
    return [(*rng.sample(numbers, 2), rng.randint(1, 10_000), uuid.uuid4().hex) for _ in range(count)]


async def committed() -> int:
    rows = await get_connection("default").execute_query_dict(
        "SELECT count(*) AS n FROM journal_entry WHERE entry_type = 'transfer'", [])
    return int(rows[0]["n"])


async def run(work: list[tuple[str, str, int, str]], clients: int) -> tuple[float, list[float], int]:
    """(seconds, latencies, committed transfers) for ``work`` spread over ``clients`` tasks."""
    queue = list(reversed(work))
    latencies: list[float] = []

    async def client() -> None:
        while queue:
            payer, payee, amount, key = queue.pop()
            start = time.perf_counter()
            await transfer_funds(from_account_number=payer, to_account_number=payee, amount=Money(amount, "INR"),
                                 initiator="bench", idempotency_key=key)
            latencies.append(time.perf_counter() - start)

    before = await committed()
    start = time.perf_counter()
    await asyncio.gather(*(client() for _ in range(clients)))
    seconds = time.perf_counter() - start
    return seconds, latencies, await committed() - before


def _ms(latencies: list[float], q: float) -> float:
    ordered = sorted(latencies)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000


async def main(args: argparse.Namespace) -> None:
    name = f"coopbank_bench_group_commit_{os.getpid()}"
    admin = await asyncpg.connect(SERVER.replace("postgres://", "postgresql://", 1) + "/postgres")
    await admin.execute(f'CREATE DATABASE "{name}"')
    url = f"{SERVER}/{name}"
    on = GroupCommitSettings(enabled=True, window_s=args.window_us / 1_000_000, max_batch=args.max_batch,
                             max_inflight=args.inflight)
    off = GroupCommitSettings(enabled=False)
    try:
        await migrate_database(url)
        await Tortoise.init(config=tortoise_config(url))
        numbers = await setup_bank(args.accounts)
        for settings in (off, on):  # warm both paths: prepared statements, caches
            group_committer.settings = settings
            await run(plan(numbers, 300, 0), 8)
        print(f"transfers per run: {args.transfers}, accounts: {args.accounts}, pool: {DEFAULT_PG_POOL_MAX}, "
              f"group commit: window {args.window_us} us, max batch {args.max_batch}, {args.inflight} in flight")
        print(f"load average before: {os.getloadavg()[0]:.2f}")
        print(f"{'clients':>7} | {'off tr/s':>9} {'p50 ms':>7} {'p99 ms':>7} | {'on tr/s':>9} {'p50 ms':>7} "
              f"{'p99 ms':>7} {'batch':>6} | on/off")
        seed = 1
        for clients in args.clients:
            figures = {}
            order = [("off", off), ("on", on)] if clients % 2 == 0 else [("on", on), ("off", off)]
            for label, settings in order:
                group_committer.settings = settings
                batches, entries = group_committer.batches, group_committer.entries
                seed += 1
                seconds, latencies, count = await run(plan(numbers, args.transfers, seed), clients)
                assert count == args.transfers, f"{count} of {args.transfers} transfers committed"
                mean_batch = (group_committer.entries - entries) / max(1, group_committer.batches - batches)
                figures[label] = (count / seconds, _ms(latencies, 0.5), _ms(latencies, 0.99), mean_batch)
            (off_tps, off_p50, off_p99, _), (on_tps, on_p50, on_p99, batch) = figures["off"], figures["on"]
            print(f"{clients:>7} | {off_tps:>9.0f} {off_p50:>7.1f} {off_p99:>7.1f} | {on_tps:>9.0f} {on_p50:>7.1f} "
                  f"{on_p99:>7.1f} {batch:>6.1f} | {on_tps / off_tps:.2f}")
        print(f"load average after: {os.getloadavg()[0]:.2f} (other processes on the machine share its 2 cores)")
    finally:
        await Tortoise.close_connections()
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--transfers", type=int, default=3000)
    parser.add_argument("--clients", type=lambda s: [int(x) for x in s.split(",")], default=[8, 32, 128])
    parser.add_argument("--accounts", type=int, default=200)
    parser.add_argument("--window-us", type=int, default=1000)
    parser.add_argument("--max-batch", type=int, default=128)
    parser.add_argument("--inflight", type=int, default=2)
    uvloop.run(main(parser.parse_args()))

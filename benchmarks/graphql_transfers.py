"""Benchmark: the transferFunds mutation over HTTP on loopback, next to the service it calls.

In one run, on one fresh PostgreSQL database: (1) the transfer service in-process with
N concurrent tasks, (2) a real `coopbank serve` process taking the transferFunds
mutation from N concurrent keep-alive HTTP connections. The load comes from `wrk`
(Debian package `wrk`: a C load generator, so the client does not eat the server's CPU
on a 2-core machine) for ``--seconds``; without wrk, from httpx for ``--transfers``
requests. Prints transfers/s for both, p50/p99 latency over HTTP, and the ratio.

    python -m benchmarks.graphql_transfers [--transfers 3000] [--concurrency 8] [--accounts 200] [--seconds 10]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import statistics
import subprocess
import sys
import time
import uuid

import asyncpg
import httpx
import uvloop
from tortoise import Tortoise

from bankcore.db import migrate_database, tortoise_config
from bankcore.identity.clock import utcnow
from bankcore.identity.sessions import open_session
from bankcore.models import PrincipalKind, StaffRole, StaffUser
from benchmarks.transfers import plan, run_workers, service_transfer, setup_bank
from benchmarks.wrk import run_wrk, transfer_script

SERVER = os.environ.get("COOPBANK_BENCH_PG", "postgres://postgres@127.0.0.1:5432")
TRANSFER = """mutation T($input: TransferFundsInput!) { transferFunds(input: $input) { userErrors { code } } }"""


def start_server(url: str, port: int) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST")}
    # One cashier posts at full speed here: lift the per-principal query budget (README,
    # "Query cost limits") so the figure measures the ledger path, not the throttle.
    env.update(DATABASE_URL=url, COOPBANK_STORAGE_SECRET="bench", COOPBANK_QUERY_RESTORE_PER_S="1000000")
    proc = subprocess.Popen([sys.executable, "-m", "coopbank.cli", "serve", "--port", str(port), "--insecure-dev-keys"], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                return proc
        except httpx.HTTPError:
            time.sleep(0.2)
    proc.kill()
    raise RuntimeError("server did not start")


async def http_run(port: int, token: str, work: list, concurrency: int) -> tuple[float, list[float]]:
    latencies: list[float] = []
    queue: asyncio.Queue = asyncio.Queue()
    for item in work:
        queue.put_nowait(item)
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", limits=limits, timeout=30,
                                 headers={"authorization": f"Bearer {token}"}) as client:

        async def worker() -> None:
            while not queue.empty():
                payer, payee, amount_minor, key = queue.get_nowait()
                variables = {"input": {"fromAccountNumber": payer, "toAccountNumber": payee, "idempotencyKey": key,
                                       "amount": {"amount": f"{amount_minor // 100}.{amount_minor % 100:02d}", "currency": "INR"}}}
                started = time.perf_counter()
                response = await client.post("/graphql", json={"query": TRANSFER, "variables": variables})
                latencies.append(time.perf_counter() - started)
                body = response.json()
                if body.get("errors") or body["data"]["transferFunds"]["userErrors"]:
                    raise RuntimeError(f"transfer refused: {body}")

        start = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        return time.perf_counter() - start, latencies


async def main(args: argparse.Namespace) -> None:
    name = f"coopbank_bench_graphql_{os.getpid()}"
    admin = await asyncpg.connect(SERVER.replace("postgres://", "postgresql://", 1) + "/postgres")
    await admin.execute(f'CREATE DATABASE "{name}"')
    url = f"{SERVER}/{name}"
    proc = None
    try:
        await migrate_database(url)
        await Tortoise.init(config=tortoise_config(url))
        numbers = await setup_bank(args.accounts)
        cashier = await StaffUser.create(username="bench-cashier", full_name="Bench", role=StaffRole.CASHIER,
                                         password_hash="unused", active=True)
        token = (await open_session(kind=PrincipalKind.STAFF, principal_id=cashier.id, now=utcnow())).token
        await run_workers(plan(numbers, 200, 1), args.concurrency, service_transfer)
        service_s = await run_workers(plan(numbers, args.transfers, 2), args.concurrency, service_transfer)
        port = 18000 + os.getpid() % 1000
        proc = start_server(url, port)
        await http_run(port, token, [(*p[:3], uuid.uuid4().hex) for p in plan(numbers, 200, 3)], args.concurrency)
        service_tps = args.transfers / service_s
        if shutil.which("wrk"):
            http_tps, p50, p99 = run_wrk(f"http://127.0.0.1:{port}/graphql", transfer_script(numbers, token, seed=os.getpid()),
                                         args.concurrency, args.seconds)
            client = f"wrk, {args.seconds} s"
        else:
            http_s, latencies = await http_run(port, token, plan(numbers, args.transfers, 4), args.concurrency)
            q = statistics.quantiles(latencies, n=100)
            http_tps, p50, p99 = args.transfers / http_s, q[49] * 1000, q[98] * 1000
            client = f"httpx, {args.transfers} requests (install wrk for a client that leaves the CPU to the server)"
        print(f"concurrency: {args.concurrency}, accounts: {args.accounts}, HTTP load from {client}")
        print(f"service in-process ({args.transfers} transfers): {service_tps:8.0f} transfers/s")
        print(f"transferFunds over HTTP:            {http_tps:8.0f} transfers/s  p50 {p50:.1f} ms  p99 {p99:.1f} ms")
        print(f"HTTP / service: {http_tps / service_tps:.0%}")
    finally:
        if proc is not None:
            proc.terminate()
            proc.wait(timeout=10)
        await Tortoise.close_connections()
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--transfers", type=int, default=3000)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--accounts", type=int, default=200)
    parser.add_argument("--seconds", type=int, default=10, help="wrk duration")
    uvloop.run(main(parser.parse_args()))

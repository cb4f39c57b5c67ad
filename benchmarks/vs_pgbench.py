"""Benchmark: the bank over HTTP against PostgreSQL's own pace, in one run, printed as ratios.

On one fresh PostgreSQL database with 200 funded savings accounts:

1. **Transfers.** ``pgbench`` runs a transfer-shaped transaction on the bank's own tables
   (random pair among the 200 accounts: lock both ledger accounts in id order, one
   journal row, two postings, two cached-balance updates) from 8 connections; then ``wrk``
   posts ``transferFunds`` (random pairs, 8 keep-alive connections, a cashier's bearer
   token) to a real ``coopbank serve`` process. Both figures are committed transfers
   counted in the database (rows added during the run / its seconds).
2. **The member read.** ``pgbench`` reads a member's account and a page of 20 statement
   lines with running balances in raw SQL (the holder check, the account, the opening
   balance, the lines); ``wrk`` sends the member portal's own ``AccountHistory`` operation
   (``ui/pages/member/account.py``, ``first: 20``) with the member's token.

Both load generators are C programs, so the client takes as little of the machine's CPU
as possible; client, server and PostgreSQL share the machine all the same, so the load
average is printed with the figures (``pgbench`` and ``wrk`` are the same kind of client),
and so is the server's own CPU time per transfer and per read (its process and children,
from ``/proc``), which the machine's other work does not change much.

Since issue 15 item 4, ``transferFunds`` is sent as the member portal's own ``TransferFunds``
document (a trusted document, ``graphql_api/trusted.py``), like the member read; ``--executors
generic,trusted`` measures the HTTP half twice in one run, with a server that runs every
document through graphql-core (``COOPBANK_FAST_EXECUTORS=off``) and with one that runs the
trusted documents on their dedicated executors.

    python -m benchmarks.vs_pgbench [--seconds 8] [--connections 8] [--accounts 200] [--api-workers N]
                                    [--executors generic,trusted]

Needs ``pgbench`` (PostgreSQL's client packages) and ``wrk`` (Debian ``apt-get install wrk``).
Creates and drops its own database on $COOPBANK_BENCH_PG (default postgres://postgres@127.0.0.1:5432).
"""

from __future__ import annotations

import argparse
import glob
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time

import asyncpg
import httpx
import uvloop
from tortoise import Tortoise

from bankcore.db import migrate_database, tortoise_config
from bankcore.identity.clock import utcnow
from bankcore.identity.sessions import open_session
from bankcore.models import Account, AccountHolder, PrincipalKind, StaffRole, StaffUser
from bankcore.money import Money
from bankcore.services.money_movement import deposit_cash
from benchmarks.transfers import setup_bank
from benchmarks.wrk import run_wrk, transfer_script

SERVER = os.environ.get("COOPBANK_BENCH_PG", "postgres://postgres@127.0.0.1:5432")
FROM_DATE, TO_DATE = "1900-01-01", "2999-12-31"
READER_LINES = 25  # the member's account holds more lines than one page of 20

PGBENCH_TRANSFER = """\\set i random(1, {accounts})
\\set j random(1, {accounts_less_one})
\\set j case when :j >= :i then :j + 1 else :j end
\\set amount random(1, 100000)
BEGIN;
SELECT la.id, la.balance_minor, la.floor_minor, a.status FROM ledger_account la
  JOIN account a ON a.ledger_account_id = la.id
  WHERE a.number IN (SELECT number FROM bench_pair WHERE n IN (:i, :j)) ORDER BY la.id FOR UPDATE OF la;
INSERT INTO journal_entry (entry_type, value_date, posted_at, narration, initiator, idempotency_key, request_fingerprint)
  VALUES ('transfer', CURRENT_DATE, now(), 'pgbench transfer', 'pgbench', 'pgb-' || :client_id || '-' || txid_current(), 'x')
  RETURNING id AS entry_id \\gset
INSERT INTO posting (entry_id, ledger_account_id, side, amount_minor, currency, value_date)
  SELECT :entry_id, b.ledger_account_id, CASE WHEN b.n = :i THEN 'D' ELSE 'C' END, (:amount)::bigint, 'INR', CURRENT_DATE
  FROM bench_pair b WHERE b.n IN (:i, :j);
UPDATE ledger_account la SET balance_minor = la.balance_minor + CASE WHEN b.n = :i THEN -(:amount)::bigint ELSE (:amount)::bigint END
  FROM bench_pair b WHERE la.id = b.ledger_account_id AND b.n IN (:i, :j);
END;
"""

# The AccountHistory operation's data in raw SQL: the member holds the account; the account
# and its product; the opening balance; 20 lines with running balances.
PGBENCH_MEMBER_READ = """SELECT a.id, a.number, a.status, a.opened_on, la.currency, la.balance_minor, la.held_minor, p.name, p.kind
  FROM account a JOIN account_holder h ON h.account_id = a.id AND h.member_id = {member_id}
  JOIN ledger_account la ON la.id = a.ledger_account_id JOIN product p ON p.id = a.product_id
  WHERE a.number = '{number}';
WITH opening AS (
  SELECT COALESCE(SUM(CASE WHEN side = 'C' THEN amount_minor ELSE -amount_minor END), 0) AS minor
  FROM posting WHERE ledger_account_id = {ledger_id} AND value_date < '{from_date}'
), page AS (
  SELECT p.id, p.entry_id, p.value_date, p.side, p.amount_minor, e.narration, e.entry_type
  FROM posting p JOIN journal_entry e ON e.id = p.entry_id
  WHERE p.ledger_account_id = {ledger_id} AND p.value_date BETWEEN '{from_date}' AND '{to_date}'
  ORDER BY p.value_date, p.id LIMIT 21
)
SELECT page.*, opening.minor + SUM(CASE WHEN side = 'C' THEN amount_minor ELSE -amount_minor END)
  OVER (ORDER BY value_date, id) AS running_minor
FROM page, opening ORDER BY value_date, id;
"""

WRK_READ = """
local body = %(body)s
request = function()
  return wrk.format("POST", "/graphql", {["content-type"] = "application/json", ["authorization"] = "Bearer %(token)s"}, body)
end
response = function(status, headers, body)
  if status ~= 200 or string.find(body, '"errors"') then error("read failed: " .. body) end
end
"""


def pgbench_path() -> str:
    found = shutil.which("pgbench") or next(iter(sorted(glob.glob("/usr/lib/postgresql/*/bin/pgbench"), reverse=True)), None)
    if not found:
        sys.exit("pgbench not found: install PostgreSQL's client programs (Debian: postgresql-contrib or postgresql-client)")
    return found


def load_average() -> str:
    one, five, _ = os.getloadavg()
    return f"{one:.2f} (1 min), {five:.2f} (5 min) on {os.cpu_count()} cores"


def run_pgbench(dsn: str, script: str, connections: int, seconds: int) -> float:
    """Transactions per second as pgbench reports them (without connection time)."""
    with tempfile.NamedTemporaryFile("w", suffix=".sql", delete=False) as f:
        f.write(script)
    try:
        out = subprocess.run(
            [pgbench_path(), "-n", "-M", "prepared", "-c", str(connections), "-j", str(min(connections, 2)),
             "-T", str(seconds), "-f", f.name, dsn],
            capture_output=True, text=True, check=False,
        )
    finally:
        os.unlink(f.name)
    if out.returncode != 0:
        raise RuntimeError(out.stdout + out.stderr)
    failed = re.search(r"number of failed transactions: (\d+)", out.stdout)
    if failed and int(failed.group(1)):
        raise RuntimeError(out.stdout)
    return float(re.search(r"tps = ([\d.]+)", out.stdout).group(1))


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of process ``pid`` and its descendants (Linux ``/proc``): what a
    request costs the server, whatever share of the cores the machine's other work leaves it."""
    tick = os.sysconf("SC_CLK_TCK")
    parents: dict[int, int] = {}
    times: dict[int, float] = {}
    for stat in glob.glob("/proc/[0-9]*/stat"):
        try:
            with open(stat) as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        child = int(stat.split("/")[2])
        parents[child] = int(fields[1])
        times[child] = (int(fields[11]) + int(fields[12])) / tick
    total, todo = 0.0, [pid]
    while todo:
        current = todo.pop()
        total += times.get(current, 0.0)
        todo += [c for c, parent in parents.items() if parent == current]
    return total


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def stop_server(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()


def start_server(url: str, api_workers: int, executors: str = "trusted") -> tuple[subprocess.Popen, str]:
    """A real ``coopbank serve``; returns the process and the URL of its /graphql (the API port
    when ``api_workers`` > 1). ``executors``: "trusted" (the app's own hottest documents on
    their dedicated executors) or "generic" (``COOPBANK_FAST_EXECUTORS=off``)."""
    port = free_port()
    api_port = free_port() if api_workers > 1 else port
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST")}
    # One cashier and one member at full speed: lift the per-principal query budget (README,
    # "Query cost limits") so the figures measure the request path, not the throttle.
    env.update(DATABASE_URL=url, COOPBANK_STORAGE_SECRET="bench", COOPBANK_QUERY_RESTORE_PER_S="1000000",
               COOPBANK_QUERY_BUDGET="1000000", COOPBANK_WORKER="off", COOPBANK_PAYOUT_POLLING="off",
               COOPBANK_FAST_EXECUTORS="off" if executors == "generic" else "on")
    command = [sys.executable, "-m", "coopbank.cli", "serve", "--port", str(port), "--insecure-dev-keys"]
    if api_workers > 1:
        command += ["--api-workers", str(api_workers), "--api-port", str(api_port)]
    proc = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 300  # a start takes minutes on a machine shared with test runs
    for check in {port, api_port}:
        while True:
            try:
                if httpx.get(f"http://127.0.0.1:{check}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                raise RuntimeError("server did not start")
            time.sleep(0.2)
    return proc, f"http://127.0.0.1:{api_port}/graphql"


async def committed_transfers(conn: asyncpg.Connection, *, by_pgbench: bool) -> int:
    """Transfer entries in the database, pgbench's or the bank's own."""
    return await conn.fetchval(
        "SELECT count(*) FROM journal_entry WHERE entry_type = 'transfer' AND (initiator = 'pgbench') = $1", by_pgbench)


async def main(args: argparse.Namespace) -> None:
    from graphql_api.schema import schema
    from graphql_api.trusted import trusted_registry

    # The member portal's own operations (ui/pages/member/), as the trusted-document manifest lists them.
    ACCOUNT_HISTORY = trusted_registry(schema).text_named("AccountHistory")  # noqa: N806
    TRANSFER_FUNDS = trusted_registry(schema).text_named("TransferFunds")  # noqa: N806

    pgbench_path()
    if not shutil.which("wrk"):
        sys.exit("wrk not found: apt-get install -y wrk")
    name = f"coopbank_bench_vs_pgbench_{os.getpid()}"
    admin = await asyncpg.connect(SERVER.replace("postgres://", "postgresql://", 1) + "/postgres")
    await admin.execute(f'CREATE DATABASE "{name}"')
    url = f"{SERVER}/{name}"
    dsn = url.replace("postgres://", "postgresql://", 1)
    proc = None
    try:
        print(f"load average before: {load_average()}")
        await migrate_database(url)
        await Tortoise.init(config=tortoise_config(url))
        numbers = await setup_bank(args.accounts + 1)
        reader_number, numbers = numbers[-1], numbers[:-1]
        for _ in range(READER_LINES - 1):
            await deposit_cash(account_number=reader_number, amount=Money(100, "INR"), initiator="bench")
        reader = await Account.get(number=reader_number)
        holder = await AccountHolder.get(account_id=reader.id)
        cashier = await StaffUser.create(username="bench-cashier", full_name="Bench", role=StaffRole.CASHIER,
                                         password_hash="unused", active=True)
        cashier_token = (await open_session(kind=PrincipalKind.STAFF, principal_id=cashier.id, now=utcnow())).token
        member_token = (await open_session(kind=PrincipalKind.MEMBER, principal_id=holder.member_id, now=utcnow())).token
        conn = await asyncpg.connect(dsn)
        await conn.execute("CREATE TABLE bench_pair (n int PRIMARY KEY, number text NOT NULL, ledger_account_id bigint NOT NULL)")
        await conn.executemany(
            "INSERT INTO bench_pair SELECT $1, number, ledger_account_id FROM account WHERE number = $2",
            list(enumerate(numbers, start=1)))
        await conn.execute("ANALYZE")

        # 1. PostgreSQL's own pace: the transfer, then the member read, in SQL
        seconds, connections = args.seconds, args.connections
        transfer_sql = PGBENCH_TRANSFER.format(accounts=len(numbers), accounts_less_one=len(numbers) - 1)
        before = await committed_transfers(conn, by_pgbench=True)
        started = time.perf_counter()
        pgbench_tps = run_pgbench(dsn, transfer_sql, connections, seconds)
        pg_counted = (await committed_transfers(conn, by_pgbench=True) - before) / (time.perf_counter() - started)

        read_sql = PGBENCH_MEMBER_READ.format(member_id=holder.member_id, number=reader_number,
                                              ledger_id=reader.ledger_account_id, from_date=FROM_DATE, to_date=TO_DATE)
        sql_reads = run_pgbench(dsn, read_sql, connections, seconds)
        load_pgbench = load_average()

        # 2. the same over HTTP, once per executor asked for (generic: every document through
        # graphql-core; trusted: the app's own documents on their dedicated executors)
        body = json.dumps({"query": ACCOUNT_HISTORY, "operationName": "AccountHistory",
                           "variables": {"number": reader_number, "fromDate": FROM_DATE, "toDate": TO_DATE, "first": 20}})
        wrk_read = WRK_READ % {"body": json.dumps(body), "token": member_token}
        workers = f"{args.api_workers} API worker processes" if args.api_workers > 1 else "one process"
        print(f"{connections} connections, {seconds} s each, {len(numbers)} accounts, server: coopbank serve, {workers}; "
              f"transfers send the member portal's TransferFunds document")
        print(f"{'pgbench transfer (counted)':34}{pg_counted:12.0f}    (pgbench says {pgbench_tps:.0f} tps)")
        print(f"{'member read, raw SQL (pgbench)':34}{sql_reads:12.0f}    load average: {load_pgbench}")
        for run, executors in enumerate(args.executors.split(",")):
            proc, graphql_url = start_server(url, args.api_workers, executors)
            # Each run its own idempotency keys: a key sent again is a replay, answered but not posted.
            wrk_transfer = transfer_script(numbers, cashier_token, seed=os.getpid() * 10 + run, query=TRANSFER_FUNDS)
            run_wrk(graphql_url, wrk_transfer.replace("wrk-", "warm-"), connections, 2)  # warm up the server
            before = await committed_transfers(conn, by_pgbench=False)
            started, cpu = time.perf_counter(), cpu_seconds(proc.pid)
            http_rps, p50, p99 = run_wrk(graphql_url, wrk_transfer, connections, seconds)
            transfer_cpu_ms = (cpu_seconds(proc.pid) - cpu) * 1000
            transfers_done = await committed_transfers(conn, by_pgbench=False) - before
            http_counted = transfers_done / (time.perf_counter() - started)
            load_transfers = load_average()

            check = httpx.post(graphql_url, content=body, headers={"content-type": "application/json",
                                                                    "authorization": f"Bearer {member_token}"}).json()
            assert len(check["data"]["account"]["statement"]["lines"]) == 20, check
            run_wrk(graphql_url, wrk_read, connections, 2)
            cpu = cpu_seconds(proc.pid)
            http_reads, read_p50, read_p99 = run_wrk(graphql_url, wrk_read, connections, seconds)
            read_cpu_ms = (cpu_seconds(proc.pid) - cpu) * 1000 / max(1.0, http_reads * seconds)
            stop_server(proc)
            proc = None

            print(f"-- executors: {executors}")
            print(f"{'':34}{'per second':>12}{'p50 ms':>9}{'p99 ms':>9}")
            print(f"{'transferFunds over HTTP (counted)':34}{http_counted:12.0f}{p50:9.1f}{p99:9.1f}   (wrk: {http_rps:.0f} req/s)")
            print(f"{'  ratio HTTP / pgbench':34}{http_counted / pg_counted:12.2f}   (target >= 0.30)")
            print(f"{'  server CPU per transfer':34}{transfer_cpu_ms / max(1, transfers_done):12.2f} ms")
            print(f"{'member read, AccountHistory HTTP':34}{http_reads:12.0f}{read_p50:9.1f}{read_p99:9.1f}")
            print(f"{'  ratio HTTP / raw SQL':34}{http_reads / sql_reads:12.2f}   (target >= 0.15)")
            print(f"{'  server CPU per read':34}{read_cpu_ms:12.2f} ms")
            print(f"load average after the transfers: {load_transfers}; after the reads: {load_average()}")
        await conn.close()
    finally:
        if proc is not None:
            stop_server(proc)
        await Tortoise.close_connections()
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=int, default=8, help="length of each measured run")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--accounts", type=int, default=200)
    parser.add_argument("--api-workers", type=int, default=1, help="serve --api-workers N (N > 1: separate API processes)")
    parser.add_argument("--executors", default="trusted",
                        help="comma-separated, each measured with its own server: trusted (default), generic "
                             "(COOPBANK_FAST_EXECUTORS=off: the before of issue 15 item 4)")
    uvloop.run(main(parser.parse_args()))

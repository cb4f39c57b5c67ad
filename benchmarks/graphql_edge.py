"""Benchmark: the GraphQL edge's changes, each before and after, side by side in one run.

On one fresh PostgreSQL database with ``--accounts`` accounts (one member holding a
statement of more than 20 lines), in-process (no HTTP, so the figures isolate each change):

1. **JSON**: encoding the member read's answer (``AccountHistory``, 20 lines) and decoding its
   request body, with the standard library's ``json`` (Strawberry's default) and with
   ``orjson`` (``graphql_api/http.py``).
2. **Dataloaders**: a staff page of accounts with product, branch and holders, one query per
   object (``Loaders(max_batch_size=1)``: what the resolvers did before) and batched.
3. **Pool reset**: the member's statement query from 8 tasks on a pool of 8, with asyncpg's
   reset query on every release (``asyncpg.Connection``) and without it
   (``bankcore.db.PooledConnection``).
4. **Trusted documents**: CPU time (this process's, so the machine's other work changes it
   little) per ``schema.execute`` of the member read (``AccountHistory``, 20 lines) and of
   ``transferFunds`` (the portal's ``TransferFunds``, a cashier's transfer between random
   accounts), three ways: graphql-core's generic executor with the eleven extensions one by
   one (before), with them merged into one (``graphql_api/merged_extension.py``), and merged
   with the trusted documents on their dedicated executors (``graphql_api/fast_exec/``);
   best of three rounds.

    python -m benchmarks.graphql_edge [--accounts 50] [--repeat 300]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import time
from datetime import date

import asyncpg
import orjson
import uvloop
from tortoise import Tortoise

# One member and one cashier at full speed: lift the per-principal query budget (README, "Query
# cost limits") before graphql_api.cost reads it, so the figures measure the executors, not the
# throttle (a fast enough executor spends a minute's budget within a round).
os.environ.setdefault("COOPBANK_QUERY_BUDGET", "100000000")
os.environ.setdefault("COOPBANK_QUERY_RESTORE_PER_S", "1000000")

from bankcore.db import PooledConnection, migrate_database, tortoise_config  # noqa: E402
from bankcore.models import Account, AccountHolder
from bankcore.money import Money
from bankcore.services.money_movement import deposit_cash
from benchmarks.transfers import SERVER, setup_bank
from graphql_api.context import Context
from graphql_api.dataloaders import Loaders
from graphql_api.schema import schema
from tests.api.helpers import FakeSessionPrincipal
from tests.api.round_trips import counting_round_trips

ACCOUNTS_PAGE = """query AccountsPage($first: Int!) { accounts(first: $first) { edges { node {
  number balance { amount currency } product { name kind } branch { code name } holders { role memberNumber fullName }
} } } }"""
STATEMENT_SQL = """WITH totals AS (SELECT COALESCE(SUM(CASE WHEN p.value_date < $1 THEN p.amount_minor ELSE 0 END), 0) AS opening,
  COALESCE(SUM(p.amount_minor), 0) AS closing FROM posting p WHERE p.ledger_account_id = $2 AND p.value_date <= $3),
page AS (SELECT p.id, p.entry_id, p.value_date, p.side, p.amount_minor, e.narration, e.entry_type FROM posting p
  JOIN journal_entry e ON e.id = p.entry_id WHERE p.ledger_account_id = $2 AND p.value_date >= $1 AND p.value_date <= $3
  ORDER BY p.value_date, p.id LIMIT 21)
SELECT * FROM totals t LEFT JOIN page ON true ORDER BY page.value_date, page.id"""


def per_call_us(fn, repeat: int) -> float:  # noqa: ANN001
    started = time.perf_counter()
    for _ in range(repeat):
        fn()
    return (time.perf_counter() - started) / repeat * 1e6


async def per_call_async_ms(fn, repeat: int) -> float:  # noqa: ANN001
    started = time.perf_counter()
    for _ in range(repeat):
        await fn()
    return (time.perf_counter() - started) / repeat * 1e3


def row(label: str, before: float, after: float, unit: str) -> None:
    print(f"{label:44}{before:12.1f}{after:12.1f}  {unit:14}{before / after:6.1f}x")


async def main(args: argparse.Namespace) -> None:
    from ui.pages.member.account import ACCOUNT_HISTORY

    name = f"coopbank_bench_edge_{os.getpid()}"
    admin = await asyncpg.connect(SERVER.replace("postgres://", "postgresql://", 1) + "/postgres")
    await admin.execute(f'CREATE DATABASE "{name}"')
    url = f"{SERVER}/{name}"
    try:
        await migrate_database(url)
        await Tortoise.init(config=tortoise_config(url))
        numbers = await setup_bank(args.accounts)
        for _ in range(24):
            await deposit_cash(account_number=numbers[0], amount=Money(100, "INR"), initiator="bench")
        reader = await Account.get(number=numbers[0])
        holder = await AccountHolder.get(account_id=reader.id)
        member = Context(principal=FakeSessionPrincipal(kind="member", id=holder.member_id, member_id=holder.member_id))
        clerk = FakeSessionPrincipal(kind="staff", id=1, role="clerk")
        variables = {"number": numbers[0], "fromDate": "1900-01-01", "toDate": "2999-12-31", "first": 20}
        result = await schema.execute(ACCOUNT_HISTORY, variable_values=variables, context_value=member)
        assert result.errors is None, result.errors
        print(f"{'':44}{'before':>12}{'after':>12}  {'unit':14}{'gain':>7}")

        # 1. JSON
        answer = {"data": result.data, "extensions": {"cost": {"requestedQueryCost": 22, "actualQueryCost": 22}}}
        body = json.dumps({"query": ACCOUNT_HISTORY, "operationName": "AccountHistory", "variables": variables})
        row("JSON: encode the member read's answer", per_call_us(lambda: json.dumps(answer, separators=(",", ":")).encode(), args.repeat * 10),
            per_call_us(lambda: orjson.dumps(answer), args.repeat * 10), "us/request")
        row("JSON: decode its request body", per_call_us(lambda: json.loads(body), args.repeat * 10),
            per_call_us(lambda: orjson.loads(body), args.repeat * 10), "us/request")

        # 2. dataloaders
        page = {"first": min(args.accounts, 50)}

        async def accounts_page(loaders: Loaders):  # noqa: ANN202
            context = Context(principal=clerk, _loaders=loaders)
            outcome = await schema.execute(ACCOUNTS_PAGE, variable_values=page, context_value=context)
            assert outcome.errors is None, outcome.errors

        queries = []
        for loaders in (lambda: Loaders(max_batch_size=1), Loaders):
            await accounts_page(loaders())
            with counting_round_trips() as sent:
                await accounts_page(loaders())
            queries.append(len(sent))
        row(f"accounts page of {page['first']}: statements sent", *queries, "statements")
        row(f"accounts page of {page['first']}: time",
            await per_call_async_ms(lambda: accounts_page(Loaders(max_batch_size=1)), max(args.repeat // 10, 5)),
            await per_call_async_ms(lambda: accounts_page(Loaders()), max(args.repeat // 10, 5)), "ms/request")

        # 3. the pool's reset query
        rates = []
        for connection_class in (asyncpg.Connection, PooledConnection):
            pool = await asyncpg.create_pool(url.replace("postgres://", "postgresql://", 1), min_size=8, max_size=8,
                                             connection_class=connection_class)
            params = (date(1900, 1, 1), reader.ledger_account_id, date(2999, 12, 31))

            async def task() -> None:
                for _ in range(args.repeat):
                    await pool.fetch(STATEMENT_SQL, *params)

            started = time.perf_counter()
            await asyncio.gather(*(task() for _ in range(8)))
            rates.append(8 * args.repeat / (time.perf_counter() - started))
            await pool.close()
        print(f"{'statement query, 8 tasks, pool of 8':44}{rates[0]:12.0f}{rates[1]:12.0f}  {'queries/s':14}"
              f"{rates[1] / rates[0]:6.2f}x")

        # 4. trusted documents: the generic executor, then the dedicated one
        from graphql_api.schema import BankSchema
        from graphql_api.trusted import trusted_registry

        transfer_doc = trusted_registry(schema).text_named("TransferFunds")
        cashier = Context(principal=FakeSessionPrincipal(kind="staff", id=2, role="cashier"))
        sent = [0]
        target = [schema]  # the schema member_read and transfer execute on

        async def member_read() -> None:
            outcome = await target[0].execute(ACCOUNT_HISTORY, variable_values=variables, context_value=member)
            assert outcome.errors is None and len(outcome.data["account"]["statement"]["lines"]) == 20, outcome

        async def transfer() -> None:
            sent[0] += 1
            payer, payee = random.sample(numbers[1:], 2)
            outcome = await target[0].execute(transfer_doc, context_value=cashier, variable_values={"input": {
                "fromAccountNumber": payer, "toAccountNumber": payee, "amount": {"amount": "1.00", "currency": "INR"},
                "idempotencyKey": f"edge-{os.getpid()}-{sent[0]}"}})
            assert outcome.errors is None and outcome.data["transferFunds"]["userErrors"] == [], outcome

        async def cpu_ms(fn, repeat: int) -> float:  # noqa: ANN001
            best = float("inf")
            for _ in range(3):
                started = time.process_time()
                for _ in range(repeat):
                    await fn()
                best = min(best, (time.process_time() - started) / repeat * 1e3)
            return best

        # before: the eleven extensions one by one, every document through graphql-core
        from graphql_api.schema import EXTENSION_PARTS

        separate = BankSchema(query=schema.query, mutation=schema.mutation, subscription=schema.subscription,
                              config=schema.config, extensions=list(EXTENSION_PARTS))
        print(f"{'CPU per request, ms':44}{'11 ext.':>12}{'merged':>12}{'+trusted':>12}")
        for label, fn, repeat in (("member read (AccountHistory, 20 lines)", member_read, args.repeat // 2),
                                  ("transferFunds (TransferFunds)", transfer, args.repeat // 2)):
            figures = []
            for current, fast in ((separate, False), (schema, False), (schema, True)):
                BankSchema.fast_executors = fast
                target[0] = current
                await fn()
                figures.append(await cpu_ms(fn, repeat))
            BankSchema.fast_executors = True
            print(f"{label:44}{figures[0]:12.2f}{figures[1]:12.2f}{figures[2]:12.2f}  ({figures[0] / figures[2]:.1f}x)")

        print(f"load average: {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")
    finally:
        await Tortoise.close_connections()
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--accounts", type=int, default=50)
    parser.add_argument("--repeat", type=int, default=300)
    uvloop.run(main(parser.parse_args()))

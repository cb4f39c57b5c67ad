"""Benchmark: the Berka shapes scaled to 100,000 accounts and 1,000,000 transactions.

A generator draws every record from the real files' own distributions with a fixed seed
(district and statement frequency of accounts; share of accounts with a second holder,
a loan, standing orders and cards; the transaction rows' type/operation/k_symbol/amount
mix), builds each account's balance chain exactly, and feeds it to the same importer
and batch ledger path as the real data (``import_berka_data``) on a fresh PostgreSQL
database. Then it runs ``bankcore.verify.verify_ledger()`` over the result. Prints
elapsed times, and the CPU seconds this process and the database's backends spent, in
all and between one stage's end and the next (the same-day order is resolved in a thread
while the reference rows go in, so its CPU shows under those stages); not a test.

    python benchmarks/synthetic_scale.py [--accounts 100000] [--transactions 1000000] [--template NAME]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from bankcore.berka.importer import ProgressEvent, import_berka_data
from bankcore.berka.parse import (
    BerkaAccount,
    BerkaCard,
    BerkaData,
    BerkaLoan,
    Client,
    Disposition,
    Order,
    Transaction,
    read_all,
)
from bankcore.db import migrate_database, open_database
from bankcore.models import HolderRole
from benchmarks.cpu import cpu_seconds

DEFAULT_DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "berka"
PG_SERVER = os.environ.get("COOPBANK_BENCH_PG", "postgresql://postgres@127.0.0.1:5432")
FIRST_DAY = date(1993, 1, 1)
DAYS = 424  # 1993-01-01 .. 1994-02-28, the span of the real subset


def generate(real: BerkaData, *, accounts: int, transactions: int, seed: int = 1999, loans: int | None = None,
             granted_between: tuple[date, date] | None = None) -> BerkaData:
    """Scale ``real`` to ``accounts`` accounts and ``transactions`` transaction rows.

    ``loans`` overrides the number of loans (default: the real share of accounts, at most
    one per account); ``granted_between`` draws their grant dates uniformly from that range
    instead of the real loans' (the loans benchmark wants them all disbursed).
    """
    rng = random.Random(seed)
    scale = accounts / len(real.accounts)
    districts = [a.district_id for a in real.accounts]
    frequencies = [a.frequency for a in real.accounts]
    clients_real = list(real.clients)

    new_accounts: list[BerkaAccount] = []
    clients: list[Client] = []
    dispositions: list[Disposition] = []
    for account_id in range(1, accounts + 1):
        new_accounts.append(BerkaAccount(account_id, rng.choice(districts), rng.choice(frequencies), FIRST_DAY))
    # One owner per account, and a mandate holder on the real share of accounts.
    disponent_share = sum(d.role is HolderRole.MANDATE_HOLDER for d in real.dispositions) / len(real.accounts)
    owner_disp: dict[int, int] = {}
    for account in new_accounts:
        holders = [HolderRole.OWNER] + ([HolderRole.MANDATE_HOLDER] if rng.random() < disponent_share else [])
        for role in holders:
            template = rng.choice(clients_real)
            client_id = len(clients) + 1
            clients.append(Client(client_id, template.date_of_birth, template.gender, account.district_id))
            disp_id = len(dispositions) + 1
            dispositions.append(Disposition(disp_id, client_id, account.account_id, role))
            if role is HolderRole.OWNER:
                owner_disp[account.account_id] = disp_id

    loan_count = round(len(real.loans) * scale) if loans is None else min(loans, accounts)

    def granted(template: BerkaLoan) -> date:
        if granted_between is None:
            return template.granted_on
        return granted_between[0] + timedelta(days=rng.randrange((granted_between[1] - granted_between[0]).days + 1))

    loans_ = [
        BerkaLoan(i + 1, account_id, granted(template), template.amount_minor, template.duration_months,
                  template.instalment_minor, template.status)
        for i, (account_id, template) in enumerate(
            zip(rng.sample(range(1, accounts + 1), loan_count),
                (rng.choice(real.loans) for _ in range(loan_count)), strict=True)
        )
    ]
    orders = [
        Order(i + 1, rng.randint(1, accounts), t.bank_to, t.account_to, t.amount_minor, t.k_symbol)
        for i, t in enumerate(rng.choice(real.orders) for _ in range(round(len(real.orders) * scale)))
    ]
    card_accounts = rng.sample(range(1, accounts + 1), round(len(real.cards) * scale))
    cards = [
        BerkaCard(i + 1, owner_disp[account_id], t.card_type, t.issued_on)
        for i, (account_id, t) in enumerate(zip(card_accounts, (rng.choice(real.cards) for _ in card_accounts),
                                                strict=True))
    ]

    # Transactions: each account gets its share, on sorted random days; rows are drawn
    # from the real mix and the balance column is built as an exact chain.
    templates = real.transactions
    per_account = [transactions // accounts] * accounts
    for i in rng.sample(range(accounts), transactions % accounts):
        per_account[i] += 1
    rows: list[Transaction] = []
    trans_id = 0
    for account_id, count in enumerate(per_account, start=1):
        balance = 0
        for offset in sorted(rng.randrange(DAYS) for _ in range(count)):
            t = templates[rng.randrange(len(templates))]
            balance += t.signed_minor
            trans_id += 1
            rows.append(Transaction(trans_id, account_id, FIRST_DAY + timedelta(days=offset), t.type, t.operation,
                                    t.amount_minor, balance, t.k_symbol, t.bank, t.account))
    rows.sort(key=lambda r: r.on)  # the real file is sorted by date
    return BerkaData(real.districts, tuple(clients), tuple(new_accounts), tuple(dispositions), tuple(loans_),
                     tuple(orders), tuple(cards), tuple(rows))


async def _pg_admin(sql: str) -> None:
    import asyncpg

    conn = await asyncpg.connect(PG_SERVER + "/postgres")
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


class _Progress:
    """Prints each stage's end with the CPU this process and the database's backends spent since the last one."""

    def __init__(self, database: str) -> None:
        self.database = database
        self.last = cpu_seconds(database)

    def __call__(self, event: ProgressEvent) -> None:
        if not event.final:
            return
        now = cpu_seconds(self.database)
        cpu = (f"  CPU Python {now[0] - self.last[0]:5.1f}s, PostgreSQL {now[1] - self.last[1]:5.1f}s"
               if now and self.last else "")
        self.last = now
        print(f"  {event.stage:<24} {event.done:>10,}/{event.total:<10,} {event.elapsed_s:7.2f}s "
              f"{event.rows_per_s:>10,.0f} rows/s{cpu}", flush=True)


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=100_000)
    parser.add_argument("--transactions", type=int, default=1_000_000)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--seed", type=int, default=1999)
    parser.add_argument("--template", default=None,
                        help="copy this migrated, empty database instead of migrating a new one (e.g. one made by "
                             "`python -m tests.pg_template create NAME`; a migration costs about a minute of CPU)")
    args = parser.parse_args()

    started = time.perf_counter()
    data = generate(read_all(args.data), accounts=args.accounts, transactions=args.transactions, seed=args.seed)
    print(f"generated {len(data.accounts):,} accounts, {len(data.clients):,} clients, {len(data.loans):,} loans, "
          f"{len(data.orders):,} orders, {len(data.cards):,} cards, {len(data.transactions):,} transactions "
          f"in {time.perf_counter() - started:.1f}s", flush=True)

    name = f"coopbank_bench_{os.getpid()}"
    url = f"{PG_SERVER.replace('postgresql://', 'postgres://', 1)}/{name}"
    if args.template:
        from tests.pg_template import create_from_template

        await create_from_template(name, args.template)
    else:
        await _pg_admin(f'CREATE DATABASE "{name}"')
    try:
        await migrate_database(url)
        async with open_database(url):
            from bankcore.verify import verify_ledger

            print(f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC, load average {os.getloadavg()[0]:.2f} on "
                  f"{os.cpu_count()} cores, PostgreSQL", flush=True)
            cpu_before = cpu_seconds(name)
            started = time.perf_counter()
            report = await import_berka_data(data, progress=_Progress(name))
            elapsed = time.perf_counter() - started
            cpu_after = cpu_seconds(name)
            if cpu_before and cpu_after:
                print(f"import CPU: Python {cpu_after[0] - cpu_before[0]:.1f}s, PostgreSQL backends "
                      f"{cpu_after[1] - cpu_before[1]:.1f}s; load average after {os.getloadavg()[0]:.2f}")
            entries = report.stage("journal entries")
            rec = report.reconciliation
            print(f"import: {elapsed:.1f}s total; {entries.rows:,} journal entries ({entries.inserted:,} new) in "
                  f"{entries.seconds:.1f}s = {entries.rows / entries.seconds:,.0f} entries/s "
                  f"({2 * entries.rows / entries.seconds:,.0f} postings/s)")
            print(f"reconciliation: {rec.accounts:,} accounts, {len(rec.differences)} differ, "
                  f"{len(rec.cache_faults)} cache faults")
            started = time.perf_counter()
            verified = await verify_ledger()
            print(f"verify_ledger: {time.perf_counter() - started:.1f}s over {verified.entries:,} entries, "
                  f"{verified.postings:,} postings, {verified.tracked_accounts:,} accounts: "
                  f"{'OK' if verified.ok else 'PROBLEMS: ' + '; '.join(verified.problems[:5])}")
    finally:
        await _pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


if __name__ == "__main__":
    try:
        import uvloop

        uvloop.run(main())
    except ImportError:  # pragma: no cover
        asyncio.run(main())

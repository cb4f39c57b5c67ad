"""Benchmark: the loans' day-end steps over 100,000 loans, and reading one loan as history grows (PostgreSQL).

Builds a synthetic bank with the generator of ``benchmarks/synthetic_scale.py`` (same
importer), with one loan per account (100,000 by default), all granted in 1993 so every
one is ACTIVE after the import (disbursed on its grant date, schedules due on the 12th;
the generated transactions repay none of them, so most are in arrears: classification
and penal charges have a whole book to walk). The loans are given a 12 % rate and a 2 %
penal rate so accrual and penal charges compute something. Then it times day-ends
(every step is printed; the loans' steps are summed):

* 28 Feb 1994, the first day-end after the import (a month end: loan books, provisions);
* 1 Mar 1994, an ordinary day;
* 12 Mar 1994, a due date: every loan's instalment is collected from its account as far
  as the available balance allows (one LOAN_REPAYMENT entry per loan paid).

Target: the loans' steps of a day under 10 s.

``--current PERCENT`` first brings that share of the loans up to date (their arrears paid
in cash before the first day-end): on the due date those loans pay one instalment each and
only the rest pay penal charges and arrears in RBI order (every overdue row rewritten). The
default, 0, keeps the worst case: every loan about nine instalments in arrears.

Then "reading one loan with its schedule" (``loan_detail``, what the ``loan(number)``
query returns) is timed for a loan of the fresh book, history is synthesised set-based
as 700 day-ends would leave it (700 day-end runs with their step rows, and for every
loan 23 monthly collections: an entry with its postings per instalment, the instalment
rows paid, cached balances kept equal to the postings), and the same read is timed on a
loan with that history and on one without. Prints both and the ratio (target: flat).
Ends with ``verify_ledger``. Not a test.

    python -m benchmarks.loans_day_end [--loans 100000] [--transactions 200000] [--db NAME --keep] [--current PERCENT]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import time
from datetime import UTC, date, datetime
from pathlib import Path

from benchmarks.day_end import _pg_admin_fetch
from benchmarks.synthetic_scale import DEFAULT_DATA, PG_SERVER, _pg_admin, generate
from bankcore.db import migrate_database, open_database

TARGET_S = 10.0
DATABASE = [""]  # the benchmark's database, for the CPU of its PostgreSQL backends
HISTORY_DAYS = 700
HISTORY_MONTHS = 23  # 700 days of monthly instalments


def _pg_cpu_seconds(database: str) -> float:
    """CPU seconds (user + system) so far of the PostgreSQL backends of ``database``, from /proc (same machine).

    A backend is found by its process title (``postgres: ... <user> <database> <host> ...``);
    one that ended is no longer counted, so a difference can only undercount.
    """
    total = 0
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            title = Path(f"/proc/{entry.name}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            if not title.startswith("postgres:") or f" {database} " not in title:
                continue
            fields = Path(f"/proc/{entry.name}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


async def _close(through: date, label: str) -> float:
    from bankcore.calendar.runner import run_day_end
    from bankcore.models import DayEndRun, DayEndStepRun

    database = DATABASE[0]
    cpu: dict[str, tuple[float, float]] = {}
    marks: dict[str, tuple[float, float]] = {}

    def sample(event) -> None:  # per step: Python and PostgreSQL CPU between its start and its end
        now = (time.process_time(), _pg_cpu_seconds(database))
        if event.status == "started":
            marks[event.step] = now
        elif event.status == "completed" and event.step in marks:
            py, pg = cpu.get(event.step, (0.0, 0.0))
            cpu[event.step] = (py + now[0] - marks[event.step][0], pg + now[1] - marks[event.step][1])

    pg_before, py_before = _pg_cpu_seconds(database), time.process_time()
    started = time.perf_counter()
    await run_day_end(through=through, initiator="benchmark", on_progress=sample)
    elapsed = time.perf_counter() - started
    print(f"  CPU: Python {time.process_time() - py_before:.2f}s, PostgreSQL {_pg_cpu_seconds(database) - pg_before:.2f}s",
          flush=True)
    run = await DayEndRun.get(business_date=through)
    loans = 0.0
    print(f"{label}: {elapsed:.2f}s", flush=True)
    for step in await DayEndStepRun.filter(run_id=run.id).order_by("position"):
        seconds = (step.finished_at - step.started_at).total_seconds()
        if step.step.startswith("loans."):
            loans += seconds
        py, pg = cpu.get(step.step, (0.0, 0.0))
        print(f"    {step.step:<32} {seconds:7.2f}s {step.rows:>9,} rows   CPU Python {py:6.2f}s PostgreSQL {pg:6.2f}s",
              flush=True)
    print(f"  loans steps: {loans:.2f}s = {loans / TARGET_S:.0%} of the {TARGET_S:.0f} s target; "
          f"load average {os.getloadavg()[0]:.1f}", flush=True)
    return loans


async def _read_loan(number: str, repeat: int = 30) -> float:
    """Median seconds of ``loan_detail`` (the ``loan(number)`` query's resolver) for loan ``number``."""
    from bankcore.loans.lifecycle import find_loan
    from graphql_api.loans.access import loan_detail

    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        detail = await loan_detail(await find_loan(number))
        times.append(time.perf_counter() - started)
        assert detail.schedule
    return statistics.median(times)


async def _synthesise_history(conn, keep_fresh_loan_id: int) -> None:
    """700 day-ends' worth of loan history, set-based (see the module docstring)."""
    started = time.perf_counter()
    first = date(1992, 3, 1)  # the runs before the import's history (the dates are free)
    await conn.execute(
        "INSERT INTO day_end_run (business_date, status, initiator, started_at, finished_at) "
        "SELECT $1::date + g, 'completed', 'benchmark-history', now(), now() FROM generate_series(0, $2 - 1) g "
        "ON CONFLICT (business_date) DO NOTHING", first, HISTORY_DAYS)
    await conn.execute(
        "INSERT INTO day_end_step_run (run_id, step, position, started_at, finished_at, rows, outcome) "
        "SELECT r.id, s.step, s.position, now(), now(), 100000, 'completed' FROM day_end_run r "
        "CROSS JOIN (VALUES ('loans.accrue_interest', 400), ('loans.classify', 420), ('loans.penal_charges', 430), "
        "('loans.collect_dues', 210)) AS s(step, position) WHERE r.initiator = 'benchmark-history'")
    # the history is dated before the business date: the history rows are the loans' first
    # instalments, paid by monthly collections (an entry each: Dr repayment account, Cr loan)
    await conn.execute(
        "CREATE TEMP TABLE hist AS SELECT i.id AS instalment_id, i.loan_id, i.due_date, i.principal_minor AS amount, "
        "a.ledger_account_id AS loan_ledger, ra.ledger_account_id AS repay_ledger, l.currency "
        "FROM loan_instalment i JOIN loan l ON l.id = i.loan_id JOIN account a ON a.id = l.account_id "
        "JOIN account ra ON ra.id = l.repayment_account_id "
        "WHERE l.status = 'ACTIVE' AND l.id <> $1 AND i.number <= $2 AND i.paid_on IS NULL "
        "AND i.principal_minor > i.paid_principal_minor", keep_fresh_loan_id, HISTORY_MONTHS)
    await conn.execute(
        "INSERT INTO journal_entry (entry_type, value_date, posted_at, narration, initiator, idempotency_key) "
        "SELECT 'loan_repayment', h.due_date, now(), 'Instalment collected (synthetic history)', 'benchmark', "
        "'hist:' || h.instalment_id FROM hist h ORDER BY h.due_date, h.loan_id")
    await conn.execute(
        "INSERT INTO posting (entry_id, ledger_account_id, side, amount_minor, currency, value_date) "
        "SELECT je.id, CASE WHEN s.side = 'D' THEN h.repay_ledger ELSE h.loan_ledger END, s.side, h.amount, h.currency, "
        "h.due_date FROM hist h JOIN journal_entry je ON je.idempotency_key = 'hist:' || h.instalment_id "
        "CROSS JOIN (VALUES ('D'), ('C')) AS s(side) ORDER BY je.id, s.side DESC")
    await conn.execute(
        "UPDATE ledger_account la SET balance_minor = la.balance_minor - t.total FROM "
        "(SELECT repay_ledger AS id, SUM(amount) AS total FROM hist GROUP BY repay_ledger UNION ALL "
        " SELECT loan_ledger, SUM(amount) FROM hist GROUP BY loan_ledger) t WHERE la.id = t.id")
    await conn.execute(
        "UPDATE loan_instalment i SET paid_principal_minor = i.principal_minor, paid_interest_minor = i.interest_minor, "
        "paid_penal_minor = i.penal_minor, paid_on = h.due_date FROM hist h WHERE i.id = h.instalment_id")
    count = await conn.fetchval("SELECT COUNT(*) FROM hist")
    await conn.execute("DROP TABLE hist")
    await conn.execute("ANALYZE")
    print(f"history: {HISTORY_DAYS} day-end runs and {count:,} monthly collections (entries, 2 postings each) "
          f"synthesised in {time.perf_counter() - started:.1f}s", flush=True)


async def _bring_up_to_date(conn, percent: int, on: date) -> None:
    """Pay off the arrears of ``percent`` % of the ACTIVE loans (ids ``% 100 < percent``), valued ``on``.

    One LOAN_REPAYMENT entry a loan (Dr cash in hand, Cr the loan account: the borrower paid
    at the counter, so the repayment account keeps its balance for the EMIs to come), the
    rows due on or before ``on`` marked paid on their due dates, the loan account's cached
    balance kept equal to its postings. Before the first day-end, so no penal charge is due.
    Then ``VACUUM``, as autovacuum would have done long before the next due date.
    """
    from bankcore.chart import CASH

    started = time.perf_counter()
    unpaid = "(i.principal_minor + i.interest_minor - i.paid_principal_minor - i.paid_interest_minor)"
    await conn.execute(
        "CREATE TEMP TABLE brought AS SELECT l.id AS loan_id, a.ledger_account_id AS loan_ledger, l.currency, "
        f"SUM({unpaid}) AS amount FROM loan l JOIN account a ON a.id = l.account_id "
        "JOIN loan_instalment i ON i.loan_id = l.id WHERE l.status = 'ACTIVE' AND l.id % 100 < $1 "
        f"AND i.paid_on IS NULL AND i.due_date <= $2 GROUP BY l.id, a.ledger_account_id, l.currency HAVING SUM({unpaid}) > 0",
        percent, on)
    await conn.execute(
        "INSERT INTO journal_entry (entry_type, value_date, posted_at, narration, initiator, idempotency_key) "
        "SELECT 'loan_repayment', $1, now(), 'Arrears paid in cash (benchmark: a book mostly up to date)', 'benchmark', "
        "'brought-up-to-date:' || b.loan_id FROM brought b ORDER BY b.loan_id", on)
    await conn.execute(
        "INSERT INTO posting (entry_id, ledger_account_id, side, amount_minor, currency, value_date) "
        "SELECT je.id, CASE WHEN s.side = 'D' THEN cash.id ELSE b.loan_ledger END, s.side, b.amount, b.currency, $1 "
        "FROM brought b JOIN journal_entry je ON je.idempotency_key = 'brought-up-to-date:' || b.loan_id "
        "JOIN ledger_account cash ON cash.code = $2 || '-' || b.currency "
        "CROSS JOIN (VALUES ('D'), ('C')) AS s(side) ORDER BY je.id, s.side DESC", on, CASH)
    await conn.execute("UPDATE ledger_account la SET balance_minor = la.balance_minor - b.amount FROM brought b "
                       "WHERE la.id = b.loan_ledger")
    count = await conn.fetchval("SELECT COUNT(*) FROM brought")
    await conn.execute(
        "UPDATE loan_instalment i SET paid_principal_minor = i.principal_minor, paid_interest_minor = i.interest_minor, "
        "paid_on = i.due_date FROM brought b WHERE i.loan_id = b.loan_id AND i.paid_on IS NULL AND i.due_date <= $1", on)
    await conn.execute("DROP TABLE brought")
    # the 780,000 row versions replaced above are what months of autovacuum would long have
    # cleared in a real book: left in place, the due date's UPDATE wades through them
    await conn.execute("VACUUM (ANALYZE) loan_instalment")
    await conn.execute("VACUUM (ANALYZE) ledger_account")
    await conn.execute("ANALYZE")
    print(f"brought {count:,} loans ({percent} %) up to date on {on} in {time.perf_counter() - started:.1f}s", flush=True)


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--loans", type=int, default=100_000)
    parser.add_argument("--transactions", type=int, default=200_000)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--db", default=None, help="database name (dropped at the end unless --keep)")
    parser.add_argument("--keep", action="store_true")
    parser.add_argument("--build-only", action="store_true",
                        help="build the bank into --db and stop (kept: a template for --template)")
    parser.add_argument("--template", default=None, help="copy this database (made by --build-only) instead of building")
    parser.add_argument("--no-history", action="store_true",
                        help="only the day-ends and the read on the fresh book (no 700 days of history)")
    parser.add_argument("--current", type=int, default=0, metavar="PERCENT",
                        help="first bring PERCENT %% of the loans up to date (their arrears paid in cash on 28 Feb, "
                             "before any penal charge): a book where only the rest is in arrears (default 0: every "
                             "loan in arrears, the worst case)")
    args = parser.parse_args()

    import asyncpg

    from bankcore.berka.importer import import_berka_data
    from bankcore.berka.parse import read_all

    name = args.db or f"coopbank_bench_loans_{os.getpid()}"
    DATABASE[0] = name
    url = f"{PG_SERVER.replace('postgresql://', 'postgres://', 1)}/{name}"
    print(f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC, load average {os.getloadavg()[0]:.1f}, PostgreSQL", flush=True)
    if args.template:
        started = time.perf_counter()
        await _pg_admin(f'CREATE DATABASE "{name}" TEMPLATE "{args.template}"')
        # A copy does not inherit the template's ALTER DATABASE settings (migration 0021's jit = off):
        # carry them over, or the day-end statements are JIT-compiled as no migrated bank's are
        # (the collection's instalment query spent 6.7 s of its 11.8 s of CPU compiling at 25,000 loans).
        for setting in await _pg_admin_fetch(
                "SELECT unnest(s.setconfig) AS c FROM pg_db_role_setting s JOIN pg_database d "
                f"ON d.oid = s.setdatabase WHERE d.datname = '{args.template}' AND s.setrole = 0"):
            key, _, value = setting["c"].partition("=")
            await _pg_admin(f'ALTER DATABASE "{name}" SET {key} = \'{value}\'')
        print(f"copied {args.template} in {time.perf_counter() - started:.1f}s", flush=True)
    else:
        await _pg_admin(f'CREATE DATABASE "{name}"')
    try:
        # (a template built by an earlier revision gets this one's migrations)
        await migrate_database(url)
        async with open_database(url):
            from bankcore.calendar.business_date import business_date
            from bankcore.models import Account, Loan, LoanInstalment
            from bankcore.verify import verify_ledger

            if not args.template:
                data = generate(read_all(args.data), accounts=args.loans, transactions=args.transactions,
                                loans=args.loans, granted_between=(date(1993, 1, 1), date(1993, 12, 31)))
                started = time.perf_counter()
                report = await import_berka_data(data, savings_rate_bps=400)
                active = await Loan.filter(status="ACTIVE").count()
                adoption = next((s.seconds for s in report.stages if s.name == "loan schedules"), float("nan"))
                rows = await LoanInstalment.all().count()
                print(f"built {len(data.accounts):,} accounts / {len(data.loans):,} loans ({active:,} ACTIVE, "
                      f"{rows:,} instalment rows) / {len(data.transactions):,} transactions in "
                      f"{time.perf_counter() - started:.1f}s (loan schedules: {adoption:.1f}s); "
                      f"business date {await business_date()}; load average {os.getloadavg()[0]:.1f}", flush=True)
                raw = await asyncpg.connect(url)
                try:
                    await raw.execute("UPDATE loan SET annual_rate_bps = 1200, penal_rate_bps = 200 WHERE status = 'ACTIVE'")
                    await raw.execute("ANALYZE")
                finally:
                    await raw.close()
                if args.build_only:
                    return
            if args.current:
                raw = await asyncpg.connect(url)
                try:
                    await _bring_up_to_date(raw, args.current, await business_date())
                finally:
                    await raw.close()
            results = {
                "28 Feb (first after the import, month end)": await _close(date(1994, 2, 28), "day-end 28 Feb 1994"),
                "1 Mar (ordinary)": await _close(date(1994, 3, 1), "day-end 1 Mar 1994"),
            }
            await _close(date(1994, 3, 11), "day-ends 2-11 Mar 1994 (untimed)")
            results["12 Mar (due date: collection)"] = await _close(date(1994, 3, 12), "day-end 12 Mar 1994")

            loans = await Loan.filter(status="ACTIVE").order_by("id").limit(2)
            fresh_number = (await Account.get(id=loans[0].account_id)).number
            old_number = (await Account.get(id=loans[1].account_id)).number
            before = await _read_loan(old_number)
            print(f"read one loan with its schedule (fresh book): {before * 1000:.1f} ms", flush=True)
            if args.no_history:
                for label, seconds in results.items():
                    print(f"loans steps {label}: {seconds:.2f}s ({seconds / TARGET_S:.0%} of {TARGET_S:.0f} s)")
                started = time.perf_counter()
                verified = await verify_ledger()
                print(f"verify_ledger: {time.perf_counter() - started:.1f}s, {'OK' if verified.ok else verified.problems[:3]}")
                return
            raw = await asyncpg.connect(url)
            try:
                await _synthesise_history(raw, loans[0].id)
            finally:
                await raw.close()
            after = await _read_loan(old_number)
            fresh = await _read_loan(fresh_number)
            print(f"read one loan with its schedule after {HISTORY_DAYS} day-ends of history: {after * 1000:.1f} ms "
                  f"(a loan without history in the same bank: {fresh * 1000:.1f} ms); ratio to the fresh book "
                  f"{after / before:.2f}x", flush=True)
            for label, seconds in results.items():
                print(f"loans steps {label}: {seconds:.2f}s ({seconds / TARGET_S:.0%} of {TARGET_S:.0f} s)")
            started = time.perf_counter()
            verified = await verify_ledger()
            print(f"verify_ledger: {time.perf_counter() - started:.1f}s, {'OK' if verified.ok else verified.problems[:3]}")
            print(f"load average at the end {os.getloadavg()}")
    finally:
        if not args.keep and not args.build_only:
            await _pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


if __name__ == "__main__":
    # (an ImportError raised inside main() must not run it a second time)
    try:
        import uvloop
    except ImportError:  # pragma: no cover
        uvloop = None
    uvloop.run(main()) if uvloop is not None else asyncio.run(main())

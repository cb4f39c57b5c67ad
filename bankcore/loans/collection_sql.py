"""Day-end collection of instalments on PostgreSQL, in set-based statements.

The same collection as ``bankcore.loans.collection._collect_chunk`` (which SQLite keeps):
the same payments, legs, instalment rows, idempotency keys, fingerprints, outbox events
and NOTIFY payloads, to the paisa; but where that path reads every unpaid instalment into
Python and allocates each payment with ``allocate_payment`` (0.3 ms of Python an EMI:
25 s on the 100,000-loan benchmark's due date), here PostgreSQL does it all, in one
transaction, with a fixed number of statements over temporary tables:

``coll_row``    the unpaid rows due on or before today of the loans with something due
                today (locked first, in id order, as ``repay_loan`` locks them), read once
                with their penal charges through the levy;
``coll_loan``   those loans with what fell due today, not yet collected (idempotency key unused);
``coll_acct``   their repayment and loan accounts, locked in id order (``post_entry``'s
                order, so neither path deadlocks with the other);
``coll_pay``    each payment: what fell due today, as far as the account's available
                balance goes. Loans sharing a repayment account take it in loan id order:
                ``min(due, available - what the earlier loans took)`` is
                ``max(0, min(due, available - Σ dues of the earlier loans))``, a running
                sum (once a loan is paid short, nothing is left for the next);
``coll_alloc``  each payment allocated to the unpaid rows due on or before today in the
                RBI order of ``allocate_payment``'s default (``BY_COMPONENT``: every penal
                charge oldest first, then interest, then principal): with ``owed`` the
                row's unpaid amount of a kind and ``before`` the same kind's unpaid amount
                of the loan's earlier rows, the row gets
                ``min(owed, max(0, payment - earlier kinds' total - before))``;
``coll_entry``  one LOAN_REPAYMENT entry a loan (Dr repayment account; Cr loan,
                loan interest income, penal interest income), with its NOTIFY payload
                built as ``encode_ledger_events`` builds it.

Every check of ``bankcore.ledger.batch.write_entries`` holds: the posting window (value
date, closed books), unused idempotency keys, account status, postable accounts in the
entry's currency, balanced entries, no account below its floor; a breach raises
``DomainError`` and nothing is written. The tests run both paths on twin loans.
"""

from __future__ import annotations

import asyncio
import logging
import re
from datetime import UTC, date, datetime
from typing import Any

from tortoise.transactions import in_transaction

from bankcore.calendar.business_date import posting_window
from bankcore.chart import LOAN_INTEREST_INCOME, PENAL_INTEREST_INCOME
from bankcore.errors import DomainError, ErrorCode
from bankcore.events import LEDGER_CHANNEL
from bankcore.ledger.posting_checks import value_date_refusal
from bankcore.loans.penal_sql import levy_of, materialise, pending_e6_sql, penal_minor_of_pending_sql
from bankcore.loans.sqlkit import bind
from bankcore.models import EntryType, LedgerKind, Loan
from bankcore.services._lookup import gl_account_id

log = logging.getLogger(__name__)

_CURRENCY = re.compile(r"^[A-Z]{3}$")
_DEBIT_NORMAL = ", ".join(f"'{k.value}'" for k in LedgerKind if k.debit_normal)


async def collect_set_based(on: date, *, initiator: str, key_prefix: str, loan_ids: list[int] | None = None,
                            streams: int = 1) -> tuple[int, list[str]]:
    """Collect on ``on`` what every ACTIVE auto-debit loan has due that day (PostgreSQL only; see the module docstring).

    ``key_prefix + str(loan id)`` is each payment's idempotency key (at most 100
    characters): a re-run collects nothing twice. ``loan_ids`` limits the run to those
    loans (tests). ``streams`` > 1 splits the loans by repayment account into that many
    transactions run side by side on their own connections (the statements are CPU-bound
    and each runs on one core of the database server): loans sharing a repayment account
    stay in one stream, so no two streams lock the same row. Returns (payments made, their
    NOTIFY payloads in entry order) after the commits. Raises ``DomainError`` with
    ``write_entries``' codes on a breach (a bug: the payments are sized to pass); that
    stream writes nothing then (another may have committed: a re-run completes the day).
    """
    results = await asyncio.gather(*(
        _collect_stream(on, initiator=initiator, key_prefix=key_prefix, loan_ids=loan_ids,
                        part=(k, streams) if streams > 1 else None)
        for k in range(max(streams, 1))), return_exceptions=True)
    for result in results:
        if isinstance(result, BaseException):
            raise result
    payloads = sorted((p for _, found in results for p in found), key=lambda p: int(p[5:p.index(",")]))  # '{"e":<id>,'
    return sum(paid for paid, _ in results), payloads


async def _collect_stream(on: date, *, initiator: str, key_prefix: str, loan_ids: list[int] | None,
                          part: tuple[int, int] | None) -> tuple[int, list[str]]:
    """One transaction of ``collect_set_based``: every loan (or those of ``loan_ids``) whose
    repayment account id is ``k`` modulo ``n`` for ``part = (k, n)``."""
    from bankcore.loans.collection import candidates_sql

    now = datetime.now(UTC)
    async with in_transaction() as conn:
        raw = conn._connection  # type: ignore[attr-defined]  # this transaction's asyncpg connection
        # no parallel workers: the streams already take the cores, and each worker of a
        # parallel plan rebuilt the same hash of the day's dues
        await raw.execute("SET LOCAL jit = off; SET LOCAL work_mem = '128MB'; SET LOCAL max_parallel_workers_per_gather = 0")
        refusal = value_date_refusal(on, *await posting_window(conn), EntryType.LOAN_REPAYMENT)
        if refusal is not None:
            raise refusal
        levy = await levy_of(conn)
        only = "" if loan_ids is None else " AND l.id = ANY(CAST(:ids AS BIGINT[]))"
        if part is not None:
            only += f" AND l.repayment_account_id % {int(part[1])} = {int(part[0])}"
        ids = [int(i) for i in loan_ids or ()]

        async def run(sql: str, **params: Any) -> str:
            text, values = bind(conn, sql, params)
            return await raw.execute(text, *values)

        # the loans first (repay_loan's order), then what they owe, read under the lock. The
        # day's due loans come from the unpaid rows' index alone (a loan-by-loan probe of the
        # instalments visited a heap page per loan: 0.5 s a stream at 100,000 loans)
        text, values = bind(conn, (
            "WITH due AS MATERIALIZED (SELECT DISTINCT i.loan_id FROM loan_instalment i WHERE i.due_date = :d "
            "AND i.paid_on IS NULL) SELECT l.id FROM loan l JOIN due ON due.loan_id = l.id "
            f"WHERE l.status = 'ACTIVE' AND l.auto_debit{only} ORDER BY l.id FOR UPDATE OF l"), {"d": on, "ids": ids})
        ids = [int(r["id"]) for r in await raw.fetch(text, *values)]
        # each locked loan's unpaid rows due on or before the day, read once (by the loan's index)
        # with their penal charges through the levy: what fell due today and the allocation
        # below both read this copy
        await run(
            "CREATE TEMP TABLE coll_row ON COMMIT DROP AS SELECT r.*, r.penal_e6 + r.pend AS e6, "
            f"{penal_minor_of_pending_sql('r', 'r.pend')} AS pm FROM (SELECT i.*, {pending_e6_sql(conn, levy)} AS pend "
            "FROM loan l CROSS JOIN LATERAL (SELECT * FROM loan_instalment i WHERE i.loan_id = l.id AND i.due_date <= :d "
            "AND i.paid_on IS NULL OFFSET 0) i WHERE l.id = ANY(CAST(:ids AS BIGINT[]))) r", d=on, ids=ids)
        await run("CREATE TEMP TABLE coll_loan ON COMMIT DROP AS SELECT c.*, CAST(:k AS TEXT) || CAST(c.id AS TEXT) AS key "
                  f"FROM ({candidates_sql(conn, levy, on, rows_table='coll_row')}) c WHERE NOT EXISTS (SELECT 1 "
                  "FROM journal_entry je WHERE je.idempotency_key = CAST(:k AS TEXT) || CAST(c.id AS TEXT))",
                  d=on, k=key_prefix)
        for row in await raw.fetch("SELECT loan_number, loan_status FROM coll_loan WHERE loan_status IN ('pending', 'closed')"):
            log.warning("instalment of loan %s not collected: its account is %s", row["loan_number"], row["loan_status"])
        await raw.execute(
            "CREATE TEMP TABLE coll_acct ON COMMIT DROP AS SELECT la.id, la.balance_minor, la.held_minor, la.floor_minor, "
            "a.status, la.kind FROM ledger_account la LEFT JOIN account a ON a.ledger_account_id = la.id "
            "WHERE la.tracks_balance AND la.id IN (SELECT repay_ledger FROM coll_loan UNION SELECT loan_ledger FROM coll_loan) "
            "ORDER BY la.id FOR UPDATE OF la")
        await raw.execute(
            "CREATE TEMP TABLE coll_pay ON COMMIT DROP AS SELECT p.*, nextval(pg_get_serial_sequence('journal_entry', 'id')) "
            "AS entry_id FROM (SELECT c.id, c.loan_number, c.loan_ledger, c.repay_ledger, c.currency, c.key, "
            "c.arrears_tolerance_minor, GREATEST(0, LEAST(GREATEST(c.total, 0), r.balance_minor - r.held_minor "
            "- COALESCE(r.floor_minor, 0) - COALESCE(SUM(GREATEST(c.total, 0)) OVER (PARTITION BY c.repay_ledger ORDER BY c.id "
            "ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0)))::bigint AS amount FROM coll_loan c "
            "JOIN coll_acct r ON r.id = c.repay_ledger WHERE r.status = 'active' AND c.loan_status NOT IN ('pending', 'closed')) p WHERE p.amount > 0 ORDER BY p.id")
        await raw.execute("ANALYZE coll_pay")
        currencies = [r["currency"] for r in await raw.fetch("SELECT DISTINCT currency FROM coll_pay")]
        if not currencies:
            return 0, []
        if any(not _CURRENCY.match(c) for c in currencies):
            raise DomainError(ErrorCode.INVALID_INPUT, f"unexpected currency among {currencies}")
        gl = {c: (await gl_account_id(LOAN_INTEREST_INCOME, c), await gl_account_id(PENAL_INTEREST_INCOME, c))
              for c in currencies}
        # a payment moves the arrears a tolerance is measured against: such loans' charges
        # are brought up to date first, as the Python path does (penal_sql)
        tolerant = [int(r["id"]) for r in await raw.fetch("SELECT id FROM coll_pay WHERE arrears_tolerance_minor > 0")]
        await materialise(conn, loan_ids=tolerant, levy=levy)
        # (coll_row's rows are read before that: its figures are what it writes, e6 = penal_e6 + pending)
        # the loan's totals by kind by one aggregate (a whole-partition window cost more)
        await run(
            "CREATE TEMP TABLE coll_alloc ON COMMIT DROP AS WITH d AS (SELECT r.id, r.loan_id, r.due_date, r.number, "
            "r.principal_minor AS pr, r.interest_minor AS it, r.paid_principal_minor AS pp, r.paid_interest_minor AS pi, "
            "r.paid_penal_minor AS pn, r.e6, r.pm, p.amount FROM coll_pay p JOIN coll_row r ON r.loan_id = p.id), "
            "o AS (SELECT d.*, GREATEST(d.pm - d.pn, 0) AS owe_n, GREATEST(d.it - d.pi, 0) AS owe_i, "
            "GREATEST(d.pr - d.pp, 0) AS owe_p FROM d), "
            # (sums of bigint are numeric: cast back, so the allocation below is integer arithmetic)
            "t AS (SELECT loan_id AS of_loan, SUM(owe_n)::bigint AS all_n, SUM(owe_i)::bigint AS all_i FROM o "
            "GROUP BY loan_id), "
            "w AS (SELECT o.*, (SUM(owe_n) OVER run)::bigint - owe_n AS before_n, "
            "(SUM(owe_i) OVER run)::bigint - owe_i AS before_i, (SUM(owe_p) OVER run)::bigint - owe_p AS before_p "
            "FROM o WINDOW run AS (PARTITION BY loan_id ORDER BY due_date, number ROWS UNBOUNDED PRECEDING)) "
            "SELECT * FROM (SELECT id, loan_id, pr, it, pp, pi, pn, e6, pm, "
            "LEAST(owe_n, GREATEST(amount - before_n, 0))::bigint AS sn, "
            "LEAST(owe_i, GREATEST(amount - all_n - before_i, 0))::bigint AS si, "
            "LEAST(owe_p, GREATEST(amount - all_n - all_i - before_p, 0))::bigint AS sp "
            # (OFFSET 0: the amounts computed once, not again in the filter)
            "FROM w JOIN t ON t.of_loan = w.loan_id OFFSET 0) x WHERE sn + si + sp > 0", d=on)  # only the rows paid on
        await raw.execute("ANALYZE coll_alloc")  # the planner's row counts for the UPDATE's join
        await run(
            "CREATE TEMP TABLE coll_entry ON COMMIT DROP AS SELECT p.*, s.sp, s.si, s.sn, g.interest_gl, g.penal_gl "
            "FROM coll_pay p JOIN (SELECT loan_id, SUM(sp)::bigint AS sp, SUM(si)::bigint AS si, SUM(sn)::bigint AS sn "
            "FROM coll_alloc GROUP BY loan_id) s ON s.loan_id = p.id "
            "JOIN unnest(:cur::text[], :igl::bigint[], :pgl::bigint[]) AS g(currency, interest_gl, penal_gl) "
            "ON g.currency = p.currency",
            cur=list(gl), igl=[v[0] for v in gl.values()], pgl=[v[1] for v in gl.values()])
        paid = await raw.fetchval("SELECT COUNT(*) FROM coll_entry")
        unbalanced = await raw.fetchval("SELECT COUNT(*) FROM coll_entry WHERE sp + si + sn <> amount")
        if unbalanced or paid != await raw.fetchval("SELECT COUNT(*) FROM coll_pay"):
            raise DomainError(ErrorCode.UNBALANCED_ENTRY, "a collection did not allocate exactly what it paid")
        await raw.execute(
            "CREATE TEMP TABLE coll_leg ON COMMIT DROP AS SELECT e.entry_id, x.n, x.lid, x.side, x.amt, e.currency "
            "FROM coll_entry e CROSS JOIN LATERAL (VALUES (1, e.repay_ledger, 'D', e.amount), (2, e.loan_ledger, 'C', e.sp), "
            "(3, e.interest_gl, 'C', e.si), (4, e.penal_gl, 'C', e.sn)) AS x(n, lid, side, amt) WHERE x.amt > 0")
        bad = await raw.fetchrow(
            "SELECT la.code, la.is_control, la.currency, g.currency AS wanted, la.tracks_balance FROM coll_leg g "
            "JOIN ledger_account la ON la.id = g.lid WHERE la.is_control OR la.currency <> g.currency "
            "OR (la.tracks_balance AND g.n > 2) LIMIT 1")
        if bad is not None:
            if bad["is_control"]:
                raise DomainError(ErrorCode.NOT_POSTABLE, f"{bad['code']} is a control account and takes no postings")
            if bad["currency"] != bad["wanted"]:
                raise DomainError(ErrorCode.CURRENCY_MISMATCH, f"account {bad['code']} is in {bad['currency']}, "
                                                               f"not {bad['wanted']}")
            raise DomainError(ErrorCode.INVALID_INPUT, f"account {bad['code']} was not locked")
        payloads = await _write(raw, on=on, now=now, initiator=initiator)
        repaid = [int(r["id"]) for r in await raw.fetch(
            "SELECT e.id FROM coll_entry e JOIN ledger_account la ON la.id = e.loan_ledger "
            "WHERE e.sp > 0 AND la.balance_minor <= 0")]
        marked = levy.levied_through if levy else None  # the paid rows keep their charges through it
        # each row paid on found by its primary key: the planner otherwise hashes all of
        # loan_instalment (3.9 million rows, 217 MB in each stream) to update a tenth of it
        await raw.execute("SET LOCAL enable_hashjoin = off; SET LOCAL enable_mergejoin = off")
        await run(
            "UPDATE loan_instalment AS i SET paid_principal_minor = a.pp + a.sp, paid_interest_minor = a.pi + a.si, "
            "paid_penal_minor = a.pn + a.sn, paid_on = CASE WHEN a.pp + a.sp >= a.pr AND a.pi + a.si >= a.it "
            "AND a.pn + a.sn >= a.pm THEN :d END, penal_e6 = a.e6, penal_minor = a.pm, "
            "penal_through = COALESCE(CAST(:marked AS DATE), i.penal_through) "
            "FROM coll_alloc a WHERE i.id = a.id", d=on, marked=marked)
        await raw.execute("RESET enable_hashjoin; RESET enable_mergejoin")
        # repaid in full by this instalment (its last): closed as close_if_repaid closes a loan
        # (nothing outstanding, no unpaid row; no arrears, so standard again), all in one
        # statement: a month's last instalments are a few thousand loans on a large book
        if repaid:
            closed = {int(r["id"]) for r in await raw.fetch(
                "UPDATE loan l SET status = 'CLOSED', closed_on = $1::date, own_class = 'STANDARD', "
                "asset_class = 'STANDARD', npa_since = NULL FROM account a JOIN ledger_account la "
                "ON la.id = a.ledger_account_id WHERE l.id = ANY($2::bigint[]) AND a.id = l.account_id "
                "AND l.status = 'ACTIVE' AND la.balance_minor <= 0 AND NOT (COALESCE(l.collateral_kind, '') = "
                "'DEPOSIT_LIEN' AND l.collateral_ref IS NOT NULL) AND NOT EXISTS (SELECT 1 FROM loan_instalment i "
                "WHERE i.loan_id = l.id AND i.paid_on IS NULL) RETURNING l.id", on, repaid)}
            # a loan against a deposit also releases its lien: one by one, as repay_loan does
            from bankcore.loans.repayment import close_if_repaid

            for loan in await Loan.filter(id__in=[i for i in repaid if i not in closed]).using_db(conn):
                await close_if_repaid(loan, on)
    return paid, payloads


_NONE = "9223372036854775807"  # (bigint's largest: stands for an absent id, sorted last)


def _ascending_ids_sql(*ids: str) -> str:
    """SQL: the non-NULL values of four bigint expressions, ascending, comma-separated.

    A sorting network of LEAST / GREATEST (a string_agg over unnest was a subquery a row:
    0.16 s a stream at 40,000 payments)."""
    a, b, c, d = (f"COALESCE({x}, {_NONE})" for x in ids)
    lo1, hi1, lo2, hi2 = f"LEAST({a}, {b})", f"GREATEST({a}, {b})", f"LEAST({c}, {d})", f"GREATEST({c}, {d})"
    m1, m2 = f"GREATEST({lo1}, {lo2})", f"LEAST({hi1}, {hi2})"
    ordered = (f"LEAST({lo1}, {lo2})", f"LEAST({m1}, {m2})", f"GREATEST({m1}, {m2})", f"GREATEST({hi1}, {hi2})")
    return "concat_ws(',', " + ", ".join(f"NULLIF({x}, {_NONE})" for x in ordered) + ")"


async def _write(raw: Any, *, on: date, now: datetime, initiator: str) -> list[str]:
    """The entries, postings, balances, outbox events and NOTIFYs of ``coll_entry``; returns the payloads in entry order."""
    await raw.execute(
        "INSERT INTO journal_entry (id, entry_type, value_date, posted_at, narration, initiator, idempotency_key, "
        "request_fingerprint) SELECT e.entry_id, 'loan_repayment', $1::date, $2::timestamptz, "
        "left('Instalment of loan ' || e.loan_number || ' collected by standing instruction', 255), $3::text, e.key, "
        # collection_fingerprint: SHA-256 of request_fingerprint's canonical JSON (sorted keys, no spaces)
        "encode(sha256(convert_to('{\"amount\":' || e.amount || ',\"currency\":\"' || e.currency || '\",\"loan\":' "
        "|| e.id || ',\"op\":\"repay_loan\",\"source\":' || e.repay_ledger || '}', 'UTF8')), 'hex') "
        "FROM coll_entry e ORDER BY e.entry_id", on, now, initiator)
    await raw.execute(
        "INSERT INTO posting (entry_id, ledger_account_id, side, amount_minor, currency, value_date) "
        "SELECT entry_id, lid, side, amt, currency, $1::date FROM coll_leg ORDER BY entry_id, n", on)
    breaches = await raw.fetchval(
        "WITH t AS (SELECT g.lid, SUM(CASE WHEN (g.side = 'D') = (a.kind IN (" + _DEBIT_NORMAL + ")) THEN g.amt "
        "ELSE -g.amt END) AS delta FROM coll_leg g JOIN coll_acct a ON a.id = g.lid GROUP BY g.lid), "
        "u AS (UPDATE ledger_account la SET balance_minor = la.balance_minor + t.delta FROM t WHERE la.id = t.lid "
        "RETURNING t.delta < 0 AND la.floor_minor IS NOT NULL AND la.balance_minor - la.held_minor < la.floor_minor AS breach) "
        "SELECT COUNT(*) FILTER (WHERE breach) FROM u")
    if breaches:
        raise DomainError(ErrorCode.INSUFFICIENT_FUNDS, "a collection would take an account below its floor")
    # encode_ledger_events' payload: the entry, its accounts (sorted ids) and the balances after
    # it of its tracked accounts (the repayment account after this loan and the earlier loans it
    # paid, in loan id order; the loan account when principal was paid)
    # one statement builds the payloads, writes the outbox events and sends the NOTIFYs (by
    # PostgreSQL at commit only, like post_entry's), in entry order, and returns the payloads
    found = await raw.fetch(
        "WITH b AS (SELECT e.*, r.balance_minor - SUM(e.amount) OVER (PARTITION BY e.repay_ledger ORDER BY e.id "
        "ROWS UNBOUNDED PRECEDING) AS repay_after, g.balance_minor - e.sp AS loan_after, g.id IS NOT NULL AS loan_tracked "
        "FROM coll_entry e JOIN coll_acct r ON r.id = e.repay_ledger LEFT JOIN coll_acct g ON g.id = e.loan_ledger), "
        "p AS (SELECT b.entry_id, '{\"e\":' || b.entry_id || ',\"t\":\"loan_repayment\",\"d\":\"' || $1::text || '\",\"a\":[' "
        f"|| {_ascending_ids_sql('b.repay_ledger', 'CASE WHEN b.sp > 0 THEN b.loan_ledger END', 'CASE WHEN b.si > 0 THEN b.interest_gl END', 'CASE WHEN b.sn > 0 THEN b.penal_gl END')} "
        # the tracked balances in account id order: the repayment account's, and the loan account's
        # when principal was paid
        "|| '],\"b\":[' || CASE WHEN b.sp > 0 AND b.loan_tracked THEN CASE WHEN b.loan_ledger < b.repay_ledger "
        "THEN b.loan_bal || ',' || b.repay_bal ELSE b.repay_bal || ',' || b.loan_bal END ELSE b.repay_bal END || ']}' "
        "AS payload FROM (SELECT b.*, '[' || b.repay_ledger || ',' || b.repay_after || ',\"' || b.currency || '\"]' AS repay_bal, "
        "'[' || b.loan_ledger || ',' || b.loan_after || ',\"' || b.currency || '\"]' AS loan_bal FROM b) b), "
        "o AS (INSERT INTO outbox_event (topic, ref_id, payload, created_at) "
        "SELECT 'entry.posted', entry_id, payload, $2::timestamptz FROM p ORDER BY entry_id RETURNING ref_id, payload) "
        # (sorted in a subquery first: the NOTIFYs go out in entry order)
        "SELECT s.payload, pg_notify($3, s.payload) FROM (SELECT ref_id, payload FROM o ORDER BY ref_id) s",
        on.isoformat(), now, LEDGER_CHANNEL)
    return [r["payload"] for r in found]

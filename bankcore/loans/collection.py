"""Day-end collection of instalments falling due: the loan's repayment standing instruction.

On each instalment's due date, day-end pays to the loan what fell due that day (the
instalment and anything unpaid on it), as far as the repayment account's available
balance allows, allocated in the RBI order (older arrears first). It never sweeps
arrears on other days and never takes an account below its floor: like a standing
order, it pays what is due on its day or what the account can (Berka's UVER orders work
the same way).

Set-based, in chunks of loans (one transaction each): the loans are locked, then their
accounts (``bankcore.ledger.batch.lock_accounts``: the order of ``repay_loan``, so the
two never deadlock); the dues are read in one query, each payment is sized and allocated
in Python by the same pure ``allocate_payment`` as ``repay_loan`` (the same amounts to
the paisa, and the same entry: legs, narration, idempotency key and fingerprint), and the
chunk's entries, postings, balances, outbox events and instalment rows are written with
a fixed number of statements (``write_entries``). A loan repaid in full is closed as
``repay_loan`` closes it.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable
from datetime import date
from typing import Any

from tortoise.connection import get_connection
from tortoise.transactions import in_transaction

from bankcore.chart import LOAN_INTEREST_INCOME, PENAL_INTEREST_INCOME
from bankcore.ledger.batch import lock_accounts, publish_batch, publish_payloads, used_keys, write_entries
from bankcore.ledger.entry import EntryDraft, PostingDraft, credit, debit, request_fingerprint
from bankcore.ledger.posting import PostedEntry
from bankcore.ledger.sql import is_postgres
from bankcore.loans.allocation import DueKind, allocate_payment
from bankcore.loans.penal_sql import Levy, levy_of, materialise, pending_e6_sql, penal_minor_sql
from bankcore.loans.sqlkit import bind, rows
from bankcore.models import EntryType, Loan
from bankcore.services._lookup import gl_account_id

log = logging.getLogger(__name__)

CHUNK_LOANS = 5_000
# PostgreSQL: the collection's transactions run side by side (collection_sql), one per core of
# the database server this was measured on (2): 80,671 EMIs took 21 s in one stream.
COLLECTION_STREAMS = 2

# The loans with something due on ``:d`` that day-end collects (ACTIVE, auto-debit, an
# active repayment account), with what fell due that day and is unpaid (``{penal}``: the
# row's penal charges; ``{only}``: the loans of a chunk, filtered before the aggregate).
_CANDIDATES = (
    "SELECT l.id, a.number AS loan_number, a.ledger_account_id AS loan_ledger, a.status AS loan_status, "
    "ra.ledger_account_id AS repay_ledger, l.currency, l.arrears_tolerance_minor, due.total "
    "FROM loan l JOIN account a ON a.id = l.account_id JOIN account ra ON ra.id = l.repayment_account_id "
    "JOIN (SELECT i.loan_id, SUM(i.principal_minor + i.interest_minor + {penal} - i.paid_principal_minor "
    "- i.paid_interest_minor - i.paid_penal_minor) AS total FROM {source} i{join} "
    "WHERE i.due_date = :d AND i.paid_on IS NULL{only} GROUP BY i.loan_id) due ON due.loan_id = l.id "
    "WHERE l.status = 'ACTIVE' AND l.auto_debit AND ra.status = 'active'"
)


def candidates_sql(conn: Any, levy: Levy | None, on: date, loan_ids: list[int] | None = None, *,
                   rows_table: str | None = None) -> str:
    """The candidates' SELECT (``:d`` the date); ``loan_ids`` limits the instalments read.

    ``rows_table``: read the unpaid rows from that table instead (``collection_sql``'s copy of
    the loans' rows: ``loan_instalment``'s columns, with ``pm`` the row's penal charges through
    the levy, as ``penal_minor_sql`` gives them).
    """
    only = "" if loan_ids is None else f" AND i.loan_id IN ({', '.join(str(int(x)) for x in loan_ids) or 'NULL'})"
    if rows_table is not None:
        return _CANDIDATES.format(source=rows_table, penal="i.pm", join="", only=only)
    if levy is None or on >= levy.levied_through:
        # a row due on ``on`` has no charge after the last levied date: the stored figure, no join
        return _CANDIDATES.format(source="loan_instalment", penal="i.penal_minor", join="", only=only)
    return _CANDIDATES.format(source="loan_instalment", penal=penal_minor_sql(conn, levy, "i", "l2"),
                              join=" JOIN loan l2 ON l2.id = i.loan_id", only=only)


class _Row:
    """An unpaid instalment row as the collection reads and settles it (the columns of its SELECT, in order)."""

    __slots__ = ("id", "loan_id", "number", "due_date", "principal_minor", "interest_minor", "penal_e6", "penal_minor",
                 "paid_principal_minor", "paid_interest_minor", "paid_penal_minor")

    def __init__(self, id: int, loan_id: int, number: int, due_date: Any, principal_minor: int,  # noqa: A002
                 interest_minor: int, penal_e6: int, penal_minor: int, paid_principal_minor: int,
                 paid_interest_minor: int, paid_penal_minor: int) -> None:
        # plain assignments: a loop of setattr over 200,000 rows a day was a tenth of the step's Python
        self.id, self.loan_id, self.number, self.due_date = id, loan_id, number, due_date
        self.principal_minor, self.interest_minor, self.penal_e6, self.penal_minor = (
            principal_minor, interest_minor, penal_e6, penal_minor)
        self.paid_principal_minor, self.paid_interest_minor, self.paid_penal_minor = (
            paid_principal_minor, paid_interest_minor, paid_penal_minor)


def _day(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def collection_fingerprint(loan_id: int, amount_minor: int, currency: str, source_ledger_id: int) -> str:
    """The request fingerprint of a collection: the same as ``repay_loan``'s for the same payment."""
    return request_fingerprint({"op": "repay_loan", "loan": loan_id, "amount": amount_minor,
                                "currency": currency, "source": source_ledger_id})


async def collect_due_instalments(on: date, *, initiator: str, key: Callable[[object], str],
                                  chunk_loans: int = CHUNK_LOANS) -> int:
    """Collect, for every ACTIVE auto-debit loan with an instalment due on ``on``, what is due (see the module docstring).

    ``key(loan_id)`` gives each payment's idempotency key, so a re-run (or a run resumed
    after a crash: each chunk commits whole) collects nothing twice. Returns the number of
    payments made. Loans that cannot pay (no available balance, a closed loan account) are
    skipped; an account below its floor is never debited.
    """
    conn = get_connection("default")
    prefix = key("")
    if is_postgres(conn) and len(prefix) <= 80 and all(key(probe) == f"{prefix}{probe}" for probe in (1, 10**12)):
        # PostgreSQL: every loan at once, in SQL (collection_sql), the same postings to the paisa
        from bankcore.loans.collection_sql import collect_set_based

        paid, payloads = await collect_set_based(on, initiator=initiator, key_prefix=prefix, streams=COLLECTION_STREAMS)
        publish_payloads("loan_repayment", paid, payloads)
        return paid
    ids = [int(r["id"]) for r in await rows(conn, candidates_sql(conn, await levy_of(conn), on) + " ORDER BY l.id", {"d": on})]
    paid = 0
    for start in range(0, len(ids), chunk_loans):
        posted = await _collect_chunk(ids[start:start + chunk_loans], on, initiator=initiator, key=key)
        await publish_batch(posted)
        paid += len(posted)
    return paid


async def _collect_chunk(loan_ids: list[int], on: date, *, initiator: str, key: Callable[[object], str]) -> list[PostedEntry]:
    from bankcore.loans.repayment import close_if_repaid, dues_of

    async with in_transaction() as conn:
        pg = is_postgres(conn)
        id_list = ", ".join(str(int(i)) for i in loan_ids)  # integers from our own query
        if pg:  # the loans first, as repay_loan locks its loan before the accounts
            await conn.execute_query(f"SELECT id FROM loan WHERE id IN ({id_list}) ORDER BY id FOR UPDATE")
        levy = await levy_of(conn)
        candidates = await rows(conn, f"{candidates_sql(conn, levy, on, loan_ids)} AND l.id IN ({id_list}) ORDER BY l.id",
                                {"d": on})
        keys = {int(c["id"]): key(int(c["id"])) for c in candidates}
        done = await used_keys(conn, list(keys.values()))
        candidates = [c for c in candidates if keys[int(c["id"])] not in done]
        if not candidates:
            return []
        locked = await lock_accounts(conn, {int(c["repay_ledger"]) for c in candidates}
                                     | {int(c["loan_ledger"]) for c in candidates})
        # A payment moves the arrears a tolerance is measured against: such loans' charges are
        # brought up to date first (penal_sql); without a tolerance only the rows paid change.
        await materialise(conn, loan_ids=[int(c["id"]) for c in candidates if int(c["arrears_tolerance_minor"]) > 0],
                          levy=levy)
        instalments: dict[int, list[_Row]] = defaultdict(list)
        text, values = bind(conn, (
            f"SELECT i.id, i.loan_id, i.number, i.due_date, i.principal_minor, i.interest_minor, "
            f"i.penal_e6 + {pending_e6_sql(conn, levy)} AS penal_e6, {penal_minor_sql(conn, levy)} AS penal_minor, "
            "i.paid_principal_minor, i.paid_interest_minor, i.paid_penal_minor FROM loan_instalment i "
            f"JOIN loan l ON l.id = i.loan_id WHERE i.loan_id IN ({id_list}) "
            "AND i.due_date <= :d AND i.paid_on IS NULL ORDER BY i.loan_id, i.number"
        ), {"d": on})
        # tuples into slotted rows: dicts and namespaces of 40,000 rows a chunk were a fifth of the step's Python
        found = await conn._connection.fetch(text, *values) if pg else await conn.execute_query(text, values)  # type: ignore[attr-defined]
        for r in (found if pg else found[1]):
            row = _Row(*r)
            if not pg:
                row.due_date = _day(row.due_date)
            instalments[row.loan_id].append(row)
        drafts: list[EntryDraft] = []
        settled: list[tuple[Any, ...]] = []
        maybe_repaid: list[int] = []
        balance = {i: row["balance_minor"] for i, row in locked.items()}
        marked = levy.levied_through if levy else None  # the paid rows keep their charges through it
        for c in candidates:
            loan_id, currency = int(c["id"]), c["currency"]
            repay, loan_ledger = int(c["repay_ledger"]), int(c["loan_ledger"])
            if c["loan_status"] in ("pending", "closed"):
                log.warning("instalment of loan %s not collected: its account is %s", c["loan_number"], c["loan_status"])
                continue
            row = locked[repay]
            available = balance[repay] - row["held_minor"] - (row["floor_minor"] or 0)
            amount = min(int(c["total"]), available)
            if amount <= 0:
                continue
            loan_rows = instalments[loan_id]
            allocation = allocate_payment(amount, dues_of(loan_rows, on))  # type: ignore[arg-type]
            if allocation.unapplied_minor:  # cannot happen: the amount is at most what is due
                log.warning("instalment of loan %s not collected: more than is due", c["loan_number"])
                continue
            by_kind = allocation.settled_by_kind()
            legs: list[PostingDraft] = [debit(repay, amount, currency)]
            if by_kind[DueKind.PRINCIPAL]:
                legs.append(credit(loan_ledger, by_kind[DueKind.PRINCIPAL], currency))
            if by_kind[DueKind.INTEREST]:
                legs.append(credit(await gl_account_id(LOAN_INTEREST_INCOME, currency), by_kind[DueKind.INTEREST], currency))
            charges = by_kind[DueKind.PENAL_CHARGES] + by_kind[DueKind.CHARGES]
            if charges:
                legs.append(credit(await gl_account_id(PENAL_INTEREST_INCOME, currency), charges, currency))
            drafts.append(EntryDraft(
                entry_type=EntryType.LOAN_REPAYMENT, value_date=on,
                narration=f"Instalment of loan {c['loan_number']} collected by standing instruction"[:255],
                initiator=initiator, postings=tuple(legs), idempotency_key=keys[loan_id],
                request_fingerprint=collection_fingerprint(loan_id, amount, currency, repay),
            ))
            balance[repay] -= amount
            if loan_ledger in balance:
                balance[loan_ledger] -= by_kind[DueKind.PRINCIPAL]
                if balance[loan_ledger] <= 0:
                    maybe_repaid.append(loan_id)
            by_number = {r.number: r for r in loan_rows}
            for s in allocation.settlements:
                r = by_number[s.due.instalment_number]
                if s.due.kind is DueKind.PRINCIPAL:
                    r.paid_principal_minor += s.settled_minor
                elif s.due.kind is DueKind.INTEREST:
                    r.paid_interest_minor += s.settled_minor
                else:
                    r.paid_penal_minor += s.settled_minor
            for number in sorted({s.due.instalment_number for s in allocation.settlements}):
                r = by_number[number]
                full = (r.paid_principal_minor >= r.principal_minor and r.paid_interest_minor >= r.interest_minor
                        and r.paid_penal_minor >= r.penal_minor)
                settled.append((int(r.id), r.paid_principal_minor, r.paid_interest_minor, r.paid_penal_minor,
                                on if full else None, int(r.penal_e6), int(r.penal_minor), marked))
        posted = await write_entries(conn, drafts, locked, value_date=on)
        if settled:
            if pg:
                await conn._connection.execute(  # type: ignore[attr-defined]
                    "UPDATE loan_instalment AS i SET paid_principal_minor = v.pp, paid_interest_minor = v.pi, "
                    "paid_penal_minor = v.pn, paid_on = v.paid, penal_e6 = v.e6, penal_minor = v.pm, "
                    "penal_through = COALESCE(v.marked, i.penal_through) FROM unnest($1::bigint[], $2::bigint[], "
                    "$3::bigint[], $4::bigint[], $5::date[], $6::bigint[], $7::bigint[], $8::date[]) "
                    "AS v(id, pp, pi, pn, paid, e6, pm, marked) WHERE i.id = v.id",
                    *[list(col) for col in zip(*settled, strict=True)])
            else:
                await conn.execute_many(
                    "UPDATE loan_instalment SET paid_principal_minor = ?, paid_interest_minor = ?, paid_penal_minor = ?, "
                    "paid_on = ?, penal_e6 = ?, penal_minor = ?, penal_through = COALESCE(?, penal_through) WHERE id = ?",
                    [[pp, pi, pn, d.isoformat() if d else None, e6, pm, m.isoformat() if m else None, i]
                     for i, pp, pi, pn, d, e6, pm, m in settled])
        # repaid in full by this instalment (its last): closed, as repay_loan does (rare, one by one)
        for loan in await Loan.filter(id__in=maybe_repaid).using_db(conn) if maybe_repaid else []:
            await close_if_repaid(loan, on)
    return posted

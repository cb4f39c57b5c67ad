"""The data's history as journal entries, and the reconciliation of every account against the data.

Loans: the principal is never credited to the account in ``trans``, so the disbursal is booked
Dr loan account / Cr clearing (1200), i.e. paid out to another bank. The loan ``amount`` is the
sum of all instalments (no separate interest is given), so the loan account runs down to zero
as ``UVER`` instalments are credited to it. Loans granted after the data's last day are
sanctioned, not yet disbursed: day-end disburses them when the business date reaches their
grant date (``bankcore.loans``).
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

from tortoise.connection import get_connection

from bankcore.berka.mapping import EntryShape, Leg, classify, narration
from bankcore.berka.ordering import AccountOrder, resolve_all
from bankcore.berka.parse import BerkaData, BerkaLoan, Transaction
from bankcore.berka.progress import StageResult, Stages
from bankcore.berka.reconcile import AccountBalance, Reconciliation, reconcile
from bankcore.berka.reference import Keys, need
from bankcore.ledger.bulk import Transfer, write_transfers_bulk
from bankcore.models import EntryType, LedgerKind

INITIATOR = "system:import-berka"


@dataclass(frozen=True, slots=True)
class History:
    """What the entries stage leaves for the later stages."""

    orders: dict[int, AccountOrder]  # resolved same-day order per Berka account id
    loan_expected: dict[int, int]  # each loan's balance by the data: amount - instalments (0 if not yet lent)
    cutoff: date  # the data's last day (``date.max`` without transactions)
    written: int  # entries new in this run


def resolve_order(data: BerkaData) -> tuple[dict[int, AccountOrder], float]:
    """Each account's transactions in resolved same-day order (``ordering``), and the seconds it took."""
    started = time.perf_counter()
    return resolve_all(data.transactions), time.perf_counter() - started


async def write_history(data: BerkaData, stages: Stages, keys: Keys, orders: dict[int, AccountOrder], *,
                        currency: str, chunk_size: int) -> History:
    """Every transaction (and disbursal) of ``data`` as a journal entry, in the history's order; idempotent.

    ``orders`` is ``resolve_order(data)``'s.
    """
    loans_by_account = {loan.account_id: loan for loan in data.loans}
    cutoff = max((t.on for t in data.transactions), default=date.max)
    disbursed = [loan for loan in data.loans if loan.granted_on <= cutoff]
    gl_ids = {leg: keys.gl[leg.value].id for leg in Leg if leg not in (Leg.ACCOUNT, Leg.LOAN)}
    loan_expected: dict[int, int] = {loan.loan_id: loan.amount_minor for loan in data.loans}
    for loan in data.loans:
        if loan.granted_on > cutoff:
            loan_expected[loan.loan_id] = 0  # nothing lent yet

    account_ledger = keys.ledger_of_account
    loan_ledger = keys.loan_ledger
    clearing = gl_ids[Leg.CLEARING]

    def transfers() -> Iterator[Transfer]:
        # Disbursals go first on their day, then the day's transactions by account id
        # and resolved order: entry ids then follow the history. Rows are bucketed by day
        # (accounts taken in id order, each in its resolved order, so a day's bucket is
        # already in order: no sort of a million keys), each with its account's ledger
        # account and loan looked up once per account. Each row goes out as the plain tuple
        # the batch path encodes for COPY (no draft objects: a million of them were a third
        # of the import's Python time).
        disbursals: dict[date, list[BerkaLoan]] = defaultdict(list)
        for loan in sorted(disbursed, key=lambda loan: (loan.granted_on, loan.account_id)):
            disbursals[loan.granted_on].append(loan)
        days: dict[date, list[tuple[Transaction, int, BerkaLoan | None]]] = defaultdict(list)
        for account_id in sorted(orders):
            account = account_ledger.get(account_id) or need(account_ledger, account_id, "account")
            loan = loans_by_account.get(account_id)
            for o in orders[account_id].rows:
                days[o.row.on].append((o.row, account, loan))
        # A row's shape depends only on its type, operation, purpose and whether it repays
        # the account's loan: classified once per combination (a handful), ledger ids with it.
        shapes: dict[tuple[str, str | None, str | None, bool], tuple[EntryShape, int | None, int | None]] = {}
        for day in sorted(days.keys() | disbursals.keys()):
            for loan in disbursals.get(day, ()):
                yield (EntryType.LOAN_DISBURSAL, loan.granted_on,
                       f"Berka loan {loan.loan_id} disbursed through clearing (the data never credits "
                       "the principal to the account)",
                       f"berka-loan-disbursal:{loan.loan_id}", loan_ledger[loan.loan_id], clearing, loan.amount_minor)
            for row, account, loan in days.get(day, ()):
                repays = loan is not None and row.on >= loan.granted_on
                key = (row.type, row.operation, row.k_symbol, repays)
                if (known := shapes.get(key)) is None:
                    shape = classify(row, loan.granted_on if loan else None)
                    known = shapes[key] = (
                        shape,
                        None if shape.debit is Leg.ACCOUNT else gl_ids[shape.debit],
                        None if shape.credit in (Leg.ACCOUNT, Leg.LOAN) else gl_ids[shape.credit],
                    )
                shape, debit_id, credit_id = known
                if shape.credit is Leg.LOAN:
                    credit_id = loan_ledger[loan.loan_id]  # type: ignore[union-attr]
                    loan_expected[loan.loan_id] -= row.amount_minor  # type: ignore[union-attr]
                elif credit_id is None:
                    credit_id = account
                yield (shape.entry_type, row.on, narration(row, shape), f"berka-trans:{row.trans_id}",
                       account if debit_id is None else debit_id, credit_id, row.amount_minor)

    total = len(data.transactions) + len(disbursed)
    entries_started = time.perf_counter()
    written = await write_transfers_bulk(
        transfers(),
        initiator=INITIATOR,
        currency=currency,
        chunk_size=chunk_size,
        on_chunk=lambda done, new: stages.report("journal entries", done, total, entries_started, new, done == total),
    )
    # Reported chunk by chunk above (the last chunk is the final event): only the result is kept here.
    stages.results.append(StageResult("journal entries", total, written, time.perf_counter() - entries_started))
    return History(orders=orders, loan_expected=loan_expected, cutoff=cutoff, written=written)


async def reconcile_accounts(orders: dict[int, AccountOrder], loan_expected: dict[int, int]) -> Reconciliation:
    """Every imported account: cached and posting-derived ledger balance vs the data's."""
    conn = get_connection("default")
    rows = await conn.execute_query_dict(
        "SELECT a.number, a.source_ref, la.balance_minor AS cached, la.kind, COALESCE(s.net, 0) AS net "
        "FROM account a JOIN ledger_account la ON la.id = a.ledger_account_id "
        "LEFT JOIN (SELECT ledger_account_id, "
        "SUM(CASE side WHEN 'D' THEN amount_minor ELSE -amount_minor END) AS net "
        "FROM posting GROUP BY ledger_account_id) s ON s.ledger_account_id = la.id "
        "WHERE a.source_ref LIKE 'berka%'"
    )
    balances: list[AccountBalance] = []
    for row in rows:
        net = int(row["net"])
        natural = net if LedgerKind(row["kind"]).debit_normal else -net
        ref: str = row["source_ref"]
        kind, _, raw_id = ref.partition(":")
        if kind == "berka":
            order = orders.get(int(raw_id))
            data_minor = order.last_data_balance_minor if order else 0
            steps = order.rounding_steps if order else 0
        elif kind == "berka-loan-account":
            # No balance column for loans: expected = amount - instalments in the file.
            data_minor = loan_expected.get(int(raw_id), 0)
            steps = 0
        else:
            continue
        balances.append(AccountBalance(row["number"], ref, int(row["cached"]), natural, data_minor, steps))
    return reconcile(balances)

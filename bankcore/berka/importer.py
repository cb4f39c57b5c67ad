"""Import the Berka / PKDD'99 data set into the bank: idempotent, resumable, set-based.

Stages, each skipping rows whose key already exists (so a second run adds nothing and a
crashed run resumes): chart of accounts and two products; districts -> branches;
clients -> members; accounts -> sub-ledger + account; dispositions -> holders; loans ->
loan sub-ledger + account + contract + disbursal entry; standing orders; cards; then the
transactions as journal entries through the batch ledger path
(``bankcore.ledger.bulk``), in the resolved same-day order (``ordering``), and finally a
reconciliation of every account against the data set's own balances (``reconcile``).

Choices the data forces, stated once:

* Names are anonymised in the source: members are called "Berka client <id>".
* The loan principal is never credited to the account in ``trans``: the disbursal is
  booked Dr loan account / Cr clearing (1200), i.e. paid out to another bank. The loan
  ``amount`` is the sum of all instalments (no separate interest is given), so the
  loan account runs down to zero as ``UVER`` instalments are credited to it.
* Overdrafts happen in the data (down to -5,446.60 CZK), so the savings product allows
  an overdraft of 10,000 CZK; the batch path does not check floors anyway (history is
  fact), but live postings after the import will.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from tortoise.connection import get_connection

from bankcore import chart
from bankcore.calendar.business_date import business_date, set_business_date_at_least
from bankcore.interest.rates import check_rate_bps
from bankcore.berka.mapping import Leg, classify, narration
from bankcore.berka.ordering import AccountOrder, resolve_all
from bankcore.berka.parse import BerkaData, BerkaFormatError, read_all
from bankcore.berka.reconcile import AccountBalance, Reconciliation, reconcile
from bankcore.berka.store import insert_missing
from bankcore.errors import DomainError, ErrorCode
from bankcore.ledger.bulk import write_entries_bulk
from bankcore.ledger.entry import EntryDraft, credit, debit
from bankcore.models import (
    AccountStatus,
    EntryType,
    KycStatus,
    LedgerKind,
    LoanStatus,
    Product,
    ProductKind,
    StatementFrequency,
)
from bankcore.money import Money, currency_exponent
from bankcore.numbering import account_number, member_number

INITIATOR = "system:import-berka"
SAVINGS_PRODUCT = "BERKA-SAV"
LOAN_PRODUCT = "BERKA-LOAN"
SAVINGS_OVERDRAFT_MAJOR = "10000"
# Loan accounts get their own serial range so their numbers never meet a savings
# account's (Berka account ids and loan ids overlap).
LOAN_SERIAL_OFFSET = 50_000_000
ENTRY_CHUNK = 10_000


@dataclass(frozen=True, slots=True)
class ProgressEvent:
    """A progress report: ``done`` of ``total`` rows of ``stage`` after ``elapsed_s`` seconds."""

    stage: str
    done: int
    total: int
    elapsed_s: float
    inserted: int = 0
    final: bool = False

    @property
    def rows_per_s(self) -> float:
        return self.done / self.elapsed_s if self.elapsed_s > 0 else 0.0


Progress = Callable[[ProgressEvent], None]


@dataclass(frozen=True, slots=True)
class StageResult:
    """One stage: rows seen, rows new in this run, seconds taken."""

    name: str
    rows: int
    inserted: int
    seconds: float


@dataclass(frozen=True, slots=True)
class ImportReport:
    """What an import did, and how the ledger reconciles with the data set."""

    stages: tuple[StageResult, ...]
    reconciliation: Reconciliation
    seconds: float
    unchained_accounts: tuple[int, ...] = field(default=())
    rounding_steps: int = 0

    def stage(self, name: str) -> StageResult:
        return next(s for s in self.stages if s.name == name)

    @property
    def inserted(self) -> int:
        return sum(s.inserted for s in self.stages)


class _Stages:
    def __init__(self, progress: Progress | None) -> None:
        self.progress = progress
        self.results: list[StageResult] = []

    def report(self, stage: str, done: int, total: int, started: float, inserted: int, final: bool) -> None:
        if self.progress is not None:
            self.progress(ProgressEvent(stage, done, total, time.perf_counter() - started, inserted, final))

    async def insert(self, stage: str, table: str, columns: tuple[str, ...], rows: list[tuple], key: str) -> dict[str, int]:
        started = time.perf_counter()
        inserted, ids = await insert_missing(table, columns, rows, key=key)
        self.results.append(StageResult(stage, len(rows), inserted, time.perf_counter() - started))
        self.report(stage, len(rows), len(rows), started, inserted, True)
        return ids


def _need(mapping: dict[Any, Any], key: Any, what: str) -> Any:
    try:
        return mapping[key]
    except KeyError:
        raise BerkaFormatError(f"{what} {key} is not in the data set") from None


# The imported savings product's annual rate unless the caller gives one (issue 10: 3.0%).
DEFAULT_SAVINGS_RATE_BPS = 300


async def _ensure_product(code: str, name: str, kind: ProductKind, currency: str, control_id: int, overdraft: int) -> Product:
    product, _ = await Product.get_or_create(
        code=code,
        defaults={
            "name": name, "kind": kind, "currency": currency, "control_account_id": control_id,
            "overdraft_limit_minor": overdraft,
        },
    )
    if product.currency != currency:
        raise DomainError(
            ErrorCode.CURRENCY_MISMATCH,
            f"product {code} exists in {product.currency}; this database already holds a Berka import in that currency",
        )
    return product


async def import_berka(
    *, path: Path | str, currency: str = "CZK", progress: Progress | None = None, chunk_size: int = ENTRY_CHUNK,
    savings_rate_bps: int = DEFAULT_SAVINGS_RATE_BPS,
) -> ImportReport:
    """Read the Berka files in directory ``path`` and import them (see the module docstring).

    Amounts become minor units of ``currency``. The imported savings product earns
    ``savings_rate_bps`` a year (basis points; 300 = 3.0%). Re-running adds nothing. Raises
    ``BerkaFormatError`` for a missing or malformed file and ``DomainError`` for an
    unsupported currency. Differences between the ledger and the data's own balances
    are reported in ``ImportReport.reconciliation``, not raised.
    """
    currency_exponent(currency)  # refuse an unknown currency before reading anything
    started = time.perf_counter()
    data = read_all(path, currency)
    if progress is not None:
        progress(ProgressEvent("read files", len(data.transactions), len(data.transactions),
                               time.perf_counter() - started, 0, True))
    return await import_berka_data(data, currency=currency, progress=progress, chunk_size=chunk_size,
                                   savings_rate_bps=savings_rate_bps)


async def import_berka_data(
    data: BerkaData, *, currency: str = "CZK", progress: Progress | None = None, chunk_size: int = ENTRY_CHUNK,
    savings_rate_bps: int = DEFAULT_SAVINGS_RATE_BPS,
) -> ImportReport:
    """Import already-read Berka ``data`` (the synthetic benchmark feeds this directly)."""
    started = time.perf_counter()
    stages = _Stages(progress)
    now = datetime.now(UTC)

    gl = await chart.ensure_chart(currency=currency)
    overdraft = Money.parse(SAVINGS_OVERDRAFT_MAJOR, currency).amount_minor
    savings = await _ensure_product(SAVINGS_PRODUCT, "Berka savings account", ProductKind.SAVINGS, currency,
                                    gl[chart.SAVINGS_DEPOSITS].id, overdraft)
    loan_product = await _ensure_product(LOAN_PRODUCT, "Berka loan", ProductKind.LOAN, currency, gl[chart.LOANS].id, 0)
    check_rate_bps(savings_rate_bps, field="savings_rate")
    if savings.interest_rate_bps != savings_rate_bps:
        savings.interest_rate_bps = savings_rate_bps
        await savings.save(update_fields=["interest_rate_bps"])
    savings_floor = savings.min_balance_minor - savings.overdraft_limit_minor

    # districts -> branches
    ids = await stages.insert(
        "branches", "branch", ("code", "name", "region", "source_ref", "created_at"),
        [(f"{d.district_id:03d}", d.name, d.region, f"berka-district:{d.district_id}", now) for d in data.districts],
        "source_ref",
    )
    branch_of_district = {d.district_id: ids[f"berka-district:{d.district_id}"] for d in data.districts}

    # clients -> members
    ids = await stages.insert(
        "members", "member",
        ("member_number", "full_name", "date_of_birth", "gender", "branch_id", "kyc_status", "source_ref",
         "created_at", "updated_at"),
        [
            (member_number(serial=c.client_id), f"Berka client {c.client_id}", c.date_of_birth, c.gender,
             _need(branch_of_district, c.district_id, "district"), KycStatus.PENDING, f"berka-client:{c.client_id}",
             now, now)
            for c in data.clients
        ],
        "source_ref",
    )
    member_of_client = {c.client_id: ids[f"berka-client:{c.client_id}"] for c in data.clients}

    # accounts -> sub-ledger accounts + accounts
    numbers = {a.account_id: account_number(branch_code=f"{a.district_id:03d}", serial=a.account_id) for a in data.accounts}
    ledger_columns = ("code", "name", "kind", "currency", "parent_id", "is_control", "tracks_balance", "floor_minor",
                      "balance_minor", "created_at")
    ids = await stages.insert(
        "savings ledger accounts", "ledger_account", ledger_columns,
        [
            (numbers[a.account_id], f"Berka account {a.account_id}", LedgerKind.LIABILITY, currency,
             gl[chart.SAVINGS_DEPOSITS].id, False, True, savings_floor, 0, now)
            for a in data.accounts
        ],
        "code",
    )
    ledger_of_account = {a.account_id: ids[numbers[a.account_id]] for a in data.accounts}
    account_columns = ("number", "ledger_account_id", "product_id", "branch_id", "status", "opened_on",
                       "statement_frequency", "source_ref", "created_at")
    ids = await stages.insert(
        "savings accounts", "account", account_columns,
        [
            (numbers[a.account_id], ledger_of_account[a.account_id], savings.id,
             _need(branch_of_district, a.district_id, "district"), AccountStatus.ACTIVE, a.opened_on, a.frequency,
             f"berka:{a.account_id}", now)
            for a in data.accounts
        ],
        "source_ref",
    )
    account_row = {a.account_id: ids[f"berka:{a.account_id}"] for a in data.accounts}
    district_of_account = {a.account_id: a.district_id for a in data.accounts}

    # dispositions -> holders
    ids = await stages.insert(
        "holders", "account_holder", ("account_id", "member_id", "role", "source_ref", "created_at"),
        [
            (_need(account_row, d.account_id, "account"), _need(member_of_client, d.client_id, "client"), d.role,
             f"berka-disp:{d.disp_id}", now)
            for d in data.dispositions
        ],
        "source_ref",
    )
    holder_of_disp = {d.disp_id: ids[f"berka-disp:{d.disp_id}"] for d in data.dispositions}

    # loans -> loan sub-ledger accounts, loan accounts, contracts
    loan_numbers = {
        loan.loan_id: account_number(
            branch_code=f"{_need(district_of_account, loan.account_id, 'account'):03d}",
            serial=LOAN_SERIAL_OFFSET + loan.loan_id,
        )
        for loan in data.loans
    }
    ids = await stages.insert(
        "loan ledger accounts", "ledger_account", ledger_columns,
        [
            (loan_numbers[loan.loan_id], f"Berka loan {loan.loan_id}", LedgerKind.ASSET, currency,
             gl[chart.LOANS].id, False, True, None, 0, now)
            for loan in data.loans
        ],
        "code",
    )
    loan_ledger = {loan.loan_id: ids[loan_numbers[loan.loan_id]] for loan in data.loans}
    ids = await stages.insert(
        "loan accounts", "account", account_columns,
        [
            (loan_numbers[loan.loan_id], loan_ledger[loan.loan_id], loan_product.id,
             branch_of_district[district_of_account[loan.account_id]], AccountStatus.ACTIVE, loan.granted_on,
             StatementFrequency.MONTHLY, f"berka-loan-account:{loan.loan_id}", now)
            for loan in data.loans
        ],
        "source_ref",
    )
    await stages.insert(
        "loans", "loan",
        ("account_id", "repayment_account_id", "granted_on", "amount_minor", "currency", "duration_months",
         "instalment_minor", "status", "source_status", "source_ref", "created_at"),
        [
            (ids[f"berka-loan-account:{loan.loan_id}"], account_row[loan.account_id], loan.granted_on,
             loan.amount_minor, currency, loan.duration_months, loan.instalment_minor, LoanStatus.ACTIVE, loan.status,
             f"berka-loan:{loan.loan_id}", now)
            for loan in data.loans
        ],
        "source_ref",
    )

    await stages.insert(
        "standing orders", "standing_order",
        ("account_id", "bank_to", "account_to", "amount_minor", "currency", "purpose", "source_ref"),
        [
            (_need(account_row, o.account_id, "account"), o.bank_to, o.account_to, o.amount_minor, currency,
             o.k_symbol, f"berka-order:{o.order_id}")
            for o in data.orders
        ],
        "source_ref",
    )
    await stages.insert(
        "cards", "card", ("holder_id", "card_type", "issued_on", "source_ref"),
        [
            (_need(holder_of_disp, c.disp_id, "disposition"), c.card_type, c.issued_on, f"berka-card:{c.card_id}")
            for c in data.cards
        ],
        "source_ref",
    )

    # transactions -> journal entries
    resolve_started = time.perf_counter()
    orders = resolve_all(data.transactions)
    stages.report("resolve same-day order", len(data.transactions), len(data.transactions), resolve_started, 0, True)
    loans_by_account = {loan.account_id: loan for loan in data.loans}
    # Loans granted after the data's last day are sanctioned, not yet disbursed: day-end
    # disburses them when the business date reaches their grant date (bankcore.loans).
    cutoff = max((t.on for t in data.transactions), default=date.max)
    disbursed = [loan for loan in data.loans if loan.granted_on <= cutoff]
    gl_ids = {leg: gl[leg.value].id for leg in Leg if leg not in (Leg.ACCOUNT, Leg.LOAN)}
    loan_expected: dict[int, int] = {loan.loan_id: loan.amount_minor for loan in data.loans}
    for loan in data.loans:
        if loan.granted_on > cutoff:
            loan_expected[loan.loan_id] = 0  # nothing lent yet

    def drafts() -> Iterator[EntryDraft]:
        # Disbursals go first on their day, then the day's transactions by account id
        # and resolved order: entry ids then follow the history.
        keyed: list[tuple[tuple[date, int, int, int], Any]] = [
            ((loan.granted_on, 0, loan.account_id, 0), loan) for loan in data.loans if loan.granted_on <= cutoff
        ]
        for order in orders.values():
            keyed.extend(((o.row.on, 1, order.account_id, i), o.row) for i, o in enumerate(order.rows))
        keyed.sort(key=lambda item: item[0])
        for _, item in keyed:
            if not hasattr(item, "trans_id"):
                loan = item
                yield EntryDraft(
                    entry_type=EntryType.LOAN_DISBURSAL, value_date=loan.granted_on,
                    narration=f"Berka loan {loan.loan_id} disbursed through clearing (the data never credits "
                    "the principal to the account)",
                    initiator=INITIATOR,
                    postings=(debit(loan_ledger[loan.loan_id], loan.amount_minor, currency),
                              credit(gl_ids[Leg.CLEARING], loan.amount_minor, currency)),
                    source_ref=f"berka-loan-disbursal:{loan.loan_id}",
                )
                continue
            row = item
            loan = loans_by_account.get(row.account_id)
            shape = classify(row, loan.granted_on if loan else None)
            legs = {Leg.ACCOUNT: _need(ledger_of_account, row.account_id, "account")}
            if shape.credit is Leg.LOAN:
                legs[Leg.LOAN] = loan_ledger[loan.loan_id]  # type: ignore[union-attr]
                loan_expected[loan.loan_id] -= row.amount_minor  # type: ignore[union-attr]
            yield EntryDraft(
                entry_type=shape.entry_type, value_date=row.on, narration=narration(row, shape), initiator=INITIATOR,
                postings=(debit(legs.get(shape.debit) or gl_ids[shape.debit], row.amount_minor, currency),
                          credit(legs.get(shape.credit) or gl_ids[shape.credit], row.amount_minor, currency)),
                source_ref=f"berka-trans:{row.trans_id}",
            )

    total = len(data.transactions) + len(disbursed)
    entries_started = time.perf_counter()
    written = await write_entries_bulk(
        drafts(),
        chunk_size=chunk_size,
        on_chunk=lambda done, new: stages.report("journal entries", done, total, entries_started, new, done == total),
    )
    stages.results.append(StageResult("journal entries", total, written, time.perf_counter() - entries_started))

    conn = get_connection("default")
    if conn.capabilities.dialect == "postgres" and (written or any(r.inserted for r in stages.results)):
        # A bulk load leaves the planner's statistics behind the tables (autovacuum has
        # not caught up): without this, set-based checks right after an import (the
        # reconciliation below, ``coopbank verify``) pick nested loops over millions of rows.
        analyze_started = time.perf_counter()
        await conn.execute_script(
            "ANALYZE branch, member, ledger_account, account, account_holder, loan, standing_order, card, "
            "journal_entry, posting"
        )
        stages.results.append(StageResult("analyze", 0, 0, time.perf_counter() - analyze_started))
        stages.report("analyze", 0, 0, analyze_started, 0, True)

    if data.transactions:
        # The bank's calendar picks up where the data's history ends (never moving back).
        await set_business_date_at_least(max(t.on for t in data.transactions))

    if data.loans:
        from bankcore.loans.berka import adopt_berka_loans

        adopt_started = time.perf_counter()
        adopted = await adopt_berka_loans(cutoff=min(cutoff, await business_date()))
        stages.results.append(StageResult("loan schedules", len(data.loans), adopted, time.perf_counter() - adopt_started))
        stages.report("loan schedules", len(data.loans), len(data.loans), adopt_started, adopted, True)

    recon_started = time.perf_counter()
    reconciliation = await _reconcile(orders, loan_expected)
    stages.results.append(StageResult("reconciliation", reconciliation.accounts, 0, time.perf_counter() - recon_started))
    stages.report("reconciliation", reconciliation.accounts, reconciliation.accounts, recon_started, 0, True)
    return ImportReport(
        stages=tuple(stages.results),
        reconciliation=reconciliation,
        seconds=time.perf_counter() - started,
        unchained_accounts=tuple(a for a, o in orders.items() if not o.chained),
        rounding_steps=sum(o.rounding_steps for o in orders.values()),
    )


async def _reconcile(orders: dict[int, AccountOrder], loan_expected: dict[int, int]) -> Reconciliation:
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


def rounding_summary(report: ImportReport) -> dict[str, int]:
    """Counts of differing accounts by difference in minor units (for the CLI summary)."""
    counts: dict[int, int] = defaultdict(int)
    for account in report.reconciliation.differences:
        counts[account.difference_minor] += 1
    return {str(k): v for k, v in sorted(counts.items())}

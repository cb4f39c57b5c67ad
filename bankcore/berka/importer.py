"""Import the Berka / PKDD'99 data set into the bank: idempotent, resumable, set-based.

Stages, each skipping rows whose key already exists (so a second run adds nothing and a
crashed run resumes): chart of accounts and two products; districts -> branches;
clients -> members; accounts -> sub-ledger + account; dispositions -> holders; loans ->
loan sub-ledger + account + contract + disbursal entry; standing orders; cards
(``reference``); the transactions as journal entries through the batch ledger path
(``bankcore.ledger.bulk``), in the resolved same-day order (``ordering``), as soon as the
ledger accounts exist (on PostgreSQL beside the members, accounts, holders, loans, orders
and cards); then the loans' schedules and a reconciliation of every account against the
data set's own balances (``journal``).

The data's dates are kept, or moved by whole years (``shift_years``, see ``shift``), so that a
demo runs in today's years; the bank's business date then follows the data's last day.
"""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

from tortoise.connection import get_connection

from bankcore.berka.journal import INITIATOR, History, reconcile_accounts, resolve_order, write_history
from bankcore.berka.parse import BerkaData, read_all
from bankcore.berka.reconcile import Reconciliation
from bankcore.berka.progress import ImportReport, Progress, ProgressEvent, StageResult, Stages, rounding_summary
from bankcore.berka.reference import (
    DEFAULT_SAVINGS_RATE_BPS,
    LOAN_PRODUCT,
    LOAN_SERIAL_OFFSET,
    SAVINGS_OVERDRAFT_MAJOR,
    SAVINGS_PRODUCT,
    Keys,
    _in_turn,
    _together,
    insert_reference_rows,
)
from bankcore.berka.shift import shift_years as shift_data
from bankcore.calendar.business_date import business_date, set_business_date_at_least
from bankcore.errors import DomainError, ErrorCode
from bankcore.models import Account
from bankcore.money import currency_exponent
from bankcore.reports.base import gc_paused

ENTRY_CHUNK = 10_000

__all__ = [
    "DEFAULT_SAVINGS_RATE_BPS", "ENTRY_CHUNK", "INITIATOR", "LOAN_PRODUCT", "LOAN_SERIAL_OFFSET",
    "SAVINGS_OVERDRAFT_MAJOR", "SAVINGS_PRODUCT", "ImportReport", "Progress", "ProgressEvent", "StageResult",
    "import_berka", "import_berka_data", "rounding_summary",
]


async def import_berka(
    *, path: Path | str, currency: str = "CZK", progress: Progress | None = None, chunk_size: int = ENTRY_CHUNK,
    savings_rate_bps: int = DEFAULT_SAVINGS_RATE_BPS, shift_years: int = 0,
) -> ImportReport:
    """Read the Berka files in directory ``path`` and import them (see the module docstring).

    Amounts become minor units of ``currency``. The imported savings product earns
    ``savings_rate_bps`` a year (basis points; 300 = 3.0%). Every date of the data moves by
    ``shift_years`` whole years (0: the data's own dates; ``coopbank demo`` uses 32). Re-running
    adds nothing. Raises ``BerkaFormatError`` for a missing or malformed file and ``DomainError``
    for an unsupported currency, a shift that lands a 29 February in a common year
    (``INVALID_DATE``) or one that differs from this database's earlier import (``INVALID_INPUT``).
    Differences between the ledger and the data's own balances are reported in
    ``ImportReport.reconciliation``, not raised.
    """
    currency_exponent(currency)  # refuse an unknown currency before reading anything
    started = time.perf_counter()
    data = shift_data(read_all(path, currency), shift_years)
    if progress is not None:
        progress(ProgressEvent("read files", len(data.transactions), len(data.transactions),
                               time.perf_counter() - started, 0, True))
    return await import_berka_data(data, currency=currency, progress=progress, chunk_size=chunk_size,
                                   savings_rate_bps=savings_rate_bps)


async def _refuse_other_dates(data: BerkaData) -> None:
    """An account imported before with another opening date means another shift: refuse to mix the two."""
    if not data.accounts:
        return
    first = data.accounts[0]
    held = await Account.get_or_none(source_ref=f"berka:{first.account_id}").only("id", "opened_on")
    if held is not None and held.opened_on != first.opened_on:
        raise DomainError(
            ErrorCode.INVALID_INPUT,
            f"this database holds the Berka data with account {first.account_id} opened on "
            f"{held.opened_on.isoformat()}, not {first.opened_on.isoformat()}: import it with the same --shift-years",
        )


async def import_berka_data(
    data: BerkaData, *, currency: str = "CZK", progress: Progress | None = None, chunk_size: int = ENTRY_CHUNK,
    savings_rate_bps: int = DEFAULT_SAVINGS_RATE_BPS,
) -> ImportReport:
    """Import already-read Berka ``data`` (the synthetic benchmark feeds this directly)."""
    # The import holds millions of live objects (the data's rows, the resolved order):
    # each time allocations trip the cyclic collector it walks them all again, for
    # nothing (measured: a quarter of the import's Python time). Reference counting
    # still frees everything as it goes.
    with gc_paused():
        return await _import(data, currency=currency, progress=progress, chunk_size=chunk_size,
                             savings_rate_bps=savings_rate_bps)


async def _import(data: BerkaData, *, currency: str, progress: Progress | None, chunk_size: int,
                  savings_rate_bps: int) -> ImportReport:
    started = time.perf_counter()
    stages = Stages(progress)
    await _refuse_other_dates(data)
    # The same-day order is pure Python over the transactions: worked out in a thread while
    # the reference rows go in (mostly the database's work, this process waiting on it).
    resolving = asyncio.ensure_future(asyncio.to_thread(resolve_order, data))

    async def entries(keys: Keys) -> History:
        orders, resolve_seconds = await resolving
        stages.report("resolve same-day order", len(data.transactions), len(data.transactions),
                      time.perf_counter() - resolve_seconds, 0, True)
        return await write_history(data, stages, keys, orders, currency=currency, chunk_size=chunk_size)

    try:
        # The entries need only the ledger accounts: they go in beside the rest of the
        # reference rows (members, accounts, loans, ...) on PostgreSQL.
        _, written = await insert_reference_rows(data, stages, currency=currency, savings_rate_bps=savings_rate_bps,
                                                 alongside=entries)
    except BaseException:
        resolving.add_done_callback(lambda f: f.cancelled() or f.exception())
        raise
    history: History = written  # type: ignore[assignment]  # given ``alongside``, its result

    conn = get_connection("default")
    if conn.capabilities.dialect == "postgres" and (history.written or any(r.inserted for r in stages.results)):
        # A bulk load leaves the planner's statistics behind the tables (autovacuum has
        # not caught up): without this, set-based checks right after an import (the
        # reconciliation below, ``coopbank verify``) pick nested loops over millions of rows.
        analyze_started = time.perf_counter()
        await conn.execute_script(
            "ANALYZE branch, member, ledger_account, account, account_holder, loan, standing_order, card, "
            "journal_entry, posting"
        )
        stages.record("analyze", 0, 0, analyze_started)

    if data.transactions:
        # The bank's calendar picks up where the data's history ends (never moving back).
        await set_business_date_at_least(history.cutoff)

    async def schedules() -> tuple[int, float]:
        from bankcore.loans.berka import adopt_berka_loans

        adopt_started = time.perf_counter()
        adopted = await adopt_berka_loans(cutoff=min(history.cutoff, await business_date()))
        return adopted, time.perf_counter() - adopt_started

    async def reconcile() -> tuple[Reconciliation, float]:
        recon_started = time.perf_counter()
        result = await reconcile_accounts(history.orders, history.loan_expected)
        return result, time.perf_counter() - recon_started

    # The loans' schedules are one long statement on one PostgreSQL backend; the
    # reconciliation reads only the ledger: on PostgreSQL they run at once, each on its own
    # connection (SQLite's one connection takes them in turn). Reported in this order.
    together = _together if conn.capabilities.dialect == "postgres" else _in_turn
    if data.loans:
        (adopted, adopt_seconds), (reconciliation, recon_seconds) = await together(schedules(), reconcile())
        stages.record("loan schedules", len(data.loans), adopted, time.perf_counter() - adopt_seconds)
    else:
        reconciliation, recon_seconds = await reconcile()
    stages.record("reconciliation", reconciliation.accounts, 0, time.perf_counter() - recon_seconds)
    return ImportReport(
        stages=tuple(stages.results),
        reconciliation=reconciliation,
        seconds=time.perf_counter() - started,
        unchained_accounts=tuple(a for a, o in history.orders.items() if not o.chained),
        rounding_steps=sum(o.rounding_steps for o in history.orders.values()),
    )

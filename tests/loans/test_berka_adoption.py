"""Set-based adoption of the Berka loans gives the rows the per-instalment code gave (issue 11 item 12).

The oracle is the adoption as it was before it went set-based: ``berka_schedule`` and the
payments applied row by row, oldest first (``_apply_row_by_row``, kept here verbatim).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tortoise import connections
from tortoise.exceptions import IntegrityError

from bankcore.berka.importer import import_berka
from bankcore.calendar.business_date import business_date
from bankcore.chart import CLEARING
from bankcore.ledger.entry import EntryDraft, credit, debit
from bankcore.ledger.posting import post_entry
from bankcore.loans.berka import adopt_berka_loans, apply_payments, berka_schedule, berka_terms
from bankcore.models import Account, EntryType, Loan, LoanInstalment, Posting
from bankcore.services._lookup import gl_account_id
from coopbank.commands.demo import BUNDLED


def _apply_row_by_row(schedule: list[tuple[int, date, int]], payments: list[tuple[date, int]]) -> list[tuple[int, date | None]]:
    paid = [0] * len(schedule)
    on: list[date | None] = [None] * len(schedule)
    index = 0
    for day, amount in payments:
        while amount > 0 and index < len(schedule):
            take = min(amount, schedule[index][2] - paid[index])
            paid[index] += take
            amount -= take
            if paid[index] == schedule[index][2]:
                on[index] = day
                index += 1
    return list(zip(paid, on, strict=True))


def _rows_from(amount: int, instalment: int, granted: date, payments: list[tuple[date, int]]) -> list[tuple[int, int, date | None]]:
    terms = berka_terms(amount, instalment, granted)
    applied, full = apply_payments(terms, payments)
    done = dict(full)
    return [(k + 1, max(0, min(p, applied - terms.instalment_minor * k)), done.get(k + 1))
            for k, (_, _, p) in enumerate(berka_schedule(amount, instalment, granted))]


@settings(deadline=None, max_examples=200)
@given(instalment=st.integers(1, 10**6), count=st.integers(1, 72), last=st.floats(0.01, 1),
       start=st.dates(date(1993, 1, 1), date(1998, 12, 31)),
       payments=st.lists(st.tuples(st.integers(0, 2000), st.integers(0, 10**6)), max_size=40))
def test_apply_payments_gives_what_row_by_row_application_gave(instalment: int, count: int, last: float, start: date,
                                                                payments: list[tuple[int, int]]) -> None:
    amount = instalment * (count - 1) + max(1, int(instalment * last))
    dated = sorted((start + timedelta(days=d), a) for d, a in payments)
    schedule = berka_schedule(amount, instalment, start)
    expected = [(n, p, on) for (n, _, _), (p, on) in zip(schedule, _apply_row_by_row(schedule, dated), strict=True)]
    assert _rows_from(amount, instalment, start, dated) == expected


async def _compare_with_row_by_row() -> dict[str, int]:
    """Every Berka loan's rows, status and dates against the row-by-row oracle; the statuses seen."""
    seen: dict[str, int] = defaultdict(int)
    for loan in await Loan.filter(source_ref__startswith="berka-loan:").order_by("id"):
        account = await Account.get(id=loan.account_id)
        credits = [(p.value_date, p.amount_minor) for p in
                   await Posting.filter(ledger_account_id=account.ledger_account_id, side="C").order_by("value_date", "id")]
        schedule = berka_schedule(loan.amount_minor, loan.instalment_minor, loan.granted_on)
        granted = loan.disbursed_on is not None
        expected = _apply_row_by_row(schedule, credits if granted else [])
        got = await LoanInstalment.filter(loan_id=loan.id).order_by("number")
        assert [(r.number, r.due_date, r.principal_minor, r.interest_minor, r.paid_principal_minor, r.paid_on)
                for r in got] == [(n, due, p, 0, paid, on) for (n, due, p), (paid, on) in zip(schedule, expected, strict=True)]
        repaid = granted and all(p == s[2] for s, (p, _) in zip(schedule, expected, strict=True))
        assert loan.status == ("CLOSED" if repaid else "ACTIVE" if granted else "SANCTIONED")
        assert loan.closed_on == (max(on for _, on in expected if on) if repaid else None)
        assert (loan.duration_months, loan.repayment_day, loan.disburse_to, loan.auto_debit) == (len(schedule), 12, "CLEARING", True)
        assert loan.member_id is not None and loan.sanctioned_on == loan.granted_on
        seen[loan.status] += 1
        seen["partly paid rows"] += sum(1 for r in got if 0 < r.paid_principal_minor < r.principal_minor)
    return seen


async def test_adopted_loans_have_the_rows_status_and_dates_the_row_by_row_code_gave(db: str) -> None:
    # given the bundled slice imported (its loans adopted set-based)
    await import_berka(path=BUNDLED)
    # then every loan is what the row-by-row code made of it
    seen = await _compare_with_row_by_row()
    assert seen["ACTIVE"] and seen["SANCTIONED"], seen
    # when two running loans get more repayments (one the whole rest, one half an instalment) and are adopted again
    active = await Loan.filter(source_ref__startswith="berka-loan:", status="ACTIVE").order_by("id").limit(2)
    on = await business_date()
    for loan, share in zip(active, (None, 2), strict=True):
        ledger = (await Account.get(id=loan.account_id)).ledger_account_id
        paid = sum(r.paid_principal_minor for r in await LoanInstalment.filter(loan_id=loan.id))
        amount = loan.amount_minor - paid if share is None else loan.instalment_minor // share
        await post_entry(EntryDraft(
            entry_type=EntryType.LOAN_REPAYMENT, value_date=on, narration="test repayment", initiator="test",
            postings=(debit(await gl_account_id(CLEARING, loan.currency), amount, loan.currency),
                      credit(ledger, amount, loan.currency)),
            idempotency_key=f"extra-{loan.id}", request_fingerprint="test"))
    await LoanInstalment.all().delete()
    await Loan.filter(source_ref__startswith="berka-loan:").update(repayment_day=None, status="SANCTIONED", closed_on=None)
    await adopt_berka_loans(cutoff=on)
    # then the repaid one is CLOSED on the day, the other has a partly paid row, as row by row
    seen = await _compare_with_row_by_row()
    assert seen["CLOSED"] == 1 and seen["partly paid rows"] >= 1, seen


_DEFINITIONS = (
    "SELECT pg_get_indexdef(indexrelid) AS d FROM pg_index WHERE indrelid = 'loan_instalment'::regclass "
    "UNION ALL SELECT conname || ' ' || pg_get_constraintdef(oid) FROM pg_constraint "
    "WHERE conrelid = 'loan_instalment'::regclass ORDER BY 1"
)


@pytest.mark.postgres
async def test_the_first_adoption_restores_every_index_and_key_it_set_aside(db: str) -> None:
    # given the instalment table's indexes and constraints before any loan is adopted
    conn = connections.get("default")
    before = [r["d"] for r in await conn.execute_query_dict(_DEFINITIONS)]
    assert any("FOREIGN KEY" in d for d in before) and len(before) >= 5, before
    # when the bundled slice is imported into the empty table (the indexes built after the load)
    await import_berka(path=BUNDLED)
    # then the same indexes and constraints are there, and the key holds
    assert [r["d"] for r in await conn.execute_query_dict(_DEFINITIONS)] == before
    assert await LoanInstalment.all().count() > 0
    with pytest.raises(IntegrityError):
        await LoanInstalment.filter(id=(await LoanInstalment.first()).id).update(loan_id=10**9)


@pytest.mark.postgres
async def test_a_reader_of_the_instalments_keeps_their_indexes_and_the_adoption_still_runs(db: str) -> None:
    import asyncpg

    from tests.conftest import PG_SERVER

    # given another session reading loan_instalment (its lock held) while the bundled slice is imported
    conn = connections.get("default")
    before = [r["d"] for r in await conn.execute_query_dict(_DEFINITIONS)]
    other = await asyncpg.connect(PG_SERVER.replace("postgres://", "postgresql://", 1) + "/" + db.rsplit("/", 1)[1])
    try:
        reader = other.transaction()
        await reader.start()
        await other.execute("LOCK TABLE loan_instalment IN ACCESS SHARE MODE")
        # when the adoption finds the table in use (it waits a second for the lock, then loads with the indexes)
        await import_berka(path=BUNDLED)
        await reader.rollback()
    finally:
        await other.close()
    # then the loans are what the row-by-row code made of them, and nothing was dropped
    seen = await _compare_with_row_by_row()
    assert seen["ACTIVE"] and seen["SANCTIONED"], seen
    assert [r["d"] for r in await conn.execute_query_dict(_DEFINITIONS)] == before
    assert (await conn.execute_query_dict("SHOW lock_timeout"))[0]["lock_timeout"] == "0"

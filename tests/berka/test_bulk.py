"""The batch ledger path: set-based writes that keep cached balances equal to postings."""

from __future__ import annotations

from datetime import date

import pytest

from bankcore.chart import CASH, CLEARING, FEE_INCOME, SAVINGS_DEPOSITS, ensure_chart
from bankcore.errors import DomainError, ErrorCode
from bankcore.ledger.bulk import write_entries_bulk
from bankcore.ledger.entry import EntryDraft, credit, debit
from bankcore.models import EntryType, JournalEntry, LedgerAccount, LedgerKind, Posting

D = date(1993, 1, 5)


async def _member_account(code: str, parent: LedgerAccount, kind: LedgerKind = LedgerKind.LIABILITY) -> LedgerAccount:
    return await LedgerAccount.create(
        code=code, name=code, kind=kind, currency="CZK", parent=parent, tracks_balance=True, floor_minor=0
    )


def _draft(ref: str, dr: int, cr: int, amount: int, entry_type: EntryType = EntryType.TRANSFER) -> EntryDraft:
    return EntryDraft(
        entry_type=entry_type, value_date=D, narration=f"test {ref}", initiator="system:test",
        postings=(debit(dr, amount, "CZK"), credit(cr, amount, "CZK")), source_ref=ref,
    )


async def _sum_natural(account: LedgerAccount) -> int:
    total = 0
    for p in await Posting.filter(ledger_account_id=account.id):
        signed = p.amount_minor if p.side == "D" else -p.amount_minor
        total += signed
    return total if account.kind in ("asset", "expense") else -total


async def test_bulk_writes_entries_and_balances_and_is_idempotent(db: str) -> None:
    chart = await ensure_chart(currency="CZK")
    a = await _member_account("A-1", chart[SAVINGS_DEPOSITS])
    b = await _member_account("B-1", chart[SAVINGS_DEPOSITS])
    cash, clearing, fees = chart[CASH].id, chart[CLEARING].id, chart[FEE_INCOME].id
    drafts = [
        _draft("t:1", cash, a.id, 100_00, EntryType.CASH_DEPOSIT),
        _draft("t:2", a.id, b.id, 30_00),
        _draft("t:3", b.id, fees, 14_60, EntryType.FEE),
        # overdraft past the floor: history is fact, the batch path does not refuse it
        _draft("t:4", a.id, clearing, 500_00, EntryType.OUTWARD_TRANSFER),
        _draft("t:5", cash, b.id, 7, EntryType.CASH_DEPOSIT),
    ]
    calls: list[tuple[int, int]] = []
    written = await write_entries_bulk(drafts, chunk_size=2, on_chunk=lambda p, w: calls.append((p, w)))
    assert written == 5
    assert calls == [(2, 2), (4, 4), (5, 5)]
    await a.refresh_from_db()
    await b.refresh_from_db()
    assert a.balance_minor == 100_00 - 30_00 - 500_00
    assert b.balance_minor == 30_00 - 14_60 + 7
    assert a.balance_minor == await _sum_natural(a)
    assert b.balance_minor == await _sum_natural(b)
    # GL accounts do not track balances: their cached value stays untouched
    assert (await LedgerAccount.get(id=cash)).balance_minor == 0
    entries = await JournalEntry.all().order_by("id")
    assert [e.source_ref for e in entries] == ["t:1", "t:2", "t:3", "t:4", "t:5"]
    assert entries[0].initiator == "system:test" and entries[0].value_date == D
    assert await Posting.all().count() == 10

    # a re-run, and a run that overlaps, add only what is new
    assert await write_entries_bulk(drafts, chunk_size=3) == 0
    assert await write_entries_bulk([*drafts, _draft("t:6", cash, a.id, 1_00)], chunk_size=4) == 1
    await a.refresh_from_db()
    assert a.balance_minor == 100_00 - 30_00 - 500_00 + 1_00 == await _sum_natural(a)


async def test_asset_accounts_grow_with_debits(db: str) -> None:
    chart = await ensure_chart(currency="CZK")
    from bankcore.chart import LOANS

    loan = await _member_account("L-1", chart[LOANS], LedgerKind.ASSET)
    saving = await _member_account("S-1", chart[SAVINGS_DEPOSITS])
    await write_entries_bulk([
        _draft("l:1", loan.id, chart[CLEARING].id, 1000_00, EntryType.LOAN_DISBURSAL),
        _draft("l:2", saving.id, loan.id, 100_00, EntryType.LOAN_REPAYMENT),
    ])
    await loan.refresh_from_db()
    await saving.refresh_from_db()
    assert loan.balance_minor == 900_00
    assert saving.balance_minor == -100_00


@pytest.mark.parametrize(
    ("bad", "code"),
    [
        ("no-ref", ErrorCode.INVALID_INPUT),
        ("dup-ref", ErrorCode.INVALID_INPUT),
        ("control", ErrorCode.NOT_POSTABLE),
        ("unknown", ErrorCode.NOT_FOUND),
        ("currency", ErrorCode.CURRENCY_MISMATCH),
        ("unbalanced", ErrorCode.UNBALANCED_ENTRY),
    ],
)
async def test_bulk_refuses_what_would_corrupt_the_ledger(db: str, bad: str, code: ErrorCode) -> None:
    chart = await ensure_chart(currency="CZK")
    a = await _member_account("A-1", chart[SAVINGS_DEPOSITS])
    cash = chart[CASH].id
    ok = _draft("x:1", cash, a.id, 100)
    drafts = {
        "no-ref": [EntryDraft(EntryType.TRANSFER, D, "n", "i", ok.postings)],
        "dup-ref": [ok, ok],
        "control": [_draft("x:2", cash, chart[SAVINGS_DEPOSITS].id, 100)],
        "unknown": [_draft("x:2", cash, 999_999, 100)],
        "currency": [EntryDraft(EntryType.TRANSFER, D, "n", "i", (debit(cash, 1, "EUR"), credit(a.id, 1, "EUR")), source_ref="x:3")],
        "unbalanced": [EntryDraft(EntryType.TRANSFER, D, "n", "i", (debit(cash, 2, "CZK"), credit(a.id, 1, "CZK")), source_ref="x:4")],
    }[bad]
    with pytest.raises(DomainError) as err:
        await write_entries_bulk(drafts)
    assert err.value.code == code
    assert await JournalEntry.all().count() == 0
    await a.refresh_from_db()
    assert a.balance_minor == 0

"""The batch ledger path: set-based writes that keep cached balances equal to postings."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from tortoise.connection import get_connection

from bankcore.chart import CASH, CLEARING, FEE_INCOME, SAVINGS_DEPOSITS, ensure_chart
from bankcore.errors import DomainError, ErrorCode
from bankcore.ledger.bulk import write_entries_bulk, write_transfers_bulk
from bankcore.ledger.entry import EntryDraft, credit, debit
from bankcore.models import EntryType, JournalEntry, LedgerAccount, LedgerKind, Posting
from bankcore.verify import verify_ledger

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


async def test_transfers_go_straight_to_the_ledger_in_order_and_once(db: str) -> None:
    chart = await ensure_chart(currency="CZK")
    a = await _member_account("A-1", chart[SAVINGS_DEPOSITS])
    b = await _member_account("B-1", chart[SAVINGS_DEPOSITS])
    cash, clearing, fees = chart[CASH].id, chart[CLEARING].id, chart[FEE_INCOME].id
    # What COPY's text format must escape, in a narration and a source_ref.
    odd = "tab\there, back\\slash, new\nline, return\r, \\N"
    rows = [
        (EntryType.CASH_DEPOSIT, D, odd, "t:1\tx", cash, a.id, 100_00),
        (EntryType.TRANSFER, D, "a to b", "t:2", a.id, b.id, 30_00),
        ("fee", D + timedelta(days=1), "fee", "t:3", b.id, fees, 14_60),
        (EntryType.OUTWARD_TRANSFER, D + timedelta(days=1), "overdraft: history is fact", "t:4", a.id, clearing, 500_00),
        (EntryType.CASH_DEPOSIT, D + timedelta(days=2), "small", "t:5", cash, b.id, 7),
    ]
    calls: list[tuple[int, int]] = []
    written = await write_transfers_bulk(rows, initiator="system:test", currency="CZK", chunk_size=2, streams=2,
                                         on_chunk=lambda p, w: calls.append((p, w)))
    assert written == 5
    assert calls == [(2, 2), (4, 4), (5, 5)]  # after each commit, in order
    await a.refresh_from_db()
    await b.refresh_from_db()
    assert a.balance_minor == 100_00 - 30_00 - 500_00 == await _sum_natural(a)
    assert b.balance_minor == 30_00 - 14_60 + 7 == await _sum_natural(b)

    entries = await JournalEntry.all().order_by("id")
    assert [e.source_ref for e in entries] == ["t:1\tx", "t:2", "t:3", "t:4", "t:5"]  # ids follow the input
    assert entries[0].narration == odd and entries[0].entry_type == EntryType.CASH_DEPOSIT
    assert entries[2].entry_type == EntryType.FEE and entries[2].value_date == D + timedelta(days=1)
    assert {e.initiator for e in entries} == {"system:test"}
    assert all(e.idempotency_key is None and e.reverses_id is None for e in entries)
    postings = await Posting.all().order_by("id")
    # Posting ids follow the entries too, each entry's debit first.
    assert [(p.entry_id, p.side) for p in postings] == [(e.id, side) for e in entries for side in ("D", "C")]
    assert postings[0].value_date == D and postings[0].currency == "CZK"

    # A re-run adds nothing; an overlapping run only what is new.
    assert await write_transfers_bulk(rows, initiator="system:test", currency="CZK", chunk_size=3) == 0
    more = [*rows, (EntryType.CASH_DEPOSIT, D, "more", "t:6", cash, a.id, 1_00)]
    assert await write_transfers_bulk(more, initiator="system:test", currency="CZK", chunk_size=4) == 1
    await a.refresh_from_db()
    assert a.balance_minor == 100_00 - 30_00 - 500_00 + 1_00 == await _sum_natural(a)
    assert (await verify_ledger()).ok


@pytest.mark.parametrize(
    ("bad", "code"),
    [
        ("no-ref", ErrorCode.INVALID_INPUT),
        ("dup-ref", ErrorCode.INVALID_INPUT),
        ("zero", ErrorCode.NON_POSITIVE_AMOUNT),
        ("huge", ErrorCode.INVALID_AMOUNT),
        ("type", ErrorCode.INVALID_INPUT),
        ("control", ErrorCode.NOT_POSTABLE),
        ("unknown", ErrorCode.NOT_FOUND),
        ("currency", ErrorCode.CURRENCY_MISMATCH),
        ("unsupported", ErrorCode.UNSUPPORTED_CURRENCY),
    ],
)
async def test_transfers_refuse_what_would_corrupt_the_ledger(db: str, bad: str, code: ErrorCode) -> None:
    chart = await ensure_chart(currency="CZK")
    a = await _member_account("A-1", chart[SAVINGS_DEPOSITS])
    cash = chart[CASH].id
    ok = (EntryType.TRANSFER, D, "n", "x:1", cash, a.id, 100)
    rows, currency = {
        "no-ref": ([(EntryType.TRANSFER, D, "n", "", cash, a.id, 100)], "CZK"),
        "dup-ref": ([ok, ok], "CZK"),
        "zero": ([(EntryType.TRANSFER, D, "n", "x:2", cash, a.id, 0)], "CZK"),
        "huge": ([(EntryType.TRANSFER, D, "n", "x:2", cash, a.id, 10**16)], "CZK"),
        "type": ([("gift", D, "n", "x:2", cash, a.id, 1)], "CZK"),
        "control": ([(EntryType.TRANSFER, D, "n", "x:2", cash, chart[SAVINGS_DEPOSITS].id, 100)], "CZK"),
        "unknown": ([(EntryType.TRANSFER, D, "n", "x:2", cash, 999_999, 100)], "CZK"),
        "currency": ([ok], "EUR"),
        "unsupported": ([ok], "XXX"),
    }[bad]
    with pytest.raises(DomainError) as err:
        await write_transfers_bulk(rows, initiator="system:test", currency=currency)
    assert err.value.code == code
    assert await JournalEntry.all().count() == 0
    await a.refresh_from_db()
    assert a.balance_minor == 0


@pytest.mark.parametrize("ledger", ["empty", "holding an entry"])
async def test_what_committed_before_an_error_is_a_prefix_of_the_input(db: str, ledger: str) -> None:
    # An empty ledger takes the first-load path on PostgreSQL (one transaction, a savepoint
    # per chunk), one holding an entry the streams: the same prefix either way.
    chart = await ensure_chart(currency="CZK")
    a = await _member_account("A-1", chart[SAVINGS_DEPOSITS])
    cash = chart[CASH].id
    before = [_draft("p:0", cash, a.id, 100)] if ledger != "empty" else []
    assert await write_entries_bulk(before) == len(before)
    drafts = [_draft(f"p:{i}", cash, a.id, 100) for i in range(1, 9)]
    drafts[4] = _draft("p:5", cash, 999_999, 100)  # the third chunk names an unknown account
    calls: list[tuple[int, int]] = []
    with pytest.raises(DomainError) as err:
        await write_entries_bulk(drafts, chunk_size=2, streams=2, on_chunk=lambda p, w: calls.append((p, w)))
    assert err.value.code == ErrorCode.NOT_FOUND
    assert calls == [(2, 2), (4, 4)]
    expected = [d.source_ref for d in before] + ["p:1", "p:2", "p:3", "p:4"]
    assert [e.source_ref for e in await JournalEntry.all().order_by("id")] == expected
    await a.refresh_from_db()
    assert a.balance_minor == 100 * len(expected) == await _sum_natural(a)
    assert (await verify_ledger()).ok


@pytest.mark.postgres
async def test_a_first_load_keeps_the_chunks_before_one_the_database_refuses(db: str) -> None:
    import asyncpg

    chart = await ensure_chart(currency="CZK")
    a = await _member_account("A-1", chart[SAVINGS_DEPOSITS])
    rows = [(EntryType.CASH_DEPOSIT, D, "n", f"q:{i}", chart[CASH].id, a.id, 100) for i in range(4)]
    rows[3] = (EntryType.CASH_DEPOSIT, D, "n", "q:" + "9" * 60, chart[CASH].id, a.id, 100)  # too long for its column
    with pytest.raises(asyncpg.StringDataRightTruncationError):
        await write_transfers_bulk(rows, initiator="system:test", currency="CZK", chunk_size=2)
    assert [e.source_ref for e in await JournalEntry.all().order_by("id")] == ["q:0", "q:1"]
    indexes = await get_connection("default").execute_query_dict(
        "SELECT indexname FROM pg_indexes WHERE indexname IN ('posting_account_date_idx', 'journal_entry_source_ref_key')")
    assert len(indexes) == 2  # restored with the chunks kept
    await a.refresh_from_db()
    assert a.balance_minor == 200 == await _sum_natural(a)
    assert (await verify_ledger()).ok


async def test_a_ref_repeated_in_a_later_chunk_is_written_once(db: str) -> None:
    chart = await ensure_chart(currency="CZK")
    a = await _member_account("A-1", chart[SAVINGS_DEPOSITS])
    rows = [(EntryType.CASH_DEPOSIT, D, "n", ref, chart[CASH].id, a.id, 100) for ref in ("r:1", "r:2", "r:1", "r:3")]
    assert await write_transfers_bulk(rows, initiator="system:test", currency="CZK", chunk_size=2) == 3
    assert [e.source_ref for e in await JournalEntry.all().order_by("id")] == ["r:1", "r:2", "r:3"]
    await a.refresh_from_db()
    assert a.balance_minor == 300 == await _sum_natural(a)


@pytest.mark.postgres
async def test_a_first_load_leaves_indexes_and_trigger_as_the_migration_made_them(db: str) -> None:
    conn = get_connection("default")
    query = ("SELECT indexname, indexdef FROM pg_indexes WHERE tablename IN ('posting', 'journal_entry') "
             "UNION ALL SELECT tgname::text, tgenabled::text FROM pg_trigger WHERE tgrelid = 'posting'::regclass "
             "ORDER BY 1")
    before = await conn.execute_query_dict(query)
    assert {"posting_account_date_idx", "journal_entry_source_ref_key", "posting_refs_exist"} <= {
        r["indexname"] for r in before}
    chart = await ensure_chart(currency="CZK")
    a = await _member_account("A-1", chart[SAVINGS_DEPOSITS])
    rows = [(EntryType.CASH_DEPOSIT, D, "n", f"i:{i}", chart[CASH].id, a.id, 100) for i in range(5)]
    # Dropped (the trigger disabled) for the load into empty tables, restored before its commit.
    assert await write_transfers_bulk(rows, initiator="system:test", currency="CZK", chunk_size=2) == 5
    assert await conn.execute_query_dict(query) == before
    # The unique index is back: a second entry with a loaded ref is refused.
    with pytest.raises(Exception, match="journal_entry_source_ref_key"):
        await conn.execute_script(
            "INSERT INTO journal_entry (entry_type, value_date, posted_at, narration, initiator, source_ref) "
            "VALUES ('transfer', '1993-01-05', now(), 'n', 'x', 'i:1')")
    with pytest.raises(DomainError):
        await write_transfers_bulk([(EntryType.CASH_DEPOSIT, D, "n", "i:9", chart[CASH].id, 999_999, 1)],
                                   initiator="system:test", currency="CZK")
    assert await conn.execute_query_dict(query) == before


@pytest.mark.postgres
async def test_a_load_while_postings_are_being_read_keeps_the_index_and_goes_row_by_row(db: str) -> None:
    import asyncpg

    chart = await ensure_chart(currency="CZK")
    a = await _member_account("A-1", chart[SAVINGS_DEPOSITS])
    reader = await asyncpg.connect(db.replace("postgres://", "postgresql://", 1))
    try:
        reader_tx = reader.transaction()
        await reader_tx.start()
        await reader.fetch("SELECT * FROM posting")  # holds ACCESS SHARE until it ends
        rows = [(EntryType.CASH_DEPOSIT, D, "n", f"r:{i}", chart[CASH].id, a.id, 100) for i in range(3)]
        assert await write_transfers_bulk(rows, initiator="system:test", currency="CZK") == 3
        await reader_tx.rollback()
    finally:
        await reader.close()
    await a.refresh_from_db()
    assert a.balance_minor == 300
    found = await get_connection("default").execute_query_dict(
        "SELECT 1 FROM pg_indexes WHERE tablename = 'posting' AND indexname = 'posting_account_date_idx'")
    assert found

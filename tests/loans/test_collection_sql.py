"""PostgreSQL's set-based collection (``collection_sql``) posts what the Python batch path posts.

Twin loans (same borrower setup, amounts and arrears) are collected one by
``collect_set_based`` and one by ``collection._collect_chunk`` (the path SQLite keeps, whose
own test compares it with ``repay_loan``): entries, legs, fingerprints, NOTIFY payloads and
instalment rows must match to the paisa, for a loan paid in full, an account short of the EMI,
an overdue instalment with penal charges, a loan with an arrears tolerance, three loans
sharing one repayment account, and a loan closed by its last instalment.
"""

from __future__ import annotations

import asyncio
import json
from datetime import date, timedelta

import asyncpg
import pytest

from bankcore.errors import DomainError, ErrorCode
from bankcore.events import LEDGER_CHANNEL, decode_ledger_events
from bankcore.loans.classify import classify_loans, levy_penal_charges
from bankcore.loans.collection import _collect_chunk, collection_fingerprint
from bankcore.loans.collection_sql import collect_set_based
from bankcore.loans.lifecycle import find_loan
from bankcore.loans.repayment import repay_loan
from bankcore.models import Account, JournalEntry, LedgerAccount, Loan, LoanInstalment, OutboxEvent, Posting
from bankcore.money import Money
from bankcore.verify import verify_ledger
from tests.loans.factory import active_loan, borrower, loan_bank, move_to
from tests.loans.test_collection_batch import FIRST_DUE, SECOND_DUE, _cap_available, _legs, _paid

pytestmark = pytest.mark.postgres

PREFIX = f"eod:{SECOND_DUE.isoformat()}:loans.collect_dues:"


async def _pay(loan_id: int, number: int, key: str) -> None:
    """Instalment ``number`` paid on its due date (today) by the borrower."""
    loan = await Loan.get(id=loan_id)
    row = await LoanInstalment.get(loan_id=loan_id, number=number)
    await repay_loan(loan_number=(await Account.get(id=loan.account_id)).number,
                     amount=Money(row.principal_minor + row.interest_minor, "INR"), initiator="test",
                     idempotency_key=f"{key}:{loan_id}", from_account_number=(await Account.get(id=loan.repayment_account_id)).number)


async def _pay_first(loan_id: int) -> None:
    await _pay(loan_id, 1, "feb")


async def _entry(loan_id: int) -> JournalEntry:
    [entry] = await JournalEntry.filter(idempotency_key=f"{PREFIX}{loan_id}")
    return entry


async def _roles(loan_id: int) -> dict[int, str]:
    loan = await Loan.get(id=loan_id)
    roles = {(await Account.get(id=loan.account_id)).ledger_account_id: "loan",
             (await Account.get(id=loan.repayment_account_id)).ledger_account_id: "repayment account"}
    for p in await Posting.filter(entry_id=(await _entry(loan_id)).id):
        roles.setdefault(p.ledger_account_id, (await LedgerAccount.get(id=p.ledger_account_id)).code)
    return roles


async def _event(loan_id: int) -> tuple:
    """The entry's outbox payload with ledger ids named by role (twins differ only in ids)."""
    entry = await _entry(loan_id)
    [outbox] = await OutboxEvent.filter(topic="entry.posted", ref_id=entry.id)
    roles = await _roles(loan_id)
    events = decode_ledger_events(outbox.payload)
    assert events[0].entry_id == entry.id
    data = json.loads(outbox.payload)
    # (encode_ledger_events' order: accounts and balances by ledger id)
    assert data["a"] == sorted(data["a"]) and [b[0] for b in data["b"]] == sorted(b[0] for b in data["b"])
    return (data["t"], data["d"], sorted(roles[i] for i in data["a"]), sorted((roles[i], b, c) for i, b, c in data["b"]))


@pytest.mark.parametrize("streams", [1, 2])
async def test_set_based_collection_posts_what_the_python_path_posts(db: str, streams: int) -> None:
    # given twin pairs: paid in full; short of the EMI; overdue with penal charges; with an
    # arrears tolerance; three loans on one account (the third gets nothing); closed by its last EMI
    await loan_bank(penal_bps=2400, tolerance_minor=0)
    full = await _twins("150000.00")
    short = await _twins("150000.00")
    late = await _twins("150000.00", amount="60000.00")
    tolerant = await _twins("150000.00", amount="60000.00")
    last = await _twins("150000.00", tenure=3)
    moved = await _twins("150000.00")  # repaid from an account opened after the loan: its id is the larger
    for loan_id, name in zip(moved[:2], ("Payer A", "Payer B"), strict=True):
        payer = await borrower(deposit="150000.00", name=name)
        await Loan.filter(id=loan_id).update(repayment_account_id=(await Account.get(number=payer.savings)).id)
    shared = []
    for name in ("Shared A", "Shared B"):
        b = await borrower(deposit="400000.00", name=name)
        shared.append((b.savings, [(await find_loan(await active_loan(b))).id for _ in range(3)]))
    for loan_id in (*late[:2], *tolerant[:2]):
        await Loan.filter(id=loan_id).update(auto_debit=False)
    for loan_id in tolerant[:2]:
        await Loan.filter(id=loan_id).update(arrears_tolerance_minor=500_00)
    await move_to(FIRST_DUE)
    for loan_id in (*full[:2], *short[:2], *last[:2], *moved[:2], *shared[0][1], *shared[1][1]):
        await _pay_first(loan_id)
    for loan_id in last[:2]:  # the second instalment moved to today and paid too: the third is the last
        await LoanInstalment.filter(loan_id=loan_id, number=2).update(due_date=FIRST_DUE)
        await LoanInstalment.filter(loan_id=loan_id, number=3).update(due_date=SECOND_DUE)
        await _pay(loan_id, 2, "feb2")
    await move_to(date(2025, 2, 20))
    for day in range(5, 21):  # the late twins' first instalment draws penal charges
        await classify_loans(date(2025, 2, day))
        await levy_penal_charges(date(2025, 2, day))
    for loan_id in (*late[:2], *tolerant[:2]):
        await Loan.filter(id=loan_id).update(auto_debit=True)
    await move_to(SECOND_DUE)
    for savings in short[2:]:
        await _cap_available(savings, 3_000_00)
    emi = await LoanInstalment.get(loan_id=shared[0][1][0], number=2)
    for savings, _ in shared:  # the first loan paid in full, the second in part, the third nothing
        await _cap_available(savings, emi.principal_minor + emi.interest_minor + 1_234_56)
    # when the set-based path collects the first twin of each pair and the Python path the second
    pairs = [full, short, late, tolerant, last, moved]
    one = [p[0] for p in pairs] + shared[0][1]
    two = [p[1] for p in pairs] + shared[1][1]
    listener = await asyncpg.connect(db)
    heard: list[str] = []
    await listener.add_listener(LEDGER_CHANNEL, lambda *args: heard.append(args[3]))
    paid, payloads = await collect_set_based(SECOND_DUE, initiator="day-end", key_prefix=PREFIX, loan_ids=one,
                                            streams=streams)
    posted = await _collect_chunk(two, SECOND_DUE, initiator="day-end", key=lambda loan_id: f"{PREFIX}{loan_id}")
    # then both made the same payments, to the paisa, with the same legs, rows, fingerprints and events
    assert paid == len(posted) == 8 and len(payloads) == paid
    for a, b in zip(one, two, strict=True):
        if a == shared[0][1][2]:
            assert not await JournalEntry.filter(idempotency_key=f"{PREFIX}{a}").exists()
            assert not await JournalEntry.filter(idempotency_key=f"{PREFIX}{b}").exists()
            continue
        assert await _legs(a, SECOND_DUE) == await _legs(b, SECOND_DUE)
        assert await _paid(a) == await _paid(b)
        assert await _event(a) == await _event(b)
        entry = await _entry(a)
        loan = await Loan.get(id=a)
        repay = (await Account.get(id=loan.repayment_account_id)).ledger_account_id
        debit = (await _legs(a, SECOND_DUE))[0][2]
        assert entry.request_fingerprint == collection_fingerprint(a, debit, "INR", repay)
        number = (await Account.get(id=loan.account_id)).number
        assert entry.narration == f"Instalment of loan {number} collected by standing instruction"
        assert entry.initiator == (await _entry(b)).initiator == "day-end"
        assert (await Loan.get(id=a)).status == (await Loan.get(id=b)).status
    assert (await Loan.get(id=last[0])).status == "CLOSED"
    # the returned payloads are the NOTIFYs, in entry order
    ids = [json.loads(p)["e"] for p in payloads]
    assert ids == sorted(ids) and set(ids) == {(await _entry(a)).id for a in one if a != shared[0][1][2]}
    # and each stream sent them as NOTIFYs at its commit, in entry order (the other instances' relays)
    for _ in range(50):
        if len(heard) >= 2 * paid:  # (the Python path's twins are heard too)
            break
        await asyncio.sleep(0.05)
    await listener.close()
    ours = [p for p in heard if p in set(payloads)]
    assert sorted(ours) == sorted(payloads)
    if streams == 1:
        assert ours == payloads
    # and a second run collects nothing (the keys are used)
    assert await collect_set_based(SECOND_DUE, initiator="day-end", key_prefix=PREFIX, loan_ids=one,
                                   streams=streams) == (0, [])
    for savings, _ in shared:
        ledger = await LedgerAccount.get(id=(await Account.get(number=savings)).ledger_account_id)
        assert ledger.balance_minor == ledger.floor_minor
    assert (await verify_ledger()).ok


async def _twins(deposit: str, amount: str = "100000.00", tenure: int = 12) -> tuple[int, int, str, str]:
    a, b = await borrower(deposit=deposit, name="Twin A"), await borrower(deposit=deposit, name="Twin B")
    one, two = await active_loan(a, amount=amount, tenure=tenure), await active_loan(b, amount=amount, tenure=tenure)
    return (await find_loan(one)).id, (await find_loan(two)).id, a.savings, b.savings


async def test_the_last_emi_collected_closes_a_loan_against_a_deposit_and_releases_its_lien(db: str) -> None:
    # given a 3-month loan against a fixed deposit whose first two instalments are paid, the
    # third falling due today (the set-based path closes the other loans in one statement;
    # this one goes through close_if_repaid, which also releases the lien)
    from bankcore.deposits.lien import lien_capacity
    from bankcore.loans.lifecycle import disburse_loan, sanction_loan_against_lien
    from tests.ledger.factory import inr
    from tests.loans.test_lien import depositor_and_lad_product

    member, _, fd = await depositor_and_lad_product()
    loan = await sanction_loan_against_lien(member_number=member.member_number, product_code="LAD", amount=inr("30000.00"),
                                            tenure_months=3, deposit_account_number=fd.number, lien_minor=40_000_00,
                                            staff=("staff:1", "staff:2", "staff:3"))
    await disburse_loan(loan_number=(await loan.account).number, initiator="staff:3")
    rows = await LoanInstalment.filter(loan_id=loan.id).order_by("number")
    await move_to(rows[0].due_date)
    await LoanInstalment.filter(loan_id=loan.id, number=2).update(due_date=rows[0].due_date)
    await _pay(loan.id, 1, "one")
    await _pay(loan.id, 2, "two")
    last = rows[0].due_date.replace(day=rows[0].due_date.day + 1)
    await LoanInstalment.filter(loan_id=loan.id, number=3).update(due_date=last)
    await move_to(last)
    assert await lien_capacity(deposit_number=fd.number) == 100_000_00 - 40_000_00
    # a collection valued after the business date is refused before anything is locked or written
    prefix = f"eod:{last.isoformat()}:loans.collect_dues:"
    with pytest.raises(DomainError) as future:
        await collect_set_based(last + timedelta(days=1), initiator="day-end", key_prefix=prefix)
    assert future.value.code == ErrorCode.VALUE_DATE_IN_FUTURE
    # when day-end collects the last instalment
    assert (await collect_set_based(last, initiator="day-end", key_prefix=prefix, streams=2))[0] == 1
    # then the loan is closed, standard, and its deposit free of the lien
    closed = await Loan.get(id=loan.id)
    assert (closed.status, closed.closed_on, closed.asset_class) == ("CLOSED", last, "STANDARD")
    assert await lien_capacity(deposit_number=fd.number) == 90_000_00  # 90 % of the deposit, no lien left
    assert (await verify_ledger()).ok


async def test_the_payload_lists_its_accounts_in_ascending_order_whatever_is_absent(db: str) -> None:
    """The payload's account list (a sorting network in SQL) against Python's ``sorted``, for
    every order of four ids and every choice of absent ones (a leg of 0 is no posting)."""
    from itertools import permutations, product

    from tortoise.connection import get_connection

    from bankcore.loans.collection_sql import _ascending_ids_sql

    cases = [tuple(None if gone else v for v, gone in zip(order, absent, strict=True))
             for order in permutations((7, 30, 2_000_001, 45)) for absent in product((False, True), repeat=4)]
    values = ", ".join("(" + ", ".join("NULL::bigint" if v is None else f"{v}::bigint" for v in c) + ")" for c in cases)
    found = await get_connection("default").execute_query_dict(
        f"SELECT {_ascending_ids_sql('w', 'x', 'y', 'z')} AS ids FROM (VALUES {values}) AS t(w, x, y, z)")
    assert [r["ids"] for r in found] == [",".join(str(v) for v in sorted(v for v in c if v is not None)) for c in cases]

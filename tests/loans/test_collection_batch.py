"""The set-based day-end collection posts exactly what the per-loan ``repay_loan`` path posted.

Twin loans (same borrower setup, same amounts, same arrears) are collected one through
the batch path and one through the former per-loan loop (kept below as the reference);
their entries, postings and instalment rows must match to the paisa.
"""

from __future__ import annotations

import logging
from datetime import date

from bankcore.chart import LOAN_INTEREST_INCOME, PENAL_INTEREST_INCOME
from bankcore.errors import DomainError
from bankcore.loans.classify import classify_loans, levy_penal_charges
from bankcore.loans.collection import candidates_sql, _collect_chunk, collect_due_instalments
from bankcore.loans.lifecycle import find_loan
from bankcore.loans.repayment import repay_loan
from bankcore.loans.sqlkit import rows
from bankcore.models import Account, JournalEntry, LedgerAccount, Loan, LoanInstalment, Posting
from bankcore.money import Money
from bankcore.services._lookup import gl_account_id
from bankcore.verify import verify_ledger
from tests.loans.factory import active_loan, borrower, loan_bank, move_to

FIRST_DUE, SECOND_DUE = date(2025, 2, 5), date(2025, 3, 5)


async def _reference_collect(loan_ids: list[int], on: date, key) -> int:
    """The per-loan collection as it was before the batch path (one ``repay_loan`` per loan)."""
    from tortoise.connection import get_connection

    conn = get_connection("default")
    found = await rows(conn, (
        "SELECT l.id, a.number AS loan_number, ra.number AS repay_number, l.currency, due.total, "
        "la.balance_minor - la.held_minor - COALESCE(la.floor_minor, 0) AS available "
        "FROM loan l JOIN account a ON a.id = l.account_id JOIN account ra ON ra.id = l.repayment_account_id "
        "JOIN ledger_account la ON la.id = ra.ledger_account_id "
        "JOIN (SELECT loan_id, SUM(principal_minor + interest_minor + penal_minor - paid_principal_minor "
        "- paid_interest_minor - paid_penal_minor) AS total FROM loan_instalment "
        "WHERE due_date = :d AND paid_on IS NULL GROUP BY loan_id) due ON due.loan_id = l.id "
        "WHERE l.status = 'ACTIVE' AND l.auto_debit AND ra.status = 'active' "
        f"AND l.id IN ({', '.join(str(i) for i in loan_ids)}) ORDER BY l.id"
    ), {"d": on})
    paid = 0
    for row in found:
        amount = min(int(row["total"]), int(row["available"]))
        if amount <= 0:
            continue
        try:
            await repay_loan(
                loan_number=row["loan_number"], amount=Money(amount, row["currency"]), initiator="day-end",
                idempotency_key=key(row["id"]), from_account_number=row["repay_number"], value_date=on,
                narration=f"Instalment of loan {row['loan_number']} collected by standing instruction",
                allow_prepayment=False,
            )
            paid += 1
        except DomainError as exc:
            logging.getLogger(__name__).warning("not collected: %s", exc.message)
    return paid


async def _legs(loan_id: int, on: date) -> list[tuple[str, str, int]]:
    """The collection entry of ``loan_id`` on ``on`` as (side, role, amount): role names the account's part."""
    loan = await Loan.get(id=loan_id)
    loan_ledger = (await Account.get(id=loan.account_id)).ledger_account_id
    repay_ledger = (await Account.get(id=loan.repayment_account_id)).ledger_account_id
    [entry] = await JournalEntry.filter(narration__contains="collected by standing instruction", value_date=on,
                                        idempotency_key__endswith=f":{loan_id}")
    legs = []
    for p in await Posting.filter(entry_id=entry.id).order_by("id"):
        role = ("repayment account" if p.ledger_account_id == repay_ledger else "loan" if p.ledger_account_id == loan_ledger
                else (await LedgerAccount.get(id=p.ledger_account_id)).code)
        legs.append((p.side, role, p.amount_minor))
    assert entry.entry_type == "loan_repayment" and entry.value_date == on
    return legs


async def _paid(loan_id: int) -> list[tuple[int, int, int, int, date | None]]:
    return [(r.number, r.paid_principal_minor, r.paid_interest_minor, r.paid_penal_minor, r.paid_on)
            for r in await LoanInstalment.filter(loan_id=loan_id).order_by("number")]


async def _twins(deposit: str, amount: str = "100000.00") -> tuple[int, int, str, str]:
    a, b = await borrower(deposit=deposit, name="Twin A"), await borrower(deposit=deposit, name="Twin B")
    one, two = await active_loan(a, amount=amount), await active_loan(b, amount=amount)
    return (await find_loan(one)).id, (await find_loan(two)).id, a.savings, b.savings


async def _cap_available(savings: str, available_minor: int) -> None:
    """Leave ``available_minor`` spendable in ``savings`` (a minimum balance just below its balance)."""
    account = await Account.get(number=savings)
    ledger = await LedgerAccount.get(id=account.ledger_account_id)
    await LedgerAccount.filter(id=ledger.id).update(floor_minor=ledger.balance_minor - available_minor)


async def test_the_batch_collection_posts_what_repay_loan_posted_for_full_short_and_overdue_loans(db: str) -> None:
    # given three pairs of twin loans: paid in full; the account short of the EMI; one
    # instalment already overdue with penal charges on it (paid first, RBI order)
    await loan_bank(penal_bps=2400, tolerance_minor=0)
    full = await _twins("150000.00")
    short = await _twins("150000.00")
    late = await _twins("150000.00", amount="60000.00")
    for loan_id in late[:2]:
        await Loan.filter(id=loan_id).update(auto_debit=False)
    await move_to(FIRST_DUE)
    for loan_id in (*full[:2], *short[:2]):  # the first EMI paid on time by the other twins
        first = await LoanInstalment.get(loan_id=loan_id, number=1)
        savings = (await Account.get(id=(await Loan.get(id=loan_id)).repayment_account_id)).number
        await repay_loan(loan_number=(await Account.get(id=(await Loan.get(id=loan_id)).account_id)).number,
                         amount=Money(first.principal_minor + first.interest_minor, "INR"), initiator="test",
                         idempotency_key=f"feb:{loan_id}", from_account_number=savings)
    await move_to(date(2025, 2, 20))
    for day in range(5, 21):  # the late twins' first instalment draws penal charges
        await classify_loans(date(2025, 2, day))
        await levy_penal_charges(date(2025, 2, day))
    for loan_id in late[:2]:
        await Loan.filter(id=loan_id).update(auto_debit=True)
    await move_to(SECOND_DUE)
    for savings in short[2:]:
        await _cap_available(savings, 3_000_00)
    # when the batch path collects the first twin of each pair and the per-loan path the second
    key = lambda loan_id: f"eod:{SECOND_DUE.isoformat()}:loans.collect_dues:{loan_id}"  # noqa: E731
    batch = await _collect_chunk([full[0], short[0], late[0]], SECOND_DUE, initiator="day-end", key=key)
    reference = await _reference_collect([full[1], short[1], late[1]], SECOND_DUE, key)
    # then both paths made the same payments, to the paisa, with the same legs in the same order
    assert len(batch) == reference == 3
    for one, two, *_ in (full, short, late):
        assert await _legs(one, SECOND_DUE) == await _legs(two, SECOND_DUE)
        assert await _paid(one) == await _paid(two)
    # the short account paid exactly what it could; the overdue loan paid its penal charges first
    short_legs = await _legs(short[0], SECOND_DUE)
    assert short_legs[0] == ("D", "repayment account", 3_000_00)
    late_legs = await _legs(late[0], SECOND_DUE)
    penal_code = (await LedgerAccount.get(id=await gl_account_id(PENAL_INTEREST_INCOME, "INR"))).code
    interest_code = (await LedgerAccount.get(id=await gl_account_id(LOAN_INTEREST_INCOME, "INR"))).code
    assert [leg[1] for leg in late_legs] == ["repayment account", "loan", interest_code, penal_code]
    late_first = await LoanInstalment.get(loan_id=late[0], number=1)
    assert late_first.paid_penal_minor == late_first.penal_minor == late_legs[3][2] > 0
    assert (await verify_ledger()).ok


async def test_the_batch_collection_is_idempotent_and_never_takes_a_shared_account_below_its_floor(db: str) -> None:
    # given one borrower with two loans repaid from the same savings account, which can
    # pay the first EMI and only part of the second
    await loan_bank(penal_bps=0, tolerance_minor=0)
    b = await borrower(deposit="150000.00")
    first, second = await active_loan(b), await active_loan(b)
    emi = (await LoanInstalment.get(loan_id=(await find_loan(first)).id, number=1))
    emi_minor = emi.principal_minor + emi.interest_minor
    await move_to(FIRST_DUE)
    await _cap_available(b.savings, emi_minor + 1_000_00)
    key = lambda loan_id: f"eod:{FIRST_DUE.isoformat()}:loans.collect_dues:{loan_id}"  # noqa: E731
    # when day-end collects, twice (a re-run after a crash)
    assert await collect_due_instalments(FIRST_DUE, initiator="day-end", key=key, chunk_loans=1) == 2
    assert await collect_due_instalments(FIRST_DUE, initiator="day-end", key=key) == 0
    # then the first loan was paid in full, the second got what was left, down to the floor exactly
    one, two = (await find_loan(first)).id, (await find_loan(second)).id
    assert (await _legs(one, FIRST_DUE))[0] == ("D", "repayment account", emi_minor)
    assert (await _legs(two, FIRST_DUE))[0] == ("D", "repayment account", 1_000_00)
    savings = await LedgerAccount.get(id=(await Account.get(number=b.savings)).ledger_account_id)
    assert savings.balance_minor == savings.floor_minor
    assert await JournalEntry.filter(narration__contains="collected by standing instruction").count() == 2
    assert (await verify_ledger()).ok
    # and nothing else is due today, so the candidates query finds only the short loan
    from tortoise.connection import get_connection

    from bankcore.loans.penal_sql import levy_of

    conn = get_connection("default")
    left = await rows(conn, candidates_sql(conn, await levy_of(conn), FIRST_DUE), {"d": FIRST_DUE})
    assert [int(r["id"]) for r in left] == [two]

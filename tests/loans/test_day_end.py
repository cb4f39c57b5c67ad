"""Loans at day-end: collection, accrual, penal charges, SMA/NPA walk (boundaries 30/31, 60/61, 90/91, 12 months), books."""

from __future__ import annotations

from datetime import date, timedelta

from bankcore.calendar.runner import run_day_end
from bankcore.chart import LOAN_INTEREST_INCOME, LOAN_INTEREST_RECEIVABLE, OVERDUE_INTEREST_RESERVE
from bankcore.classification.npa import classify_loan
from bankcore.classification.overdue import Demand, Repayment
from bankcore.loans.book import loan_book
from bankcore.loans.classify import accrued_interest, classify_loans, levy_penal_charges
from bankcore.loans.lifecycle import find_loan
from bankcore.loans.repayment import dues_of, instalment_rows, repay_loan
from bankcore.models import Loan, LoanInstalment
from bankcore.money import Money
from bankcore.verify import verify_ledger
from tests.loans.factory import active_loan, borrower, loan_bank, move_to
from tests.loans.test_lifecycle import _gl

FIRST_DUE = date(2025, 2, 5)


async def _dpd(loan_id: int, on: date) -> int:
    """Days past due at the day-end of ``on``: computed on read, as the loan book gives them the next day."""
    [row] = await loan_book(loan_ids=[loan_id], as_of=on + timedelta(days=1))
    return row.days_past_due


async def _class(number: str, on: date) -> tuple[int, str, date | None]:
    await classify_loans(on)
    loan = await find_loan(number)
    return await _dpd(loan.id, on), loan.asset_class, loan.npa_since


async def _pay_all_due(number: str, savings: str, on: date, key: str) -> None:
    loan = await find_loan(number)
    due = sum(d.amount_minor for d in dues_of(await LoanInstalment.filter(loan_id=loan.id), on))
    await repay_loan(loan_number=number, amount=Money(due, "INR"), initiator="test", idempotency_key=key,
                     from_account_number=savings, allow_prepayment=False)


async def _pure(number: str, as_of: date):
    """The same loan through the pure classifier (demands = instalments, repayments = what was paid, by date)."""
    loan = await find_loan(number)
    rows = await LoanInstalment.filter(loan_id=loan.id)
    demands = [Demand(r.due_date, r.principal_minor + r.interest_minor) for r in rows]
    repayments = [Repayment(r.paid_on or as_of, r.paid_principal_minor + r.paid_interest_minor) for r in rows
                  if r.paid_principal_minor + r.paid_interest_minor]
    return classify_loan(demands, repayments, as_of)


async def test_a_missed_emi_walks_through_sma_to_npa_and_back_to_standard_only_when_all_arrears_are_paid(db: str) -> None:
    # given a loan whose borrower never set up the standing instruction
    await loan_bank(penal_bps=0, tolerance_minor=0)
    b = await borrower(deposit="150000.00")
    number = await active_loan(b)
    await Loan.filter(id=(await find_loan(number)).id).update(auto_debit=False)
    d = FIRST_DUE
    # then: 1 day past due on the due date's day-end; the SMA and NPA boundaries
    expected = [
        (d - timedelta(days=1), 0, "STANDARD"),
        (d, 1, "SMA_0"),
        (d + timedelta(days=29), 30, "SMA_0"),
        (d + timedelta(days=30), 31, "SMA_1"),
        (d + timedelta(days=59), 60, "SMA_1"),
        (d + timedelta(days=60), 61, "SMA_2"),
        (d + timedelta(days=89), 90, "SMA_2"),
        (d + timedelta(days=90), 91, "SUBSTANDARD"),
    ]
    for on, dpd, cls in expected:
        assert (await _class(number, on))[:2] == (dpd, cls), on
        pure = await _pure(number, on)
        assert (pure.days_past_due, pure.asset_class.name) == (dpd, cls), on
        # the next day's days past due are one more, yet the loan row is not rewritten: same band
        if dpd not in (0, 30, 60, 90):
            assert await classify_loans(on + timedelta(days=1)) == 0, on
            assert await _dpd((await find_loan(number)).id, on + timedelta(days=1)) == dpd + 1
    npa_since = d + timedelta(days=90)
    assert (await find_loan(number)).npa_since == npa_since
    # a part-payment lowers the days past due but the loan stays an NPA
    await move_to(date(2025, 5, 10))
    # (interest of every overdue instalment goes first, RBI order; then the oldest principal)
    rows = await LoanInstalment.filter(loan_id=(await find_loan(number)).id, due_date__lte=date(2025, 5, 10)).order_by("number")
    part = sum(r.interest_minor for r in rows) + rows[0].principal_minor
    await repay_loan(loan_number=number, amount=Money(part, "INR"), initiator="test",
                     idempotency_key="part", from_account_number=b.savings)
    dpd, cls, since = await _class(number, date(2025, 5, 10))
    assert (dpd, cls, since) == ((date(2025, 5, 10) - date(2025, 3, 5)).days + 1, "SUBSTANDARD", npa_since)
    # sub-standard for 12 months as an NPA, then doubtful D1
    assert (await _class(number, date(2026, 5, 6)))[1] == "SUBSTANDARD"
    assert (await _class(number, date(2026, 5, 7)))[1] == "DOUBTFUL_1"
    # once every arrear is paid, it is standard again
    await move_to(date(2026, 5, 7))
    await _pay_all_due(number, b.savings, date(2026, 5, 7), "all")
    assert await _class(number, date(2026, 5, 7)) == (0, "STANDARD", None)
    assert (await verify_ledger()).ok


async def test_classification_is_borrower_wise(db: str) -> None:
    await loan_bank(penal_bps=0, tolerance_minor=0)
    b = await borrower(deposit="150000.00")
    bad, good = await active_loan(b), await active_loan(b, amount="50000.00")
    await Loan.filter(id=(await find_loan(bad)).id).update(auto_debit=False)
    await move_to(date(2025, 2, 5))
    await _pay_all_due(good, b.savings, date(2025, 2, 5), "good")
    # (the step reports the loans whose class changed - only the bad one, the good one is not
    # rewritten; a WITH ... UPDATE had been counted as 0 rows on PostgreSQL)
    assert await classify_loans(date(2025, 3, 1)) == 1
    assert ((await find_loan(bad)).asset_class, (await find_loan(good)).asset_class) == ("SMA_0", "STANDARD")
    await classify_loans(date(2025, 5, 6))  # the bad loan is 91 days past due
    assert ((await find_loan(bad)).asset_class, (await find_loan(good)).asset_class) == ("SUBSTANDARD", "SUBSTANDARD")
    assert (await find_loan(good)).own_class != "SUBSTANDARD"
    # arrears cleared on both: the borrower's loans are back to their own class, each written once
    await move_to(date(2025, 5, 7))
    await _pay_all_due(bad, b.savings, date(2025, 5, 7), "bad-all")
    await _pay_all_due(good, b.savings, date(2025, 5, 7), "good-all")
    assert await classify_loans(date(2025, 5, 7)) == 2
    assert [(x.own_class, x.asset_class, x.npa_since) for x in (await find_loan(bad), await find_loan(good))] == [
        ("STANDARD", "STANDARD", None)] * 2


async def test_arrears_within_the_tolerance_do_not_count(db: str) -> None:
    await loan_bank(penal_bps=0, tolerance_minor=100_00)
    b = await borrower(deposit="150000.00")
    number = await active_loan(b)
    loan = await find_loan(number)
    await Loan.filter(id=loan.id).update(auto_debit=False)
    first = await LoanInstalment.get(loan_id=loan.id, number=1)
    await move_to(FIRST_DUE)
    await repay_loan(loan_number=number, amount=Money(first.principal_minor + first.interest_minor - 50_00, "INR"),
                     initiator="test", idempotency_key="short", from_account_number=b.savings)
    assert (await _class(number, date(2025, 2, 20)))[:2] == (0, "STANDARD")
    [row] = await loan_book(loan_ids=[loan.id], as_of=date(2025, 2, 20))
    assert row.days_past_due == 0


async def test_penal_charges_accrue_daily_on_the_overdue_instalment_once_per_date_and_are_paid_first(db: str) -> None:
    await loan_bank(penal_bps=2400, tolerance_minor=0)
    b = await borrower(deposit="150000.00")
    number = await active_loan(b)
    loan = await find_loan(number)
    await Loan.filter(id=loan.id).update(auto_debit=False)
    first = await LoanInstalment.get(loan_id=loan.id, number=1)
    base = first.principal_minor + first.interest_minor
    for day in range(6, 16):  # 10 day-ends after the due date
        on = date(2025, 2, day)
        await classify_loans(on)
        await levy_penal_charges(on)
        await levy_penal_charges(on)  # a re-run of the same date adds nothing
    # the charges are computed on read: no row was rewritten by the levies
    assert (await LoanInstalment.get(id=first.id)).penal_e6 == 0
    row = next(r for r in await instalment_rows(loan.id) if r.id == first.id)
    assert abs(row.penal_minor - round(base * 0.24 * 10 / 365)) <= 1
    assert row.penal_minor == (10 * (base * 2400 * 100 // 365) + 500_000) // 1_000_000  # what 10 daily levies added
    await move_to(date(2025, 2, 15))
    paid = await repay_loan(loan_number=number, amount=Money(row.penal_minor + 10_00, "INR"), initiator="test",
                            idempotency_key="p", from_account_number=b.savings)
    assert (paid.charges_minor, paid.interest_minor) == (row.penal_minor, 10_00)


async def test_penal_charges_on_read_equal_the_daily_accumulation_through_payments_tolerance_and_a_gap(db: str) -> None:
    """The former day-end (each levied date added ``floor(unpaid x rate x 100 / 365)`` millionths to every overdue
    row of a loan past due) is the oracle, replayed in Python day by day beside the on-read charges."""
    await loan_bank(penal_bps=2400, tolerance_minor=0)
    b = await borrower(deposit="300000.00")
    plain, tolerant = await active_loan(b), await active_loan(b, amount="50000.00")
    loans = {n: await find_loan(n) for n in (plain, tolerant)}
    await Loan.filter(id__in=[x.id for x in loans.values()]).update(auto_debit=False)
    await Loan.filter(id=loans[tolerant].id).update(arrears_tolerance_minor=100_00)
    acc: dict[int, int] = {}
    day = date(2025, 2, 4)
    while day <= date(2025, 3, 7):
        await move_to(day)
        if day == FIRST_DUE:  # the tolerant loan pays all but 50 rupees: within its tolerance until the next EMI
            first = await LoanInstalment.get(loan_id=loans[tolerant].id, number=1)
            await repay_loan(loan_number=tolerant, amount=Money(first.principal_minor + first.interest_minor - 50_00, "INR"),
                             initiator="test", idempotency_key="short", from_account_number=b.savings)
        if day == date(2025, 2, 25):  # the plain loan pays part of its arrears (charges first)
            await repay_loan(loan_number=plain, amount=Money(4_000_00, "INR"), initiator="test", idempotency_key="part",
                             from_account_number=b.savings)
        await classify_loans(day)
        if not date(2025, 2, 18) <= day <= date(2025, 2, 20):  # three dates without a levy: a gap
            for loan in await Loan.filter(id__in=[x.id for x in loans.values()]):
                if await _dpd(loan.id, day) > 0:
                    for r in await LoanInstalment.filter(loan_id=loan.id, paid_on__isnull=True, due_date__lt=day):
                        unpaid = r.principal_minor + r.interest_minor - r.paid_principal_minor - r.paid_interest_minor
                        if unpaid > 0:
                            acc[r.id] = acc.get(r.id, 0) + unpaid * loan.penal_rate_bps * 100 // 365
            await levy_penal_charges(day)
        day += timedelta(days=1)
    charged, paid_charges = {}, {}
    for number, loan in loans.items():
        got = {r.id: r.penal_minor for r in await instalment_rows(loan.id) if r.due_date < day}
        expected = {i: (acc.get(i, 0) + 500_000) // 1_000_000 for i in got}
        assert got == expected, number
        [row] = await loan_book(loan_ids=[loan.id], as_of=day)
        paid = sum(r.paid_penal_minor for r in await LoanInstalment.filter(loan_id=loan.id))
        assert row.charges_due_minor == sum(expected.values()) - paid
        charged[number], paid_charges[number] = sum(expected.values()), paid
    # the plain loan's part payment paid its charges first; the tolerant loan's began with its second EMI
    assert charged[plain] > paid_charges[plain] > 0 and charged[tolerant] > 0 == paid_charges[tolerant]


async def test_day_end_disburses_on_the_date_collects_emis_accrues_and_books_month_end(db: str) -> None:
    await loan_bank(penal_bps=0)
    b = await borrower(deposit="30000.00")
    number = await active_loan(b)
    loan = await find_loan(number)
    first = await LoanInstalment.get(loan_id=loan.id, number=1)
    # when day-end runs from 1 Jan through the first due date
    await run_day_end(through=FIRST_DUE, initiator="test")
    # then the instalment was collected from savings on its due date, by standing instruction
    row = await LoanInstalment.get(id=first.id)
    assert row.paid_on == FIRST_DUE and row.paid_interest_minor == first.interest_minor
    # the January month end carried the accrued interest (30 days) as receivable income
    jan = (100_000_00 * 1200 * 30 * 2 + 3650000) // 7300000
    assert await _gl(LOAN_INTEREST_INCOME) == jan + first.interest_minor
    assert -await _gl(LOAN_INTEREST_RECEIVABLE) == jan and await _gl(OVERDUE_INTEREST_RESERVE) == 0
    assert (await find_loan(number)).asset_class == "STANDARD"
    assert (await verify_ledger()).ok


async def test_accrual_is_interest_since_the_last_due_date(db: str) -> None:
    await loan_bank()
    b = await borrower()
    number = await active_loan(b)
    # computed on read (never stored: it changes daily)
    assert (await accrued_interest(date(2025, 1, 11)))[(await find_loan(number)).id] == 328_77  # 1,00,000 x 12% x 10/365


async def test_accrual_on_read_gives_what_the_per_loan_subqueries_gave(db: str) -> None:
    """The accrual's former statement (a subquery per loan for the last due date and the balance, whose figure
    day-end stored daily) is the oracle of the accrual computed on read."""
    from tortoise.connection import get_connection

    from bankcore.loans.sqlkit import days_between, rows

    await loan_bank()
    b = await borrower(deposit="150000.00")
    numbers = [await active_loan(b), await active_loan(b, amount="50000.00", tenure=6)]
    await Loan.filter(id=(await find_loan(numbers[1])).id).update(annual_rate_bps=0)
    conn = get_connection("default")
    last_due = ("COALESCE((SELECT MAX(i.due_date) FROM loan_instalment i WHERE i.loan_id = loan.id AND i.due_date <= :d), "
                "loan.disbursed_on, loan.granted_on)")
    balance = ("(SELECT la.balance_minor FROM account a JOIN ledger_account la ON la.id = a.ledger_account_id "
               "WHERE a.id = loan.account_id)")
    old = (f"SELECT id, CASE WHEN annual_rate_bps = 0 THEN 0 ELSE "
           f"(({balance}) * annual_rate_bps * {days_between(conn, ':d', last_due)} * 2 + 3650000) / 7300000 END AS accrued "
           "FROM loan WHERE status = 'ACTIVE'")
    # before the first due date (the zero-rate loan's figure goes to 0), on it, and after it
    seen = []
    for on in (date(2025, 1, 20), FIRST_DUE, date(2025, 2, 6), date(2025, 3, 4)):
        expected = {int(r["id"]): int(r["accrued"]) for r in await rows(conn, old, {"d": on})}
        got = await accrued_interest(on)
        assert got == expected, on
        seen.append(got)
    # the zero-rate loan accrues nothing; on a due date nothing has accrued yet
    rated, zero = [(await find_loan(n)).id for n in numbers]
    assert seen[0][zero] == 0 < seen[0][rated] and set(seen[1].values()) == {0}
    assert all(g[rated] > 0 == g[zero] for g in seen[2:])


async def test_set_based_provisions_give_what_the_per_loan_subqueries_gave(db: str) -> None:
    """Provisions by class, secured and unsecured: the former statement (a balance subquery per use) is the oracle."""
    from tortoise.connection import get_connection

    from bankcore.loans.books import compute_provisions, provision_rates
    from bankcore.loans.sqlkit import least, rows

    await loan_bank()
    b = await borrower(deposit="150000.00")
    numbers = [await active_loan(b), await active_loan(b, amount="50000.00"), await active_loan(b, amount="70000.00"),
               await active_loan(b, amount="20000.00")]
    ids = [(await find_loan(n)).id for n in numbers]
    for loan_id, cls, collateral in zip(ids, ("STANDARD", "SUBSTANDARD", "DOUBTFUL_2", "LOSS"),
                                        (None, None, 30_000_00, 90_000_00), strict=True):
        await Loan.filter(id=loan_id).update(asset_class=cls, collateral_value_minor=collateral)
    conn = get_connection("default")
    balance = ("(SELECT la.balance_minor FROM account a JOIN ledger_account la ON la.id = a.ledger_account_id "
               "WHERE a.id = loan.account_id)")
    sec = least(conn, "COALESCE(collateral_value_minor, 0)", balance)
    doubtful = "((" + balance + " - " + sec + ") * :dun + " + sec + " * {rate} + 5000) / 10000"
    old = ("SELECT id, CASE WHEN status <> 'ACTIVE' THEN 0 ELSE CASE asset_class "
           f"WHEN 'SUBSTANDARD' THEN ({balance} * :sub + 5000) / 10000 WHEN 'DOUBTFUL_1' THEN {doubtful.format(rate=':d1')} "
           f"WHEN 'DOUBTFUL_2' THEN {doubtful.format(rate=':d2')} WHEN 'DOUBTFUL_3' THEN {doubtful.format(rate=':d3')} "
           f"WHEN 'LOSS' THEN ({balance} * :loss + 5000) / 10000 ELSE ({balance} * :std + 5000) / 10000 END END AS p "
           "FROM loan WHERE status = 'ACTIVE' OR provision_minor <> 0")
    on = date(2025, 1, 31)
    expected = {int(r["id"]): int(r["p"]) for r in await rows(conn, old, await provision_rates(on))}
    await compute_provisions(on)
    got = {loan.id: loan.provision_minor for loan in await Loan.filter(id__in=ids)}
    assert got == expected and len(set(got.values())) == 4 and all(v > 0 for v in got.values())
    assert await compute_provisions(on) == 0  # nothing changed: no row rewritten

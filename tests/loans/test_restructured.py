"""A restructured loan is not upgraded during its specified period (``bankcore.loans.classify``):
12 months from the first instalment under the new terms; after it, the usual rules."""

from __future__ import annotations

from datetime import date

from bankcore.loans.classify import classify_loans
from bankcore.loans.lifecycle import find_loan
from bankcore.loans.writeoff import reschedule_loan
from bankcore.models import Loan
from bankcore.verify import verify_ledger
from tests.loans.factory import MANAGER, active_loan, borrower, loan_bank, move_to
from tests.loans.test_day_end import _dpd, _pay_all_due


async def _own_class(number: str, on: date) -> tuple[int, str]:
    await classify_loans(on)
    loan = await find_loan(number)
    return await _dpd(loan.id, on), loan.asset_class


async def test_a_restructured_loan_keeps_its_class_until_the_specified_period_ends(db: str) -> None:
    # given: two borrowers' 3-year loans, one rescheduled from its third instalment (5 Apr 2025) at a lower rate
    await loan_bank(penal_bps=0, tolerance_minor=0)
    a, b = await borrower(deposit="150000.00"), await borrower(deposit="150000.00", name="Ravi Rao")
    restructured, plain = await active_loan(a, tenure=36), await active_loan(b, tenure=36)
    for number in (restructured, plain):
        await Loan.filter(id=(await find_loan(number)).id).update(auto_debit=False)
    loan = await reschedule_loan(loan_number=restructured, from_number=3, actor=MANAGER, annual_rate_bps=1000)
    assert loan.restructured and loan.restructured_until == date(2026, 4, 5)
    # when: both miss February's and March's instalments (SMA-1 on 10 Mar) and then clear every arrear
    assert await _own_class(restructured, date(2025, 3, 10)) == (34, "SMA_1")
    assert await _own_class(plain, date(2025, 3, 10)) == (34, "SMA_1")
    await move_to(date(2025, 3, 10))
    await _pay_all_due(restructured, a.savings, date(2025, 3, 10), "r1")
    await _pay_all_due(plain, b.savings, date(2025, 3, 10), "p1")
    # then: the ordinary loan is standard again; the restructured one is not upgraded in its specified period
    await classify_loans(date(2025, 3, 10))
    assert ((await find_loan(plain)).asset_class, (await find_loan(restructured)).asset_class) == ("STANDARD", "SMA_1")
    assert await _dpd((await find_loan(restructured)).id, date(2025, 3, 10)) == 0
    # it may still get worse inside the period: a missed April instalment for 61 days makes it SMA-2
    assert await _own_class(restructured, date(2025, 6, 4)) == (61, "SMA_2")
    await move_to(date(2025, 6, 4))
    await _pay_all_due(restructured, a.savings, date(2025, 6, 4), "r2")
    # paying on time through the period's end, the first day-end after it upgrades the loan
    await move_to(date(2026, 4, 6))
    await _pay_all_due(restructured, a.savings, date(2026, 4, 6), "r3")
    await classify_loans(date(2026, 4, 5))
    assert (await find_loan(restructured)).asset_class == "SMA_2"  # the last day of the specified period
    assert await _own_class(restructured, date(2026, 4, 6)) == (0, "STANDARD")
    assert (await find_loan(restructured)).status == "ACTIVE"
    assert (await verify_ledger()).ok

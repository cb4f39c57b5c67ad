"""The Berka loans after import-berka: schedules from the UVER orders, history applied, days past due and class."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from bankcore.berka.importer import import_berka
from bankcore.calendar.business_date import business_date
from bankcore.classification.npa import npa_age_class
from bankcore.loans.berka import berka_schedule
from bankcore.loans.book import CSV_HEADER, loan_book
from bankcore.models import Loan, LoanInstalment
from bankcore.verify import verify_ledger
from tests.conftest import BERKA_DIR, needs_full_berka


def test_berka_schedule_first_12th_after_the_grant_and_the_last_instalment_absorbs_the_rest() -> None:
    rows = berka_schedule(96396_00, 8033_00, date(1993, 7, 5))
    assert rows[0] == (1, date(1993, 7, 12), 8033_00) and rows[1][1] == date(1993, 8, 12)
    assert len(rows) == 12 and sum(r[2] for r in rows) == 96396_00
    assert berka_schedule(1000, 300, date(1994, 1, 12))[0][1] == date(1994, 2, 12)  # the 12th itself is not "after"
    assert [r[2] for r in berka_schedule(1000, 300, date(1994, 1, 1))] == [300, 300, 300, 100]


@pytest.mark.slow
@needs_full_berka
async def test_berka_loans_show_their_own_days_past_due_and_class(db: str) -> None:
    await import_berka(path=BERKA_DIR)
    book = await loan_book()
    assert CSV_HEADER == ("loan_number", "source_ref", "member_number", "account_number", "status", "principal",
                          "outstanding_principal", "interest_due", "charges_due", "days_past_due", "asset_class",
                          "next_due_date")
    assert book and all(r.source_ref.startswith("berka-loan:") and r.member_number for r in book)
    by_ref = {r.source_ref: r for r in book}
    today = await business_date()
    late = by_ref["berka-loan:5314"]
    first_due = date(1993, 7, 12)
    assert late.status == "ACTIVE" and late.days_past_due == (today - first_due).days
    # an NPA from the day 91 days past due, aged by the calendar (the bundled slice ends in 1994)
    expected = npa_age_class(first_due + timedelta(days=90), today - timedelta(days=1)).name
    assert late.asset_class == expected and late.outstanding_principal_minor == 96396_00
    # every loan's rows: the principal sums to the amount; paid never exceeds due
    loan = await Loan.get(source_ref="berka-loan:5314")
    rows = await LoanInstalment.filter(loan_id=loan.id)
    assert sum(r.principal_minor for r in rows) == loan.amount_minor and all(r.paid_principal_minor == 0 for r in rows)
    closed = [r for r in book if r.status == "CLOSED"]
    assert all(r.outstanding_principal_minor == 0 and r.days_past_due == 0 for r in closed)
    assert all(r.csv_row()[5].count(".") == 1 for r in book)  # amounts as plain decimals
    # a second import adds nothing and the books still verify
    count = await LoanInstalment.all().count()
    await import_berka(path=BERKA_DIR)
    assert await LoanInstalment.all().count() == count
    assert (await verify_ledger()).ok

"""Invariants of every schedule: principal sums to P, interest never negative, closing 0."""

from __future__ import annotations

from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from bankcore.loans.schedule import (
    LoanTerms,
    PrepaymentMode,
    Schedule,
    ScheduleMethod,
    build_schedule,
    prepay,
    reschedule,
)

PROFILE = settings(max_examples=200, deadline=None)


@st.composite
def loan_terms(draw) -> LoanTerms:
    tenure = draw(st.integers(1, 360))
    return LoanTerms(
        principal_minor=draw(st.one_of(st.integers(1, 10_000), st.integers(1, 10**11))),
        annual_rate_bps=draw(st.integers(0, 3600)),
        tenure_months=tenure,
        disbursal_date=draw(st.dates(date(2000, 1, 1), date(2060, 12, 31))),
        repayment_day=draw(st.none() | st.integers(1, 31)),
        method=draw(st.sampled_from(list(ScheduleMethod))),
        moratorium_months=draw(st.integers(0, min(12, tenure - 1))),
        charge_broken_period=draw(st.booleans()),
        emi_step_minor=draw(st.sampled_from([1, 1, 100])),
    )


def assert_sound(schedule: Schedule, max_rows: int, *, closed_by_prepayment_minor: int = 0) -> None:
    rows = schedule.rows
    assert 1 <= len(rows) <= max_rows
    assert sum(r.principal_minor for r in rows) + schedule.prepaid_minor == schedule.principal_minor
    assert rows[-1].closing_minor == closed_by_prepayment_minor
    for i, row in enumerate(rows):
        assert row.number == i + 1
        assert row.interest_minor >= 0
        assert 0 <= row.principal_minor <= row.opening_minor
        assert row.closing_minor == row.opening_minor - row.principal_minor
        assert row.instalment_minor == row.interest_minor + row.principal_minor
        if i:
            assert row.due_date > rows[i - 1].due_date
            assert row.opening_minor <= rows[i - 1].closing_minor


@PROFILE
@given(loan_terms())
def test_every_schedule_is_sound(terms):
    schedule = build_schedule(terms)
    assert_sound(schedule, terms.tenure_months)
    assert schedule.rows[0].due_date > terms.disbursal_date
    if terms.method is ScheduleMethod.REDUCING and terms.emi_step_minor == 1:
        # the EMI is rounded once: every regular instalment after the moratorium equals it
        regular = [r.instalment_minor for r in schedule.rows[terms.moratorium_months : -1]]
        if not terms.charge_broken_period or terms.moratorium_months or schedule.broken_period_interest_minor == 0:
            assert all(amount == schedule.emi_minor for amount in regular[1:])


@PROFILE
@given(loan_terms(), st.data())
def test_prepayment_and_reschedule_stay_sound(terms, data):
    schedule = build_schedule(terms)
    if len(schedule.rows) < 2:
        return
    after = data.draw(st.integers(1, len(schedule.rows) - 1))
    outstanding = schedule.rows[after - 1].closing_minor
    if outstanding > 0:
        mode = data.draw(st.sampled_from(list(PrepaymentMode)))
        if not (mode is PrepaymentMode.REDUCE_TENURE and terms.method is ScheduleMethod.FLAT):
            amount = data.draw(st.integers(1, outstanding))
            prepaid = prepay(schedule, after_number=after, amount_minor=amount, mode=mode)
            closed = amount if amount == outstanding else 0
            assert_sound(prepaid, len(schedule.rows), closed_by_prepayment_minor=closed)
            assert prepaid.rows[:after] == schedule.rows[:after]
    rescheduled = reschedule(
        schedule,
        from_number=after + 1,
        annual_rate_bps=data.draw(st.integers(0, 3600)),
        remaining_months=data.draw(st.integers(2, 240)),
    )
    assert_sound(rescheduled, after + 240)
    assert rescheduled.rows[:after] == schedule.rows[:after]

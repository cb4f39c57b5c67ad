"""Loan schedules: published EMI figures, due dates, broken period, moratorium, reschedule, prepayment."""

from __future__ import annotations

from datetime import date

import pytest

from bankcore.errors import DomainError, ErrorCode
from bankcore.loans.emi import emi_exact, emi_minor
from bankcore.loans.schedule import (
    LoanTerms,
    PrepaymentMode,
    ScheduleMethod,
    build_schedule,
    first_repayment_anchor,
    prepay,
    reschedule,
)


def lakh(rupees: int) -> int:
    """Rupees to paisa."""
    return rupees * 100


# (principal in rupees, rate bps, months, EMI in whole rupees as published, source)
PUBLISHED_EMIS = [
    (500_000, 1050, 60, 10_747, "bank EMI calculators' example: Rs 5 lakh at 10.5 % for 5 years"),
    (1_000_000, 1000, 60, 21_247, "EMI formula walk-throughs: Rs 10 lakh at 10 % for 5 years"),
    (1_000_000, 1200, 60, 22_244, "EMI formula walk-through: Rs 10 lakh at 12 % for 60 months"),
    (1_000_000, 900, 240, 8_997, "home-loan guide: Rs 10 lakh at 9 % for 20 years"),
]


@pytest.mark.parametrize(("rupees", "rate_bps", "months", "published", "source"), PUBLISHED_EMIS)
def test_published_emi_to_the_rupee(rupees, rate_bps, months, published, source):
    assert emi_minor(lakh(rupees), rate_bps, months, step_minor=100) == lakh(published), source


@pytest.mark.parametrize(
    ("rupees", "rate_bps", "months", "emi_paisa"),
    [
        (500_000, 1050, 60, 1_074_695),  # exact 10746.950189...
        (1_000_000, 750, 240, 805_593),  # published "Rs 8,055.93 / month"
        (1_000_000, 1200, 60, 2_224_445),  # 22244.4476...: half up to the paisa
        (120_000, 0, 12, 1_000_000),  # zero rate: P / n
    ],
)
def test_emi_to_the_paisa(rupees, rate_bps, months, emi_paisa):
    assert emi_minor(lakh(rupees), rate_bps, months) == emi_paisa


def test_emi_exact_formula_value():
    # P*r*(1+r)^n/((1+r)^n-1) with r = 0.105/12 = 0.00875
    assert str(emi_exact(50_000_000, 1050, 60))[:13] == "1074695.01890"


def test_reducing_schedule_first_and_last_rows():
    schedule = build_schedule(LoanTerms(lakh(500_000), 1050, 60, date(2026, 1, 5)))
    first, last = schedule.rows[0], schedule.rows[-1]
    assert schedule.emi_minor == 1_074_695
    # month 1: interest 5,00,000 * 0.00875 = 4,375.00; principal 10,746.95 - 4,375.00
    assert (first.number, first.due_date, first.opening_minor) == (1, date(2026, 2, 5), 50_000_000)
    assert (first.interest_minor, first.principal_minor, first.closing_minor) == (437_500, 637_195, 49_362_805)
    assert len(schedule.rows) == 60 and last.due_date == date(2031, 1, 5)
    assert last.closing_minor == 0 and last.principal_minor == last.opening_minor
    assert last.instalment_minor == 1_074_694  # the last instalment absorbs the rounding
    assert sum(r.principal_minor for r in schedule.rows) == 50_000_000
    assert all(r.instalment_minor == 1_074_695 for r in schedule.rows[:-1])


def test_whole_rupee_emi_last_instalment_absorbs():
    schedule = build_schedule(LoanTerms(lakh(500_000), 1050, 60, date(2026, 1, 5), emi_step_minor=100))
    assert schedule.emi_minor == 1_074_700
    assert all(r.instalment_minor == 1_074_700 for r in schedule.rows[:-1])
    assert schedule.rows[-1].closing_minor == 0
    assert schedule.rows[-1].instalment_minor < 1_074_700


def test_flat_rate_schedule():
    # 1,20,000 at 12 % flat for 12 months: interest 14,400; instalment (1,20,000 + 14,400) / 12 = 11,200
    schedule = build_schedule(LoanTerms(lakh(120_000), 1200, 12, date(2026, 1, 10), method=ScheduleMethod.FLAT))
    assert schedule.emi_minor == lakh(11_200)
    assert {r.interest_minor for r in schedule.rows} == {lakh(1_200)}
    assert {r.principal_minor for r in schedule.rows} == {lakh(10_000)}
    assert schedule.total_interest_minor == lakh(14_400)


def test_equal_principal_schedule():
    # 1,20,000 at 12 % over 12 months: principal 10,000 a month, interest 1 % of the opening balance
    schedule = build_schedule(
        LoanTerms(lakh(120_000), 1200, 12, date(2026, 1, 10), method=ScheduleMethod.EQUAL_PRINCIPAL)
    )
    assert [r.principal_minor for r in schedule.rows] == [lakh(10_000)] * 12
    assert [r.interest_minor for r in schedule.rows] == [lakh(1200 - 100 * k) for k in range(12)]
    assert schedule.total_interest_minor == lakh(7_800)


@pytest.mark.parametrize(
    ("disbursal", "repayment_day", "expected"),
    [
        (date(2024, 1, 31), None, [date(2024, 2, 29), date(2024, 3, 31), date(2024, 4, 30), date(2024, 5, 31)]),
        (date(2025, 1, 31), None, [date(2025, 2, 28), date(2025, 3, 31), date(2025, 4, 30), date(2025, 5, 31)]),
        (date(2025, 1, 10), 30, [date(2025, 2, 28), date(2025, 3, 30), date(2025, 4, 30), date(2025, 5, 30)]),
        (date(2025, 11, 15), 5, [date(2026, 1, 5), date(2026, 2, 5), date(2026, 3, 5), date(2026, 4, 5)]),
    ],
)
def test_due_dates_handle_month_ends(disbursal, repayment_day, expected):
    schedule = build_schedule(LoanTerms(lakh(100_000), 1000, 4, disbursal, repayment_day=repayment_day))
    assert [r.due_date for r in schedule.rows] == expected


def test_broken_period_interest_added_to_first_instalment():
    # disbursed 20 Jan, EMI on the 5th: anchor 5 Feb, broken period 16 days,
    # interest 5,00,000 * 10.5 % * 16 / 365 = 2,301.369... -> 2,301.37; first EMI due 5 Mar
    terms = LoanTerms(lakh(500_000), 1050, 60, date(2026, 1, 20), repayment_day=5)
    assert first_repayment_anchor(terms.disbursal_date, 5) == date(2026, 2, 5)
    schedule = build_schedule(terms)
    plain = build_schedule(LoanTerms(lakh(500_000), 1050, 60, date(2026, 2, 5)))
    assert (schedule.broken_period_days, schedule.broken_period_interest_minor) == (16, 230_137)
    assert schedule.rows[0].due_date == date(2026, 3, 5)
    assert schedule.rows[0].interest_minor == plain.rows[0].interest_minor + 230_137
    assert schedule.rows[0].principal_minor == plain.rows[0].principal_minor
    # from the second instalment on, identical to a loan disbursed on the anchor date
    assert schedule.rows[1:] == plain.rows[1:]


def test_broken_period_not_charged_is_reported_only():
    schedule = build_schedule(
        LoanTerms(lakh(500_000), 1050, 60, date(2026, 1, 20), repayment_day=5, charge_broken_period=False)
    )
    assert schedule.broken_period_interest_minor == 230_137
    assert schedule.rows[0].interest_minor == 437_500


def test_moratorium_months_are_interest_only():
    schedule = build_schedule(LoanTerms(lakh(120_000), 1200, 15, date(2026, 1, 10), moratorium_months=3))
    for row in schedule.rows[:3]:
        assert (row.principal_minor, row.interest_minor, row.instalment_minor) == (0, lakh(1_200), lakh(1_200))
    assert schedule.emi_minor == emi_minor(lakh(120_000), 1200, 12)
    assert len(schedule.rows) == 15 and schedule.rows[-1].closing_minor == 0
    assert schedule.moratorium_until_number == 3


def test_prepayment_reduce_tenure_keeps_emi():
    schedule = build_schedule(LoanTerms(lakh(500_000), 1050, 60, date(2026, 1, 5)))
    after = prepay(schedule, after_number=12, amount_minor=lakh(100_000), mode=PrepaymentMode.REDUCE_TENURE)
    assert after.rows[:12] == schedule.rows[:12]
    assert after.rows[12].opening_minor == schedule.rows[11].closing_minor - lakh(100_000)
    assert len(after.rows) < 60
    assert all(r.instalment_minor == schedule.emi_minor for r in after.rows[12:-1])
    assert after.rows[-1].closing_minor == 0
    assert sum(r.principal_minor for r in after.rows) + after.prepaid_minor == lakh(500_000)


def test_prepayment_reduce_emi_keeps_tenure():
    schedule = build_schedule(LoanTerms(lakh(500_000), 1050, 60, date(2026, 1, 5)))
    after = prepay(schedule, after_number=12, amount_minor=lakh(100_000), mode="reduce-emi")
    assert len(after.rows) == 60
    outstanding = schedule.rows[11].closing_minor - lakh(100_000)
    assert after.emi_minor == emi_minor(outstanding, 1050, 48) < schedule.emi_minor
    assert after.rows[-1].closing_minor == 0 and after.rows[-1].due_date == schedule.rows[-1].due_date


def test_prepayment_of_everything_closes_the_loan():
    schedule = build_schedule(LoanTerms(lakh(100_000), 1000, 12, date(2026, 1, 5)))
    closed = prepay(schedule, after_number=3, amount_minor=schedule.rows[2].closing_minor)
    assert len(closed.rows) == 3 and closed.emi_minor == 0
    assert sum(r.principal_minor for r in closed.rows) + closed.prepaid_minor == lakh(100_000)


def test_reschedule_new_rate_from_an_instalment():
    schedule = build_schedule(LoanTerms(lakh(500_000), 1050, 60, date(2026, 1, 5)))
    changed = reschedule(schedule, from_number=13, annual_rate_bps=1200)
    assert changed.rows[:12] == schedule.rows[:12]
    assert changed.emi_minor == emi_minor(schedule.rows[11].closing_minor, 1200, 48)
    assert changed.rows[12].interest_minor == round(schedule.rows[11].closing_minor / 100)  # 1 % a month
    assert len(changed.rows) == 60 and changed.rows[-1].closing_minor == 0


def test_reschedule_longer_tenure_with_moratorium():
    schedule = build_schedule(LoanTerms(lakh(500_000), 1050, 60, date(2026, 1, 5)))
    changed = reschedule(schedule, from_number=25, remaining_months=48, moratorium_months=6)
    assert len(changed.rows) == 24 + 48
    assert [r.principal_minor for r in changed.rows[24:30]] == [0] * 6
    assert changed.rows[-1].due_date == date(2032, 1, 5)
    assert sum(r.principal_minor for r in changed.rows) == lakh(500_000)


@pytest.mark.parametrize(
    ("terms", "code"),
    [
        (LoanTerms(0, 1000, 12, date(2026, 1, 1)), ErrorCode.INVALID_AMOUNT),
        (LoanTerms(-5, 1000, 12, date(2026, 1, 1)), ErrorCode.INVALID_AMOUNT),
        (LoanTerms(100, 10_001, 12, date(2026, 1, 1)), ErrorCode.INVALID_RATE),
        (LoanTerms(100, 1000, 0, date(2026, 1, 1)), ErrorCode.INVALID_TENURE),
        (LoanTerms(100, 1000, 601, date(2026, 1, 1)), ErrorCode.INVALID_TENURE),
        (LoanTerms(100, 1000, 12, date(2026, 1, 1), moratorium_months=12), ErrorCode.INVALID_TENURE),
        (LoanTerms(100, 1000, 12, date(2026, 1, 1), repayment_day=32), ErrorCode.INVALID_DATE),
        (LoanTerms(100, 1000, 12, date(2026, 1, 1), method="balloon"), ErrorCode.INVALID_INPUT),
    ],
)
def test_bad_terms_are_refused(terms, code):
    with pytest.raises(DomainError) as raised:
        build_schedule(terms)
    assert raised.value.code is code


def test_bad_prepayments_are_refused():
    schedule = build_schedule(LoanTerms(lakh(100_000), 1000, 12, date(2026, 1, 5)))
    with pytest.raises(DomainError) as raised:
        prepay(schedule, after_number=3, amount_minor=schedule.rows[2].closing_minor + 1)
    assert raised.value.code is ErrorCode.INVALID_AMOUNT
    with pytest.raises(DomainError) as raised:
        prepay(schedule, after_number=12, amount_minor=100)
    assert raised.value.code is ErrorCode.INVALID_INPUT
    flat = build_schedule(LoanTerms(lakh(100_000), 1000, 12, date(2026, 1, 5), method="flat"))
    with pytest.raises(DomainError):
        prepay(flat, after_number=3, amount_minor=100, mode="reduce-tenure")

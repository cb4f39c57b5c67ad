"""Repayment allocation order and penal charges (never capitalised)."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bankcore.errors import DomainError, ErrorCode
from bankcore.loans.allocation import AllocationBasis, Due, DueKind, allocate_payment
from bankcore.loans.penal import PenalPolicy, penal_charge_minor, penal_charges_on_dues

JAN, FEB = date(2026, 1, 5), date(2026, 2, 5)
DUES = [
    Due(1, JAN, DueKind.INTEREST, 4_000),
    Due(1, JAN, DueKind.PRINCIPAL, 6_000),
    Due(2, FEB, DueKind.INTEREST, 3_900),
    Due(2, FEB, DueKind.PRINCIPAL, 6_100),
    Due(1, FEB, DueKind.PENAL_CHARGES, 200),
]


def settled(allocation):
    return [(s.due.instalment_number, s.due.kind.value, s.settled_minor) for s in allocation.settlements]


@pytest.mark.parametrize(
    ("amount", "basis", "expected", "unapplied"),
    [
        # charges -> interest -> principal, oldest first, across instalments
        (10_000, AllocationBasis.BY_COMPONENT,
         [(1, "penal_charges", 200), (1, "interest", 4_000), (2, "interest", 3_900), (1, "principal", 1_900)], 0),
        # oldest instalment fully first: its charges, interest, principal
        (10_000, AllocationBasis.BY_INSTALMENT,
         [(1, "interest", 4_000), (1, "principal", 6_000)], 0),
        (150, AllocationBasis.BY_COMPONENT, [(1, "penal_charges", 150)], 0),
        (25_000, AllocationBasis.BY_COMPONENT,
         [(1, "penal_charges", 200), (1, "interest", 4_000), (2, "interest", 3_900),
          (1, "principal", 6_000), (2, "principal", 6_100)], 4_800),
    ],
)
def test_allocation_order(amount, basis, expected, unapplied):
    allocation = allocate_payment(amount, DUES, basis=basis)
    assert settled(allocation) == expected
    assert allocation.unapplied_minor == unapplied
    assert allocation.settled_minor + allocation.unapplied_minor == amount


def test_by_instalment_takes_charges_of_the_oldest_instalment_by_due_date():
    # the penal charge fell due on 5 Feb, so by instalment it ranks after January's
    # interest and principal and before instalment 2 (same date, lower instalment number)
    allocation = allocate_payment(10_300, DUES, basis="by-instalment")
    assert settled(allocation)[-2:] == [(1, "penal_charges", 200), (2, "interest", 100)]


def test_custom_order_principal_first():
    order = [DueKind.PRINCIPAL, DueKind.INTEREST, DueKind.CHARGES, DueKind.PENAL_CHARGES]
    allocation = allocate_payment(6_500, DUES, order=order)
    assert settled(allocation) == [(1, "principal", 6_000), (2, "principal", 500)]
    assert allocation.settled_by_kind()[DueKind.PRINCIPAL] == 6_500


@pytest.mark.parametrize(
    ("amount", "kwargs", "code"),
    [
        (0, {}, ErrorCode.NON_POSITIVE_AMOUNT),
        (-1, {}, ErrorCode.NON_POSITIVE_AMOUNT),
        (100, {"order": [DueKind.INTEREST]}, ErrorCode.INVALID_INPUT),
        (100, {"order": ["interest", "interest", "principal", "charges"]}, ErrorCode.INVALID_INPUT),
        (100, {"basis": "random"}, ErrorCode.INVALID_INPUT),
    ],
)
def test_allocation_refusals(amount, kwargs, code):
    with pytest.raises(DomainError) as raised:
        allocate_payment(amount, DUES, **kwargs)
    assert raised.value.code is code


dues_strategy = st.lists(
    st.builds(
        Due,
        st.integers(0, 24),
        st.dates(date(2025, 1, 1), date(2027, 1, 1)),
        st.sampled_from(list(DueKind)),
        st.integers(0, 10**9),
    ),
    max_size=30,
)


@settings(max_examples=200, deadline=None)
@given(st.integers(1, 10**10), dues_strategy, st.sampled_from(list(AllocationBasis)), st.permutations(list(DueKind)))
def test_allocation_never_settles_more_than_paid(amount, dues, basis, order):
    allocation = allocate_payment(amount, dues, order=order, basis=basis)
    assert allocation.settled_minor <= amount
    assert allocation.settled_minor + allocation.unapplied_minor == amount
    for settlement in allocation.settlements:
        assert 0 < settlement.settled_minor <= settlement.due.amount_minor
    if allocation.unapplied_minor:
        assert allocation.settled_minor == sum(d.amount_minor for d in dues)
    # everything but the last settlement is paid in full (no skipping ahead)
    assert all(s.remaining_minor == 0 for s in allocation.settlements[:-1])


@pytest.mark.parametrize(
    ("overdue", "since", "as_of", "policy", "charge"),
    [
        # 10,000.00 overdue 30 days at 24 % a year: 10,000 * 0.24 * 30 / 365 = 197.26
        (1_000_000, date(2026, 1, 5), date(2026, 2, 4), PenalPolicy(2400), 19_726),
        (1_000_000, date(2026, 1, 5), date(2026, 1, 5), PenalPolicy(2400), 0),  # not yet overdue a day
        (1_000_000, date(2026, 1, 5), date(2026, 2, 4), PenalPolicy(0, fixed_fee_minor=50_000), 50_000),
        (1_000_000, date(2026, 1, 5), date(2026, 12, 31), PenalPolicy(2400, cap_minor=100_000), 100_000),
        (0, date(2026, 1, 5), date(2026, 2, 4), PenalPolicy(2400, fixed_fee_minor=50_000), 0),
    ],
)
def test_penal_charge(overdue, since, as_of, policy, charge):
    assert penal_charge_minor(overdue, since, as_of, policy) == charge


def test_penal_charges_are_separate_dues_on_interest_and_principal_only():
    dues = [
        Due(1, JAN, DueKind.INTEREST, 400_000),
        Due(1, JAN, DueKind.PRINCIPAL, 600_000),
        Due(1, JAN, DueKind.CHARGES, 50_000),  # no penal charge on a charge
        Due(1, FEB, DueKind.PENAL_CHARGES, 19_000),  # nor on an earlier penal charge
        Due(2, date(2026, 3, 5), DueKind.PRINCIPAL, 600_000),  # not yet due
    ]
    charges = penal_charges_on_dues(dues, date(2026, 2, 4), PenalPolicy(2400))
    assert charges == (Due(1, date(2026, 2, 4), DueKind.PENAL_CHARGES, 19_726),)
    # the interest and principal dues are untouched: nothing is capitalised
    assert dues[0].amount_minor == 400_000 and dues[1].amount_minor == 600_000

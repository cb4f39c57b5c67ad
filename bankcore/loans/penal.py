"""Penal charges on overdue instalments, as charges (never penal interest).

Source: RBI "Fair Lending Practice - Penal Charges in Loan Accounts"
(DoR.MCS.REC.28/01.01.001/2023-24, 18 Aug 2023, in force from 1 Jan 2024, applicable to
primary (urban) co-operative banks): a penalty for non-payment is a *penal charge*, not
penal interest added to the rate; there is no capitalisation of penal charges (no
further interest is computed on them); the quantum must be reasonable, per the board's
policy. So a charge here is computed on the overdue instalment only (never on earlier
charges), for the days it has been overdue, and returned as a separate ``Due`` of kind
``PENAL_CHARGES`` that does not touch the principal or interest columns.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from bankcore.errors import DomainError, ErrorCode
from bankcore.interest.daycount import DayCount, year_fraction
from bankcore.interest.rates import BPS_PER_UNIT, check_rate_bps
from bankcore.interest.rounding import SCHEDULE_ROUNDING, round_minor, working_context
from bankcore.loans.allocation import Due, DueKind


@dataclass(frozen=True, slots=True)
class PenalPolicy:
    """A product's penal-charge policy: a rate a year on the overdue amount, a fixed fee per overdue instalment, and an optional cap per instalment (all paisa / bps)."""

    annual_rate_bps: int = 200
    fixed_fee_minor: int = 0
    cap_minor: int | None = None
    day_count: DayCount = DayCount.ACT_365


def penal_charge_minor(overdue_minor: int, overdue_from: date, as_of: date, policy: PenalPolicy) -> int:
    """The penal charge on ``overdue_minor`` paisa unpaid since the end of ``overdue_from`` until ``as_of``.

    Formula: ``fixed fee + overdue * rate * days / year days`` (days = ``as_of - overdue_from``),
    rounded half up, capped at ``policy.cap_minor``; 0 if not overdue. Simple, on the
    overdue amount only: no capitalisation (RBI penal charges circular, 18 Aug 2023).
    Raises ``DomainError``: INVALID_AMOUNT (negative amount or fee), INVALID_RATE.
    """
    if type(overdue_minor) is not int or overdue_minor < 0:
        raise DomainError(ErrorCode.INVALID_AMOUNT, "overdue amount must be zero or positive", field="overdue")
    if type(policy.fixed_fee_minor) is not int or policy.fixed_fee_minor < 0:
        raise DomainError(ErrorCode.INVALID_AMOUNT, "fixed fee must be zero or positive", field="fixed_fee")
    check_rate_bps(policy.annual_rate_bps)
    if overdue_minor == 0 or as_of <= overdue_from:
        return 0
    fraction = year_fraction(overdue_from, as_of, policy.day_count)
    with working_context():
        exact = (
            Decimal(overdue_minor)
            * policy.annual_rate_bps
            / BPS_PER_UNIT
            * Decimal(fraction.numerator)
            / Decimal(fraction.denominator)
        )
    charge = policy.fixed_fee_minor + round_minor(exact, SCHEDULE_ROUNDING)
    if policy.cap_minor is not None:
        charge = min(charge, policy.cap_minor)
    return charge


def penal_charges_on_dues(dues: Sequence[Due], as_of: date, policy: PenalPolicy) -> tuple[Due, ...]:
    """One ``PENAL_CHARGES`` due per overdue instalment in ``dues``, computed on its unpaid interest and principal.

    Charges and earlier penal charges in ``dues`` are ignored as a base (no charge on a
    charge: no capitalisation). The new dues fall due on ``as_of``. Errors as
    ``penal_charge_minor``. Source: RBI penal charges circular (18 Aug 2023).
    """
    base: dict[tuple[int, date], int] = {}
    for due in dues:
        if due.kind in (DueKind.INTEREST, DueKind.PRINCIPAL) and due.due_date < as_of:
            key = (due.instalment_number, due.due_date)
            base[key] = base.get(key, 0) + due.amount_minor
    charges = []
    for (number, due_date), overdue in sorted(base.items(), key=lambda item: (item[0][1], item[0][0])):
        charge = penal_charge_minor(overdue, due_date, as_of, policy)
        if charge:
            charges.append(Due(number, as_of, DueKind.PENAL_CHARGES, charge))
    return tuple(charges)


def daily_penal_e6(unpaid_minor: int, annual_rate_bps: int) -> int:
    """One day-end's penal charge on ``unpaid_minor`` paisa at ``annual_rate_bps``, in millionths of a paisa.

    ``floor(unpaid x rate bps x 100 / 365)``: truncated each day, as day-end always levied it
    (``bankcore.loans.penal_sql`` counts days of it on read). Simple, on the overdue amount
    only: no capitalisation (RBI penal charges circular, 18 Aug 2023).
    """
    if unpaid_minor <= 0 or annual_rate_bps <= 0:
        return 0
    return unpaid_minor * annual_rate_bps * 100 // 365


def penal_minor_of_e6(penal_e6: int) -> int:
    """Penal charges accrued in millionths of a paisa, in paisa rounded half up (zero or positive input)."""
    return (penal_e6 + 500_000) // 1_000_000

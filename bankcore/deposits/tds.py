"""Tax deducted at source on deposit interest, Income-tax Act 1961 s.194A.

s.194A(1): a payer other than an individual/HUF deducts income tax on interest (other
than interest on securities) paid or credited to a resident. s.194A(3)(i), first and
third provisos: a banking company or a co-operative society engaged in banking need not
deduct while the aggregate interest it pays or credits to the payee in the financial
year does not exceed the threshold; a higher threshold applies to senior citizens. Once
the aggregate exceeds it, tax is due on the whole year's interest. Rate 10 % with a PAN
(Part II, First Schedule / rates in force); 20 % without a valid PAN (s.206AA). A Form
15G / 15H declaration (s.197A) means no deduction. The exemption in s.194A(3)(v) for
interest paid by a co-operative society to its members does not cover co-operative banks.

Thresholds change with Finance Acts, so they are data (``TdsRule``), chosen by the caller
for the financial year; two known rule sets are provided, with their years.
Savings-account interest is not a time deposit: callers pass time-deposit interest only.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from bankcore.errors import DomainError, ErrorCode
from bankcore.interest.rates import BPS_PER_UNIT, check_rate_bps
from bankcore.interest.rounding import round_minor, working_context


@dataclass(frozen=True, slots=True)
class TdsRule:
    """Thresholds (paisa, per payee per financial year) and rates (bps) of s.194A for bank payers.

    ``round_to_minor`` rounds the tax (100 = to the nearest rupee, the usual practice).
    """

    threshold_minor: int
    senior_citizen_threshold_minor: int
    rate_bps: int = 1000
    rate_without_pan_bps: int = 2000
    round_to_minor: int = 100


# Finance Act 2019 (from FY 2019-20) to FY 2024-25: Rs 40,000; senior citizens Rs 50,000
# (Finance Act 2018 raised the senior-citizen limit from FY 2018-19).
TDS_194A_BANKS_FY2019_20 = TdsRule(threshold_minor=4_000_000, senior_citizen_threshold_minor=5_000_000)
# Finance Act 2025 (from 1 Apr 2025, FY 2025-26): Rs 50,000; senior citizens Rs 1,00,000.
TDS_194A_BANKS_FY2025_26 = TdsRule(threshold_minor=5_000_000, senior_citizen_threshold_minor=10_000_000)


@dataclass(frozen=True, slots=True)
class TdsDeduction:
    """Tax to deduct now on this credit: ``tds_minor``; ``aggregate_interest_minor`` is the year's interest so far, this credit included."""

    aggregate_interest_minor: int
    threshold_minor: int
    rate_bps: int
    tds_minor: int


def tds_on_interest(
    interest_minor: int,
    *,
    rule: TdsRule,
    earlier_interest_in_year_minor: int = 0,
    earlier_tds_in_year_minor: int = 0,
    senior_citizen: bool = False,
    has_pan: bool = True,
    declaration_15g_15h: bool = False,
) -> TdsDeduction:
    """TDS to deduct on an interest credit of ``interest_minor`` paisa to one payee.

    Aggregate = earlier interest this financial year + this credit. Nothing if a 15G/15H
    declaration is held or the aggregate does not exceed the threshold; otherwise
    ``rate * aggregate - TDS already deducted`` this year (so earlier untaxed credits are
    caught up), rounded to ``rule.round_to_minor``, never negative.
    Raises ``DomainError``: INVALID_AMOUNT (negative amounts), INVALID_RATE.
    Source: Income-tax Act s.194A(1), (3)(i) and provisos; s.206AA; s.197A.
    """
    for name, value in (
        ("interest", interest_minor),
        ("earlier_interest", earlier_interest_in_year_minor),
        ("earlier_tds", earlier_tds_in_year_minor),
    ):
        if type(value) is not int or value < 0:
            raise DomainError(ErrorCode.INVALID_AMOUNT, f"{name} must be zero or positive", field=name)
    aggregate = earlier_interest_in_year_minor + interest_minor
    threshold = rule.senior_citizen_threshold_minor if senior_citizen else rule.threshold_minor
    rate = check_rate_bps(rule.rate_bps if has_pan else rule.rate_without_pan_bps)
    if declaration_15g_15h or aggregate <= threshold:
        return TdsDeduction(aggregate, threshold, rate, 0)
    with working_context():
        due = round_minor(Decimal(aggregate) * rate / BPS_PER_UNIT, ROUND_HALF_UP, step_minor=rule.round_to_minor)
    return TdsDeduction(aggregate, threshold, rate, max(0, due - earlier_tds_in_year_minor))


def tds_refund_on_reduction(
    reduction_minor: int,
    *,
    rule: TdsRule,
    interest_in_year_minor: int,
    tds_in_year_minor: int,
    senior_citizen: bool = False,
    has_pan: bool = True,
    declaration_15g_15h: bool = False,
) -> int:
    """TDS to give back when interest credited this financial year is reduced by ``reduction_minor`` paisa.

    A premature closure pays a lower rate than the interest already credited, so the
    payee's aggregate for the year falls from ``interest_in_year_minor`` by the reduction.
    Refund = tax due on the year before the reduction - tax due after it (each as
    ``tds_on_interest`` computes the whole year's tax, nothing at or under the threshold),
    at most the TDS actually deducted this year (``tds_in_year_minor``), never negative.
    Falling to or under the threshold therefore refunds the whole year's TDS; a Form
    15G/15H on file refunds nothing (nothing was due on either side).
    Only interest credited in the same financial year is reduced here: tax deducted in an
    earlier year was reported in that year's TDS return and is not refunded by the bank;
    the payee claims the excess in their income-tax return.
    Raises ``DomainError``: INVALID_AMOUNT (negative amounts, a reduction above the year's
    interest), INVALID_RATE.
    Source: Income-tax Act s.194A(1), (3)(i); across years the payee takes credit for the
    tax (s.199) and any refund (s.237) in their own return.
    """
    for name, value in (("reduction", reduction_minor), ("interest_in_year", interest_in_year_minor),
                        ("tds_in_year", tds_in_year_minor)):
        if type(value) is not int or value < 0:
            raise DomainError(ErrorCode.INVALID_AMOUNT, f"{name} must be zero or positive", field=name)
    if reduction_minor > interest_in_year_minor:
        raise DomainError(ErrorCode.INVALID_AMOUNT, "the reduction exceeds the year's interest", field="reduction")
    terms = {"rule": rule, "senior_citizen": senior_citizen, "has_pan": has_pan,
             "declaration_15g_15h": declaration_15g_15h}
    before = tds_on_interest(0, earlier_interest_in_year_minor=interest_in_year_minor, **terms).tds_minor
    after = tds_on_interest(0, earlier_interest_in_year_minor=interest_in_year_minor - reduction_minor,
                            **terms).tds_minor
    return max(0, min(before - after, tds_in_year_minor))

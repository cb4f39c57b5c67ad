"""SMA / NPA classification boundaries, history, borrower-wise rule, and provisioning."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bankcore.classification.npa import (
    AssetClass,
    SecurityValuation,
    classify_borrower,
    classify_loan,
    npa_age_class,
    sma_band,
)
from bankcore.classification.overdue import (
    Demand,
    Repayment,
    days_past_due,
    overdue_state,
)
from bankcore.classification.provisioning import (
    UCB_DEFAULT_RATES,
    ProvisioningRates,
    StandardCategory,
    provision_required,
)
from bankcore.errors import DomainError, ErrorCode


@pytest.mark.parametrize(
    ("dpd", "expected"),
    [
        (0, AssetClass.STANDARD),
        (1, AssetClass.SMA_0),
        (30, AssetClass.SMA_0),
        (31, AssetClass.SMA_1),
        (60, AssetClass.SMA_1),
        (61, AssetClass.SMA_2),
        (90, AssetClass.SMA_2),
        (91, AssetClass.SUBSTANDARD),
    ],
)
def test_sma_band_boundaries(dpd, expected):
    assert sma_band(dpd) is expected


# RBI IRACP clarifications, 12 Nov 2021: due 31 Mar 2021 and unpaid -> SMA-1 on 30 Apr,
# SMA-2 on 30 May, NPA on 29 Jun 2021 (each at that day's day-end).
RBI_EXAMPLE = [Demand(date(2021, 3, 31), 1_000_000)]


@pytest.mark.parametrize(
    ("as_of", "dpd", "expected"),
    [
        (date(2021, 3, 30), 0, AssetClass.STANDARD),
        (date(2021, 3, 31), 1, AssetClass.SMA_0),
        (date(2021, 4, 29), 30, AssetClass.SMA_0),
        (date(2021, 4, 30), 31, AssetClass.SMA_1),
        (date(2021, 5, 29), 60, AssetClass.SMA_1),
        (date(2021, 5, 30), 61, AssetClass.SMA_2),
        (date(2021, 6, 28), 90, AssetClass.SMA_2),
        (date(2021, 6, 29), 91, AssetClass.SUBSTANDARD),
    ],
)
def test_rbi_worked_example(as_of, dpd, expected):
    result = classify_loan(RBI_EXAMPLE, [], as_of)
    assert (result.days_past_due, result.asset_class) == (dpd, expected)
    assert result.npa_since == (date(2021, 6, 29) if expected.is_npa else None)


@pytest.mark.parametrize(
    ("due", "sma1", "sma2", "npa"),
    [
        # lenders' published illustrations of the same rule
        (date(2022, 1, 5), date(2022, 2, 4), date(2022, 3, 6), date(2022, 4, 5)),
        (date(2023, 3, 31), date(2023, 4, 30), date(2023, 5, 30), date(2023, 6, 29)),
    ],
)
def test_published_sma_dates(due, sma1, sma2, npa):
    demands = [Demand(due, 500_000)]
    for day, klass in ((sma1, AssetClass.SMA_1), (sma2, AssetClass.SMA_2), (npa, AssetClass.SUBSTANDARD)):
        assert classify_loan(demands, [], day - timedelta(days=1)).asset_class < klass
        assert classify_loan(demands, [], day).asset_class is klass


NPA_DATE = date(2021, 6, 29)


@pytest.mark.parametrize(
    ("as_of", "expected"),
    [
        (date(2022, 6, 29), AssetClass.SUBSTANDARD),  # NPA for exactly 12 months
        (date(2022, 6, 30), AssetClass.DOUBTFUL_1),  # more than 12 months
        (date(2023, 6, 29), AssetClass.DOUBTFUL_1),  # one year in doubtful
        (date(2023, 6, 30), AssetClass.DOUBTFUL_2),
        (date(2025, 6, 29), AssetClass.DOUBTFUL_2),  # three years in doubtful
        (date(2025, 6, 30), AssetClass.DOUBTFUL_3),
    ],
)
def test_npa_ageing_boundaries(as_of, expected):
    assert npa_age_class(NPA_DATE, as_of) is expected
    assert classify_loan(RBI_EXAMPLE, [], as_of).asset_class is expected


def test_twelve_months_from_a_month_end_is_clamped():
    assert npa_age_class(date(2023, 2, 28), date(2024, 2, 28)) is AssetClass.SUBSTANDARD
    assert npa_age_class(date(2023, 2, 28), date(2024, 2, 29)) is AssetClass.DOUBTFUL_1


MONTHLY = [Demand(date(2025, m, 5), 100_000) for m in range(1, 13)]


def test_partial_payment_moves_the_overdue_date_forward():
    # January and February unpaid; on 10 Mar January is paid: overdue since 5 Feb
    state = overdue_state(MONTHLY, [Repayment(date(2025, 3, 10), 100_000)], date(2025, 3, 10))
    assert state.overdue_since == date(2025, 2, 5)
    assert state.arrears_minor == 200_000  # February and March
    assert state.days_past_due == 34


def test_payment_on_the_due_date_is_not_overdue():
    assert days_past_due(MONTHLY[:1], [Repayment(date(2025, 1, 5), 100_000)], date(2025, 1, 5)) == 0
    assert days_past_due(MONTHLY[:1], [Repayment(date(2025, 1, 5), 99_999)], date(2025, 1, 5)) == 1


def test_npa_stays_until_all_arrears_are_cleared():
    # nothing paid from January: NPA on 5 Apr 2025 (day 91); paying one instalment on 10 Apr
    # brings days past due below 90 but the account stays an NPA while arrears remain
    repayments = [Repayment(date(2025, 4, 10), 100_000)]
    assert classify_loan(MONTHLY, [], date(2025, 4, 5)).npa_since == date(2025, 4, 5)
    after = classify_loan(MONTHLY, repayments, date(2025, 4, 10))
    assert after.days_past_due < 91
    assert after.asset_class is AssetClass.SUBSTANDARD and after.npa_since == date(2025, 4, 5)
    # clearing every arrear upgrades it to standard
    cleared = repayments + [Repayment(date(2025, 4, 20), 300_000)]
    assert classify_loan(MONTHLY, cleared, date(2025, 4, 20)).asset_class is AssetClass.STANDARD
    # and a fresh default later starts a new spell (SMA-0, no NPA date)
    fresh = classify_loan(MONTHLY, cleared, date(2025, 5, 6))
    assert fresh.asset_class is AssetClass.SMA_0 and fresh.npa_since is None


def test_security_erosion_and_loss():
    as_of = date(2021, 7, 15)  # sub-standard by age
    eroded = SecurityValuation(realisable_minor=400_000, earlier_assessed_minor=1_000_000)
    assert classify_loan(RBI_EXAMPLE, [], as_of).asset_class is AssetClass.SUBSTANDARD
    assert (
        classify_loan(RBI_EXAMPLE, [], as_of, outstanding_minor=1_000_000, security=eroded).asset_class
        is AssetClass.DOUBTFUL_1
    )
    wiped = SecurityValuation(realisable_minor=90_000, earlier_assessed_minor=1_000_000)
    assert (
        classify_loan(RBI_EXAMPLE, [], as_of, outstanding_minor=1_000_000, security=wiped).asset_class
        is AssetClass.LOSS
    )
    assert classify_loan(RBI_EXAMPLE, [], as_of, loss_identified=True).asset_class is AssetClass.LOSS


def test_borrower_is_classified_by_the_worst_loan():
    as_of = date(2021, 7, 1)
    good = classify_loan([Demand(date(2021, 6, 5), 10)], [Repayment(date(2021, 6, 5), 10)], as_of)
    late = classify_loan([Demand(date(2021, 6, 10), 10)], [], as_of)  # 22 days past due
    bad = classify_loan(RBI_EXAMPLE, [], as_of)
    performing = classify_borrower({"gold": good, "vehicle": late})
    assert performing.asset_class is AssetClass.SMA_0
    assert performing.loans == {"gold": AssetClass.STANDARD, "vehicle": AssetClass.SMA_0}
    npa = classify_borrower({"gold": good, "vehicle": late, "housing": bad})
    assert npa.asset_class is AssetClass.SUBSTANDARD and npa.npa_since == NPA_DATE
    assert set(npa.loans.values()) == {AssetClass.SUBSTANDARD}
    with pytest.raises(DomainError):
        classify_borrower({})


def test_classification_refusals():
    with pytest.raises(DomainError) as raised:
        sma_band(-1)
    assert raised.value.code is ErrorCode.INVALID_INPUT
    with pytest.raises(DomainError) as raised:
        classify_loan([Demand(date(2021, 1, 1), -5)], [], date(2021, 2, 1))
    assert raised.value.code is ErrorCode.INVALID_AMOUNT


@settings(max_examples=150, deadline=None)
@given(
    st.lists(st.tuples(st.integers(0, 400), st.integers(0, 10**6)), min_size=1, max_size=12),
    st.lists(st.tuples(st.integers(0, 500), st.integers(1, 10**6)), max_size=12),
    st.integers(0, 600),
)
def test_classification_is_consistent_with_arrears(demand_points, repayment_points, offset):
    base = date(2024, 1, 1)
    demands = [Demand(base + timedelta(days=d), a) for d, a in demand_points]
    repayments = [Repayment(base + timedelta(days=d), a) for d, a in repayment_points]
    result = classify_loan(demands, repayments, base + timedelta(days=offset))
    if result.arrears_minor == 0:
        assert result.asset_class is AssetClass.STANDARD and result.days_past_due == 0
    else:
        assert result.days_past_due >= 1
        assert result.asset_class is not AssetClass.STANDARD
    if result.days_past_due > 90:
        assert result.asset_class.is_npa
    if result.asset_class.is_npa:
        assert result.npa_since is not None and result.arrears_minor > 0
    else:
        assert result.asset_class is sma_band(result.days_past_due)


# --- provisioning -----------------------------------------------------------------------------

OUT = 10_000_000  # 1,00,000 outstanding


@pytest.mark.parametrize(
    ("asset_class", "kwargs", "provision"),
    [
        (AssetClass.STANDARD, {}, 40_000),  # 0.40 % others
        (AssetClass.SMA_2, {"standard_category": StandardCategory.AGRICULTURE_SME}, 25_000),  # 0.25 %
        (AssetClass.STANDARD, {"standard_category": "cre"}, 100_000),  # 1.00 %
        (AssetClass.STANDARD, {"standard_category": "cre-rh"}, 75_000),  # 0.75 %
        (AssetClass.SUBSTANDARD, {"realisable_security_minor": OUT}, 1_000_000),  # 10 % regardless of security
        (AssetClass.SUBSTANDARD, {}, 1_000_000),
        # D1: 100 % of unsecured 40,000 + 20 % of secured 60,000 = 52,000
        (AssetClass.DOUBTFUL_1, {"realisable_security_minor": 6_000_000}, 5_200_000),
        (AssetClass.DOUBTFUL_2, {"realisable_security_minor": 6_000_000}, 5_800_000),  # 40,000 + 30 % of 60,000
        (AssetClass.DOUBTFUL_3, {"realisable_security_minor": 6_000_000}, OUT),  # 100 %
        (AssetClass.DOUBTFUL_1, {"realisable_security_minor": 2 * OUT}, 2_000_000),  # security capped at outstanding
        (AssetClass.LOSS, {"realisable_security_minor": OUT}, OUT),
    ],
)
def test_ucb_provisioning_defaults(asset_class, kwargs, provision):
    assert provision_required(OUT, asset_class, **kwargs).provision_minor == provision


def test_provisioning_rates_are_parameters():
    commercial = ProvisioningRates(
        substandard_bps=1500,
        substandard_unsecured_extra_bps=1000,
        doubtful_secured_bps={AssetClass.DOUBTFUL_1: 2500, AssetClass.DOUBTFUL_2: 4000, AssetClass.DOUBTFUL_3: 10_000},
    )
    assert provision_required(OUT, AssetClass.SUBSTANDARD, rates=commercial).provision_minor == 1_500_000
    assert (
        provision_required(OUT, AssetClass.SUBSTANDARD, unsecured_exposure=True, rates=commercial).provision_minor
        == 2_500_000
    )
    assert UCB_DEFAULT_RATES.standard_bps[StandardCategory.OTHER] == 40


def test_provisioning_refusals():
    with pytest.raises(DomainError) as raised:
        provision_required(-1, AssetClass.STANDARD)
    assert raised.value.code is ErrorCode.INVALID_AMOUNT
    with pytest.raises(DomainError) as raised:
        provision_required(1, AssetClass.STANDARD, standard_category="gold")
    assert raised.value.code is ErrorCode.INVALID_INPUT

"""Asset classification: standard, SMA-0/1/2, sub-standard, doubtful D1/D2/D3, loss.

Sources:

* SMA bands for loans other than revolving facilities - RBI "Prudential Framework for
  Resolution of Stressed Assets" (7 Jun 2019) and the IRACP clarifications of 12 Nov 2021
  (which also cover co-operative banks): principal or interest overdue up to 30 days
  SMA-0; more than 30 up to 60 days SMA-1; more than 60 up to 90 days SMA-2.
* NPA: overdue for more than 90 days - RBI Master Circular "Prudential norms on Income
  Recognition, Asset Classification and Provisioning pertaining to Advances" for UCBs
  (DOR.STR.REC.9/21.04.048/2024-25, 2 Apr 2024), para 2.1.
* Sub-standard: NPA for up to 12 months; doubtful: sub-standard for 12 months; D1 up to
  one year in doubtful, D2 one to three years, D3 more than three years; loss: loss
  identified by the bank, its auditors or RBI inspection (same master circular, para 3.2).
  Erosion of security: realisable value below 50 % of the earlier assessed value ->
  doubtful straight away; below 10 % of the outstanding -> loss (para 3.3).
* Upgrade to standard only when the entire arrears of interest and principal are paid
  (12 Nov 2021 clarifications); classification is borrower-wise, not facility-wise: if
  one facility is NPA, all of the borrower's facilities are (master circular para 2.2.2).

Ages are measured on the calendar: sub-standard while ``as_of <= NPA date + 12 months``,
D1 to + 24 months, D2 to + 48 months, then D3 (``add_months``, month ends clamped).
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from enum import IntEnum

from bankcore.classification.overdue import (
    Demand,
    Repayment,
    first_day_reaching,
    overdue_state,
)
from bankcore.errors import DomainError, ErrorCode
from bankcore.loans.dates import add_months

NPA_AFTER_DAYS = 90


class AssetClass(IntEnum):
    """Ordered from best to worst, so ``max`` gives the worst."""

    STANDARD = 0
    SMA_0 = 1
    SMA_1 = 2
    SMA_2 = 3
    SUBSTANDARD = 4
    DOUBTFUL_1 = 5
    DOUBTFUL_2 = 6
    DOUBTFUL_3 = 7
    LOSS = 8

    @property
    def is_npa(self) -> bool:
        return self >= AssetClass.SUBSTANDARD

    @property
    def label(self) -> str:
        return _LABELS[self]


_LABELS = {
    AssetClass.STANDARD: "Standard",
    AssetClass.SMA_0: "SMA-0",
    AssetClass.SMA_1: "SMA-1",
    AssetClass.SMA_2: "SMA-2",
    AssetClass.SUBSTANDARD: "Sub-standard",
    AssetClass.DOUBTFUL_1: "Doubtful D1",
    AssetClass.DOUBTFUL_2: "Doubtful D2",
    AssetClass.DOUBTFUL_3: "Doubtful D3",
    AssetClass.LOSS: "Loss",
}


@dataclass(frozen=True, slots=True)
class SecurityValuation:
    """Realisable value of the security now, and the value assessed earlier (paisa)."""

    realisable_minor: int
    earlier_assessed_minor: int


@dataclass(frozen=True, slots=True)
class LoanClassification:
    """A loan's class at the day-end of ``as_of``, with the facts it rests on."""

    as_of: date
    asset_class: AssetClass
    days_past_due: int
    arrears_minor: int
    overdue_since: date | None
    npa_since: date | None


@dataclass(frozen=True, slots=True)
class BorrowerClassification:
    """The borrower's class (the worst of their loans) and each loan's class after applying it."""

    asset_class: AssetClass
    npa_since: date | None
    loans: Mapping[Hashable, AssetClass]


def sma_band(days_past_due: int) -> AssetClass:
    """Standard (0 days), SMA-0 (1-30), SMA-1 (31-60), SMA-2 (61-90), or SUBSTANDARD (over 90: an NPA).

    Raises ``DomainError(INVALID_INPUT)`` for negative days. Source: RBI SMA framework, 7 Jun 2019 / 12 Nov 2021.
    """
    if type(days_past_due) is not int or days_past_due < 0:
        raise DomainError(ErrorCode.INVALID_INPUT, "days past due must be >= 0", field="days_past_due")
    if days_past_due == 0:
        return AssetClass.STANDARD
    if days_past_due <= 30:
        return AssetClass.SMA_0
    if days_past_due <= 60:
        return AssetClass.SMA_1
    if days_past_due <= NPA_AFTER_DAYS:
        return AssetClass.SMA_2
    return AssetClass.SUBSTANDARD


def npa_age_class(npa_since: date, as_of: date) -> AssetClass:
    """Sub-standard / D1 / D2 / D3 for an NPA since ``npa_since`` at ``as_of`` (see module docstring).

    Raises ``DomainError(INVALID_DATE)`` if ``as_of`` is before ``npa_since``.
    Source: RBI IRACP master circular for UCBs, para 3.2.
    """
    if as_of < npa_since:
        raise DomainError(ErrorCode.INVALID_DATE, "as_of is before the NPA date", field="as_of")
    if as_of <= add_months(npa_since, 12):
        return AssetClass.SUBSTANDARD
    if as_of <= add_months(npa_since, 24):
        return AssetClass.DOUBTFUL_1
    if as_of <= add_months(npa_since, 48):
        return AssetClass.DOUBTFUL_2
    return AssetClass.DOUBTFUL_3


def classify_loan(
    demands: Sequence[Demand],
    repayments: Sequence[Repayment],
    as_of: date,
    *,
    outstanding_minor: int | None = None,
    security: SecurityValuation | None = None,
    loss_identified: bool = False,
) -> LoanClassification:
    """Classify a loan at the day-end of ``as_of`` from its demands and repayments.

    The loan is an NPA from the first day its days past due exceed 90 in the current spell
    of arrears, and stays one until all arrears are paid. An NPA's class follows its age,
    worsened by security erosion (needs ``security`` and ``outstanding_minor``) or by
    ``loss_identified``. A performing loan takes its SMA band.
    Raises ``DomainError(INVALID_AMOUNT)`` for negative amounts.
    Sources: RBI IRACP master circular for UCBs (2 Apr 2024); IRACP clarifications (12 Nov 2021).
    """
    state = overdue_state(demands, repayments, as_of)
    npa_since = first_day_reaching(demands, repayments, as_of, NPA_AFTER_DAYS + 1)
    if npa_since is None:
        return LoanClassification(
            as_of, sma_band(min(state.days_past_due, NPA_AFTER_DAYS)), state.days_past_due,
            state.arrears_minor, state.overdue_since, None,
        )
    asset_class = npa_age_class(npa_since, as_of)
    if security is not None and outstanding_minor is not None:
        if security.realisable_minor * 10 < outstanding_minor:
            asset_class = AssetClass.LOSS
        elif security.realisable_minor * 2 < security.earlier_assessed_minor:
            asset_class = max(asset_class, AssetClass.DOUBTFUL_1)
    if loss_identified:
        asset_class = AssetClass.LOSS
    return LoanClassification(
        as_of, asset_class, state.days_past_due, state.arrears_minor, state.overdue_since, npa_since
    )


def classify_borrower(loans: Mapping[Hashable, LoanClassification]) -> BorrowerClassification:
    """The borrower's class: the worst of their loans; if that is an NPA, every loan takes it.

    Performing loans keep their own SMA band when the borrower is not an NPA. The NPA
    date is the earliest among the NPA loans. Raises ``DomainError(INVALID_INPUT)`` for no loans.
    Source: RBI IRACP master circular for UCBs, para 2.2.2 (borrower-wise, not facility-wise).
    """
    if not loans:
        raise DomainError(ErrorCode.INVALID_INPUT, "a borrower needs at least one loan", field="loans")
    worst = max(c.asset_class for c in loans.values())
    npa_dates = [c.npa_since for c in loans.values() if c.npa_since is not None]
    if worst.is_npa:
        return BorrowerClassification(worst, min(npa_dates) if npa_dates else None, {k: worst for k in loans})
    return BorrowerClassification(worst, None, {k: c.asset_class for k, c in loans.items()})

"""Provisioning for loan assets by class: rates as parameters, UCB defaults with sources.

Defaults (``UCB_DEFAULT_RATES``), primary (urban) co-operative banks:

* Standard assets - RBI "Revised Regulatory Framework for UCBs - Provisioning for
  Standard Assets" (RBI/2023-24/18, 24 Apr 2023; consolidated in the
  IRACP master circular for UCBs, DOR.STR.REC.9/21.04.048/2024-25, 2 Apr 2024):
  direct advances to agriculture and SME 0.25 %; commercial real estate (CRE) 1.00 %;
  CRE - residential housing 0.75 %; all other loans and advances 0.40 %.
* Sub-standard: 10 % of the total outstanding, without allowing for DICGC/ECGC cover or
  securities (IRACP master circular for UCBs).
* Doubtful: 100 % of the part not covered by the realisable value of the security; on
  the secured part 20 % (D1, up to one year in doubtful), 30 % (D2, one to three years),
  100 % (D3, more than three years; for advances doubtful-over-three-years from
  1 Apr 2010) (IRACP master circular for UCBs).
* Loss: 100 % of the outstanding (to be written off; 100 % provided if kept on the books).

Commercial banks use higher rates (sub-standard 15 %, D1 25 %, D2 40 %): pass another
``ProvisioningRates``. Not modelled yet: deducting DICGC/ECGC guarantee cover from
doubtful assets before provisioning, and the phase-in of the 0.40 % standard rate for
former Tier I UCBs (a bank sets ``standard_bps`` for that).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

from bankcore.classification.npa import AssetClass
from bankcore.errors import DomainError, ErrorCode
from bankcore.interest.rates import BPS_PER_UNIT, check_rate_bps
from bankcore.interest.rounding import round_minor, working_context

# Provisions are rounded half up to the paisa (a bank may round the total up to the rupee).
PROVISION_ROUNDING = ROUND_HALF_UP


class StandardCategory(StrEnum):
    AGRICULTURE_SME = "agriculture-sme"
    COMMERCIAL_REAL_ESTATE = "cre"
    CRE_RESIDENTIAL_HOUSING = "cre-rh"
    OTHER = "other"


def _ucb_standard_rates() -> dict[StandardCategory, int]:
    return {
        StandardCategory.AGRICULTURE_SME: 25,
        StandardCategory.COMMERCIAL_REAL_ESTATE: 100,
        StandardCategory.CRE_RESIDENTIAL_HOUSING: 75,
        StandardCategory.OTHER: 40,
    }


@dataclass(frozen=True)
class ProvisioningRates:
    """Provisioning rates in basis points of the base each applies to (see module docstring)."""

    standard_bps: dict[StandardCategory, int] = field(default_factory=_ucb_standard_rates)
    substandard_bps: int = 1000
    substandard_unsecured_extra_bps: int = 0
    doubtful_unsecured_bps: int = 10_000
    doubtful_secured_bps: dict[AssetClass, int] = field(
        default_factory=lambda: {AssetClass.DOUBTFUL_1: 2000, AssetClass.DOUBTFUL_2: 3000, AssetClass.DOUBTFUL_3: 10_000}
    )
    loss_bps: int = 10_000


UCB_DEFAULT_RATES = ProvisioningRates()


@dataclass(frozen=True, slots=True)
class Provision:
    """The provision required (paisa) and how the outstanding split into secured and unsecured parts."""

    asset_class: AssetClass
    outstanding_minor: int
    secured_minor: int
    unsecured_minor: int
    provision_minor: int


def _part(amount_minor: int, rate_bps: int) -> Decimal:
    return Decimal(amount_minor) * check_rate_bps(rate_bps) / BPS_PER_UNIT


def provision_required(
    outstanding_minor: int,
    asset_class: AssetClass,
    *,
    realisable_security_minor: int = 0,
    standard_category: StandardCategory | str = StandardCategory.OTHER,
    unsecured_exposure: bool = False,
    rates: ProvisioningRates = UCB_DEFAULT_RATES,
) -> Provision:
    """The provision for a loan of ``outstanding_minor`` paisa in ``asset_class``.

    Standard and SMA loans: the standard-asset rate of ``standard_category``. Sub-standard:
    ``substandard_bps`` of the whole outstanding (plus ``substandard_unsecured_extra_bps``
    for an ``unsecured_exposure``). Doubtful: ``doubtful_unsecured_bps`` of the part above
    ``realisable_security_minor`` plus the D1/D2/D3 rate of the secured part. Loss: ``loss_bps``.
    Rounded once, half up. Raises ``DomainError``: INVALID_AMOUNT (negative amounts),
    INVALID_INPUT (unknown category), INVALID_RATE.
    Sources: RBI IRACP master circular for UCBs (2 Apr 2024); standard-asset circular (24 Apr 2023).
    """
    for name, value in (("outstanding", outstanding_minor), ("realisable_security", realisable_security_minor)):
        if type(value) is not int or value < 0:
            raise DomainError(ErrorCode.INVALID_AMOUNT, f"{name} must be zero or positive", field=name)
    try:
        category = StandardCategory(standard_category)
    except ValueError:
        raise DomainError(ErrorCode.INVALID_INPUT, f"unknown standard category {standard_category!r}", field="standard_category") from None
    asset_class = AssetClass(asset_class)
    secured = min(realisable_security_minor, outstanding_minor)
    unsecured = outstanding_minor - secured
    with working_context():
        if not asset_class.is_npa:
            exact = _part(outstanding_minor, rates.standard_bps[category])
        elif asset_class is AssetClass.SUBSTANDARD:
            extra = rates.substandard_unsecured_extra_bps if unsecured_exposure else 0
            exact = _part(outstanding_minor, rates.substandard_bps + extra)
        elif asset_class is AssetClass.LOSS:
            exact = _part(outstanding_minor, rates.loss_bps)
        else:
            exact = _part(unsecured, rates.doubtful_unsecured_bps) + _part(secured, rates.doubtful_secured_bps[asset_class])
    return Provision(asset_class, outstanding_minor, secured, unsecured, round_minor(exact, PROVISION_ROUNDING))

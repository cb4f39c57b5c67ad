"""KYC settings: the document size limit and how often KYC is renewed, by risk category."""

from __future__ import annotations

from bankcore.models.member import RiskCategory
from bankcore.settings import integer_setting

KYC_DOCUMENT_MAX_BYTES = integer_setting(
    "kyc.document_max_bytes", 5 * 1024 * 1024,
    "Largest KYC document (PDF, JPEG or PNG scan) a clerk may upload, in bytes.",
)
_RBI = "RBI Master Direction - Know Your Customer (KYC) Direction, 2016, s.38 (periodic updation)"
RE_KYC_YEARS = {
    RiskCategory.HIGH: integer_setting(
        "kyc.re_kyc_years_high", 2, "Years after a KYC verification that a high-risk member's KYC is due again.",
        source=_RBI),
    RiskCategory.MEDIUM: integer_setting(
        "kyc.re_kyc_years_medium", 8, "Years after a KYC verification that a medium-risk member's KYC is due again.",
        source=_RBI),
    RiskCategory.LOW: integer_setting(
        "kyc.re_kyc_years_low", 10, "Years after a KYC verification that a low-risk member's KYC is due again.",
        source=_RBI),
}

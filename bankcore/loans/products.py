"""Loan products: the rules a loan is applied for under (admin)."""

from __future__ import annotations

from dataclasses import dataclass

from tortoise.transactions import in_transaction

from bankcore.chart import LOANS, ensure_chart
from bankcore.errors import DomainError, ErrorCode
from bankcore.loans.emi import MAX_TENURE_MONTHS
from bankcore.loans.schedule import PrepaymentMode
from bankcore.models import InterestMethod, LoanProduct, Product, ProductKind
from bankcore.money import MAX_AMOUNT_MINOR, currency_exponent

COLLATERAL_KINDS = ("GOLD", "DEPOSIT_LIEN", "PROPERTY")


@dataclass(frozen=True, slots=True)
class LoanProductSpec:
    """What an admin sets on a loan product. Amounts in minor units, rates in bps a year."""

    code: str
    name: str
    currency: str
    annual_rate_bps: int
    min_amount_minor: int
    max_amount_minor: int
    min_tenure_months: int
    max_tenure_months: int
    method: InterestMethod = InterestMethod.REDUCING
    repayment_day: int | None = None
    moratorium_months: int = 0
    processing_fee_bps: int = 0
    penal_rate_bps: int = 0
    prepayment_mode: str = PrepaymentMode.REDUCE_TENURE.value
    prepayment_allowed: bool = True
    arrears_tolerance_minor: int = 0
    guarantors_required: int = 0
    collateral_kinds: tuple[str, ...] = ()


def _check(spec: LoanProductSpec) -> None:
    code = spec.code.strip().upper()
    if not (1 <= len(code) <= 20 and code.replace("-", "").replace("_", "").isalnum()):
        raise DomainError(ErrorCode.INVALID_INPUT, "code must be 1-20 letters, digits, - or _", field="code")
    if not 1 <= len(spec.name.strip()) <= 100:
        raise DomainError(ErrorCode.INVALID_INPUT, "name must be 1-100 characters", field="name")
    currency_exponent(spec.currency)
    for field, value in (("annual_rate_bps", spec.annual_rate_bps), ("processing_fee_bps", spec.processing_fee_bps),
                         ("penal_rate_bps", spec.penal_rate_bps)):
        if type(value) is not int or not 0 <= value <= 10_000:
            raise DomainError(ErrorCode.INVALID_RATE, "rate must be 0-10000 bps (0-100%)", field=field)
    if not 0 < spec.min_amount_minor <= spec.max_amount_minor <= MAX_AMOUNT_MINOR:
        raise DomainError(ErrorCode.INVALID_AMOUNT, "amount limits must be positive with min <= max", field="min_amount")
    if not 1 <= spec.min_tenure_months <= spec.max_tenure_months <= MAX_TENURE_MONTHS:
        raise DomainError(ErrorCode.INVALID_TENURE, f"tenure limits must be 1-{MAX_TENURE_MONTHS} months, min <= max",
                          field="min_tenure_months")
    if spec.repayment_day is not None and not 1 <= spec.repayment_day <= 28:
        raise DomainError(ErrorCode.INVALID_DATE, "repayment day must be 1-28 (every month has it)", field="repayment_day")
    if not 0 <= spec.moratorium_months < spec.min_tenure_months:
        raise DomainError(ErrorCode.INVALID_TENURE, "moratorium must be shorter than the shortest tenure", field="moratorium_months")
    try:
        PrepaymentMode(spec.prepayment_mode)
    except ValueError:
        raise DomainError(ErrorCode.INVALID_INPUT, "prepayment mode is reduce-tenure or reduce-emi", field="prepayment_mode") from None
    if spec.arrears_tolerance_minor < 0 or not 0 <= spec.guarantors_required <= 5:
        raise DomainError(ErrorCode.INVALID_INPUT, "tolerance must be >= 0 and guarantors 0-5", field="arrears_tolerance")
    for kind in spec.collateral_kinds:
        if kind not in COLLATERAL_KINDS:
            raise DomainError(ErrorCode.INVALID_INPUT, f"collateral kinds are {', '.join(COLLATERAL_KINDS)}", field="collateral_kinds")


async def create_loan_product(*, spec: LoanProductSpec) -> LoanProduct:
    """Create a loan product (and the account product its loan accounts open under, same code).

    Raises ``DomainError``: INVALID_INPUT (code, name, a code in use, tolerance, guarantors,
    collateral kinds, prepayment mode), INVALID_RATE, INVALID_AMOUNT, INVALID_TENURE,
    INVALID_DATE (repayment day outside 1-28), UNSUPPORTED_CURRENCY.
    """
    _check(spec)
    code = spec.code.strip().upper()
    if await Product.exists(code=code) or await LoanProduct.exists(code=code):
        raise DomainError(ErrorCode.INVALID_INPUT, f"a product {code} exists already", field="code")
    chart = await ensure_chart(currency=spec.currency)
    async with in_transaction():
        product = await Product.create(
            code=code, name=spec.name.strip(), kind=ProductKind.LOAN, currency=spec.currency,
            interest_rate_bps=spec.annual_rate_bps, control_account=chart[LOANS],
        )
        return await LoanProduct.create(
            code=code, name=spec.name.strip(), product=product, currency=spec.currency, method=spec.method,
            annual_rate_bps=spec.annual_rate_bps, min_amount_minor=spec.min_amount_minor,
            max_amount_minor=spec.max_amount_minor, min_tenure_months=spec.min_tenure_months,
            max_tenure_months=spec.max_tenure_months, repayment_day=spec.repayment_day,
            moratorium_months=spec.moratorium_months, processing_fee_bps=spec.processing_fee_bps,
            penal_rate_bps=spec.penal_rate_bps, prepayment_mode=spec.prepayment_mode,
            prepayment_allowed=spec.prepayment_allowed, arrears_tolerance_minor=spec.arrears_tolerance_minor,
            guarantors_required=spec.guarantors_required, collateral_kinds=",".join(spec.collateral_kinds),
        )


async def get_loan_product(code: str) -> LoanProduct:
    """The loan product ``code``; ``DomainError(NOT_FOUND)`` if none."""
    product = await LoanProduct.get_or_none(code=(code or "").strip().upper()[:20])
    if product is None:
        raise DomainError(ErrorCode.NOT_FOUND, f"no loan product {code}", field="product_code")
    return product

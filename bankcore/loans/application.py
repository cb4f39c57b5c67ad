"""A loan application: apply (member in the portal, or a clerk for a member), guarantors confirm, eligibility.

Rules and sources:

* Eligibility shown before sanction: the borrower's KYC is verified, the borrower has no
  NPA loan (IRAC borrower-wise classification), the product's guarantors are members
  who have confirmed.
* Gold loans: loan-to-value at most 85 % up to ₹2.5 lakh, 80 % up to ₹5 lakh, 75 % above
  (RBI gold-loan directions, June 2025) - settings ``loans.gold_ltv_*``; a loan against a
  deposit at most ``loans.deposit_lien_ltv_bps`` of it.
* The EMI shown with an application comes from ``preview_schedule``: the schedule code
  disbursal uses (``bankcore.loans.schedule``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime


from bankcore.calendar.business_date import business_date
from bankcore.errors import DomainError, ErrorCode
from bankcore.loans import settings as S
from bankcore.loans.products import get_loan_product
from bankcore.loans.schedule import LoanTerms, Schedule, ScheduleMethod, build_schedule
from bankcore.models import (
    Account,
    AccountHolder,
    AccountStatus,
    DisburseTo,
    HolderRole,
    KycStatus,
    Loan,
    LoanGuarantor,
    LoanProduct,
    LoanStatus,
    Member,
)
from bankcore.money import Money

NPA_CLASSES = ("SUBSTANDARD", "DOUBTFUL_1", "DOUBTFUL_2", "DOUBTFUL_3", "LOSS")


@dataclass(frozen=True, slots=True)
class Collateral:
    """Security offered: GOLD (value = the gold's assessed value), DEPOSIT_LIEN (``ref`` = the deposit account), PROPERTY."""

    kind: str
    value_minor: int
    ref: str | None = None


@dataclass(frozen=True, slots=True)
class EligibilityCheck:
    """One eligibility rule as it stands for a loan: ``code`` (KYC_VERIFIED, NO_NPA_LOAN, GUARANTORS, COLLATERAL)."""

    code: str
    ok: bool
    detail: str


async def find_loan(loan_number: str, *, lock: bool = False) -> Loan:
    """The loan whose number (its account's number) is ``loan_number``; ``DomainError(NOT_FOUND)`` if none."""
    compact = "".join((loan_number or "").split())[:20]
    query = Loan.filter(account__number=compact)
    if lock:
        query = query.select_for_update()
    loan = await query.first()
    if loan is None:
        raise DomainError(ErrorCode.NOT_FOUND, f"no loan {compact}", field="loan_number")
    return loan


def _require(loan: Loan, *statuses: LoanStatus) -> None:
    if LoanStatus(loan.status) not in statuses:
        raise DomainError(ErrorCode.LOAN_WRONG_STATUS,
                          f"the loan is {loan.status}, not {' or '.join(s.value for s in statuses)}", field="loan_number")


def preview_schedule(product: LoanProduct, *, amount_minor: int, tenure_months: int, disbursal_date: date,
                     annual_rate_bps: int | None = None) -> Schedule:
    """The schedule a loan of ``product`` would get if disbursed on ``disbursal_date`` (the same code disbursal uses)."""
    return build_schedule(LoanTerms(
        principal_minor=amount_minor,
        annual_rate_bps=product.annual_rate_bps if annual_rate_bps is None else annual_rate_bps,
        tenure_months=tenure_months, disbursal_date=disbursal_date, repayment_day=product.repayment_day,
        method=ScheduleMethod(product.method), moratorium_months=product.moratorium_months,
    ))


async def gold_ltv_cap_bps(amount_minor: int, *, on: date | None = None) -> int:
    """The LTV cap (bps) for a gold loan of ``amount_minor``: 85 % to ₹2.5 lakh, 80 % to ₹5 lakh, 75 % above (settings)."""
    if amount_minor <= await S.GOLD_SMALL_LIMIT.get(on=on):
        return await S.GOLD_LTV_SMALL_BPS.get(on=on)
    if amount_minor <= await S.GOLD_MEDIUM_LIMIT.get(on=on):
        return await S.GOLD_LTV_MEDIUM_BPS.get(on=on)
    return await S.GOLD_LTV_LARGE_BPS.get(on=on)


async def _check_collateral(product: LoanProduct, amount_minor: int, collateral: Collateral | None) -> None:
    kinds = [k for k in product.collateral_kinds.split(",") if k]
    if not kinds:
        return
    if collateral is None:
        raise DomainError(ErrorCode.COLLATERAL_INSUFFICIENT, f"this product needs collateral: {', '.join(kinds)}", field="collateral")
    if collateral.kind not in kinds:
        raise DomainError(ErrorCode.INVALID_INPUT, f"this product takes {', '.join(kinds)} as collateral", field="collateral")
    if type(collateral.value_minor) is not int or collateral.value_minor <= 0:
        raise DomainError(ErrorCode.INVALID_AMOUNT, "collateral value must be positive", field="collateral")
    if collateral.kind == "GOLD":
        cap = await gold_ltv_cap_bps(amount_minor)
        if amount_minor * 10_000 > collateral.value_minor * cap:
            raise DomainError(ErrorCode.COLLATERAL_INSUFFICIENT,
                              f"a gold loan of this size may be at most {cap / 100:g}% of the gold's value", field="amount")
    elif collateral.kind == "DEPOSIT_LIEN":
        cap = await S.DEPOSIT_LIEN_LTV_BPS.get()
        if amount_minor * 10_000 > collateral.value_minor * cap:
            raise DomainError(ErrorCode.COLLATERAL_INSUFFICIENT,
                              f"a loan against a deposit may be at most {cap / 100:g}% of the deposit", field="amount")


async def apply_for_loan(
    *,
    member_number: str,
    product_code: str,
    amount: Money,
    tenure_months: int,
    applied_by: str,
    repayment_account_number: str | None = None,
    purpose: str = "",
    guarantor_member_numbers: tuple[str, ...] = (),
    collateral: Collateral | None = None,
    disburse_to: DisburseTo = DisburseTo.SAVINGS,
) -> Loan:
    """File a loan application (status APPLIED); opens the loan account (its number is the loan number).

    ``amount`` in the product's currency within its limits; ``tenure_months`` within its
    limits. The repayment account defaults to the member's first active account they own
    in that currency. Raises ``DomainError``: NOT_FOUND (member, product, account,
    guarantor), PRODUCT_INACTIVE, CURRENCY_MISMATCH, INVALID_AMOUNT, INVALID_TENURE,
    INVALID_INPUT (purpose too long, a guarantor who is the borrower or listed twice, too
    few guarantors, an account the member does not operate), COLLATERAL_INSUFFICIENT.
    """
    from bankcore.services.accounts import open_account

    product = await get_loan_product(product_code)
    if not product.active:
        raise DomainError(ErrorCode.PRODUCT_INACTIVE, f"loan product {product.code} is not open for applications")
    if amount.currency != product.currency:
        raise DomainError(ErrorCode.CURRENCY_MISMATCH, f"the product lends in {product.currency}", field="amount")
    if not product.min_amount_minor <= amount.amount_minor <= product.max_amount_minor:
        raise DomainError(ErrorCode.INVALID_AMOUNT, "amount is outside the product's limits", field="amount")
    if type(tenure_months) is not int or not product.min_tenure_months <= tenure_months <= product.max_tenure_months:
        raise DomainError(ErrorCode.INVALID_TENURE, f"tenure must be {product.min_tenure_months}-{product.max_tenure_months} months",
                          field="tenure_months")
    purpose = " ".join((purpose or "").split())
    if len(purpose) > 200:
        raise DomainError(ErrorCode.INVALID_INPUT, "purpose is longer than 200 characters", field="purpose")
    member = await Member.get_or_none(member_number=(member_number or "").strip()[:20])
    if member is None:
        raise DomainError(ErrorCode.NOT_FOUND, "no such member", field="member_number")
    operated = await AccountHolder.filter(member_id=member.id, role__in=(HolderRole.OWNER, HolderRole.JOINT)).values_list(
        "account_id", flat=True)
    if repayment_account_number:
        repay = await Account.get_or_none(number="".join(repayment_account_number.split())[:20],
                                          id__in=list(operated)).select_related("product")
    else:
        repay = await Account.filter(id__in=list(operated), status=AccountStatus.ACTIVE,
                                     product__kind__in=("savings", "current"),
                                     product__currency=product.currency).order_by("id").select_related("product").first()
    if repay is None or repay.product.kind == "loan":
        raise DomainError(ErrorCode.NOT_FOUND, "no savings account of the member to repay from", field="repayment_account_number")
    if repay.product.currency != product.currency:
        raise DomainError(ErrorCode.CURRENCY_MISMATCH, "the repayment account is in another currency", field="repayment_account_number")
    numbers = [n.strip() for n in guarantor_member_numbers if n and n.strip()]
    if len(set(numbers)) != len(numbers) or member.member_number in numbers:
        raise DomainError(ErrorCode.INVALID_INPUT, "guarantors must be other members, each once", field="guarantors")
    guarantors = await Member.filter(member_number__in=numbers) if numbers else []
    if len(guarantors) != len(numbers):
        raise DomainError(ErrorCode.NOT_FOUND, "a guarantor is not a member", field="guarantors")
    if len(guarantors) < product.guarantors_required:
        raise DomainError(ErrorCode.INVALID_INPUT, f"this product needs {product.guarantors_required} guarantor(s)", field="guarantors")
    await _check_collateral(product, amount.amount_minor, collateral)
    today = await business_date()
    account = await open_account(product_code=product.code, holders=[(member.member_number, HolderRole.OWNER)],
                                 branch_code=None)
    loan = await Loan.create(
        account=account, repayment_account=repay, member=member, loan_product=product, granted_on=today,
        amount_minor=amount.amount_minor, currency=product.currency, duration_months=tenure_months,
        instalment_minor=preview_schedule(product, amount_minor=amount.amount_minor, tenure_months=tenure_months,
                                          disbursal_date=today).emi_minor,
        status=LoanStatus.APPLIED, method=product.method, annual_rate_bps=product.annual_rate_bps,
        repayment_day=product.repayment_day, moratorium_months=product.moratorium_months,
        penal_rate_bps=product.penal_rate_bps, arrears_tolerance_minor=product.arrears_tolerance_minor,
        disburse_to=disburse_to, purpose=purpose, applied_on=today, applied_by=applied_by,
        collateral_kind=collateral.kind if collateral else None,
        collateral_value_minor=collateral.value_minor if collateral else None,
        collateral_ref=collateral.ref if collateral else None,
    )
    for guarantor in guarantors:
        await LoanGuarantor.create(loan=loan, member=guarantor)
    return loan


async def confirm_guarantee(*, loan_number: str, guarantor_member_number: str, confirmed_by: str) -> LoanGuarantor:
    """A guarantor confirms (in their portal, or staff at the branch). Raises NOT_FOUND, LOAN_WRONG_STATUS."""
    loan = await find_loan(loan_number)
    _require(loan, LoanStatus.APPLIED, LoanStatus.RECOMMENDED)
    row = await LoanGuarantor.get_or_none(loan_id=loan.id, member__member_number=(guarantor_member_number or "").strip()[:20])
    if row is None:
        raise DomainError(ErrorCode.NOT_FOUND, "not a guarantor of this loan", field="guarantor_member_number")
    if row.confirmed_at is None:
        row.confirmed_at = datetime.now(UTC)
        row.confirmed_by = confirmed_by
        await row.save(update_fields=["confirmed_at", "confirmed_by"])
    return row


async def eligibility(loan: Loan) -> list[EligibilityCheck]:
    """The eligibility rules for ``loan`` as they stand now (see the module docstring)."""
    member = await Member.get(id=loan.member_id) if loan.member_id else None
    checks = [EligibilityCheck("KYC_VERIFIED", member is not None and member.kyc_status == KycStatus.VERIFIED,
                               "KYC verified" if member and member.kyc_status == KycStatus.VERIFIED else "KYC not verified")]
    npa = await Loan.filter(member_id=loan.member_id, status=LoanStatus.ACTIVE, asset_class__in=NPA_CLASSES).exclude(
        id=loan.id).count() if loan.member_id else 0
    checks.append(EligibilityCheck("NO_NPA_LOAN", npa == 0, "no NPA loan" if npa == 0 else f"{npa} NPA loan(s)"))
    product = await LoanProduct.get_or_none(id=loan.loan_product_id) if loan.loan_product_id else None
    needed = product.guarantors_required if product else 0
    confirmed = await LoanGuarantor.filter(loan_id=loan.id, confirmed_at__not_isnull=True).count()
    checks.append(EligibilityCheck("GUARANTORS", confirmed >= needed, f"{confirmed} of {needed} guarantor(s) confirmed"))
    return checks

"""A loan's way from application to disbursal: apply, recommend, sanction (maker-checker), reject, disburse.

Rules and sources:

* Maker-checker: a clerk (or the member, in the portal) applies, a clerk recommends, a
  manager sanctions or rejects with a reason, never the person who recommended it; a loan
  above ``loans.sanction_limit_minor`` needs a second approver (another manager or an
  admin) who is neither (board policy on delegated sanctioning powers).
* Eligibility shown before sanction: the borrower's KYC is verified, the borrower has no
  NPA loan (IRAC borrower-wise classification), the product's guarantors are members
  who have confirmed.
* Gold loans: loan-to-value at most 85 % up to ₹2.5 lakh, 80 % up to ₹5 lakh, 75 % above
  (RBI gold-loan directions, June 2025) - settings ``loans.gold_ltv_*``.
* Disbursal fixes and stores the schedule (``bankcore.loans.schedule``), books
  Dr loan / Cr savings (or clearing for a third party) net of the processing fee and its
  18 % GST (Cr fee income, Cr GST payable). Idempotent: a loan is disbursed once, under
  the key ``loan-disbursal:<id>``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal

from tortoise.transactions import in_transaction

from bankcore.calendar.business_date import business_date
from bankcore.chart import CLEARING, FEE_INCOME, GST_PAYABLE
from bankcore.errors import DomainError, ErrorCode
from bankcore.interest.rounding import SCHEDULE_ROUNDING, round_minor, working_context
from bankcore.ledger.entry import EntryDraft, credit, debit, request_fingerprint
from bankcore.ledger.posting import PostedEntry, post_entry
from bankcore.loans import settings as S
from bankcore.loans.products import get_loan_product
from bankcore.loans.schedule import LoanTerms, Schedule, ScheduleMethod, build_schedule
from bankcore.models import (
    Account,
    AccountHolder,
    AccountStatus,
    DisburseTo,
    EntryType,
    HolderRole,
    KycStatus,
    LedgerAccount,
    Loan,
    LoanGuarantor,
    LoanInstalment,
    LoanProduct,
    LoanStatus,
    Member,
)
from bankcore.money import Money
from bankcore.services._lookup import gl_account_id

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


async def recommend_loan(*, loan_number: str, recommended_by: str, note: str | None = None) -> Loan:
    """Clerk's recommendation: APPLIED -> RECOMMENDED. Raises NOT_FOUND, LOAN_WRONG_STATUS."""
    async with in_transaction():
        loan = await find_loan(loan_number, lock=True)
        _require(loan, LoanStatus.APPLIED)
        loan.status = LoanStatus.RECOMMENDED
        loan.recommended_by = recommended_by
        if note:
            loan.decision_reason = " ".join(note.split())[:200]
        await loan.save(update_fields=["status", "recommended_by", "decision_reason"])
    return loan


async def sanction_loan(*, loan_number: str, approver: str, disbursal_date: date | None = None) -> Loan:
    """A manager's sanction (and, above the sanction limit, a second approver's): RECOMMENDED -> SANCTIONED.

    The approver may not be the recommender; above ``loans.sanction_limit_minor`` the
    first sanction is recorded and the loan stays RECOMMENDED until a different second
    approver sanctions too (the API allows managers and admins). Every eligibility check
    must pass. ``disbursal_date`` (default the business date) may not be in the past; on
    it day-end disburses the loan if staff have not. Raises NOT_FOUND, LOAN_WRONG_STATUS,
    APPROVAL_SAME_USER, LOAN_NOT_ELIGIBLE, INVALID_DATE.
    """
    today = await business_date()
    if disbursal_date is not None and disbursal_date < today:
        raise DomainError(ErrorCode.INVALID_DATE, "the disbursal date is in the past", field="disbursal_date")
    async with in_transaction():
        loan = await find_loan(loan_number, lock=True)
        _require(loan, LoanStatus.RECOMMENDED)
        if approver in (loan.recommended_by, loan.sanctioned_by):
            raise DomainError(ErrorCode.APPROVAL_SAME_USER, "the sanction must come from someone other than who recommended or sanctioned it")
        failed = [c.detail for c in await eligibility(loan) if not c.ok]
        if failed:
            raise DomainError(ErrorCode.LOAN_NOT_ELIGIBLE, "not eligible: " + "; ".join(failed))
        needs_second = loan.amount_minor > await S.SANCTION_LIMIT.get()
        if loan.sanctioned_by is None:
            loan.sanctioned_by = approver
            if needs_second:
                await loan.save(update_fields=["sanctioned_by"])
                return loan
        else:
            loan.second_approver = approver
        loan.status = LoanStatus.SANCTIONED
        loan.sanctioned_on = today
        loan.granted_on = disbursal_date or today
        await loan.save(update_fields=["sanctioned_by", "second_approver", "status", "sanctioned_on", "granted_on"])
    return loan


async def reject_loan(*, loan_number: str, rejected_by: str, reason: str) -> Loan:
    """Reject an application (APPLIED or RECOMMENDED) with a reason; its unused loan account is closed.

    Raises NOT_FOUND, LOAN_WRONG_STATUS, INVALID_INPUT (reason not 1-200 characters),
    APPROVAL_SAME_USER (the recommender cannot reject their own recommendation).
    """
    reason = " ".join((reason or "").split())
    if not 1 <= len(reason) <= 200:
        raise DomainError(ErrorCode.INVALID_INPUT, "a rejection needs a reason of 1-200 characters", field="reason")
    async with in_transaction():
        loan = await find_loan(loan_number, lock=True)
        _require(loan, LoanStatus.APPLIED, LoanStatus.RECOMMENDED)
        if rejected_by == loan.recommended_by:
            raise DomainError(ErrorCode.APPROVAL_SAME_USER, "the recommender cannot also decide")
        loan.status = LoanStatus.REJECTED
        loan.rejected_by = rejected_by
        loan.decision_reason = reason
        await loan.save(update_fields=["status", "rejected_by", "decision_reason"])
        await Account.filter(id=loan.account_id).update(status=AccountStatus.CLOSED, closed_on=await business_date())
    return loan


def processing_fee_minor(amount_minor: int, fee_bps: int, gst_bps: int) -> tuple[int, int]:
    """(fee, GST on it) in minor units: fee = amount * fee_bps / 10000, GST = fee * gst_bps / 10000, each rounded half up once."""
    with working_context():
        fee = round_minor(Decimal(amount_minor) * fee_bps / 10_000, SCHEDULE_ROUNDING)
        gst = round_minor(Decimal(fee) * gst_bps / 10_000, SCHEDULE_ROUNDING)
    return fee, gst


def disbursal_key(loan_id: int) -> str:
    return f"loan-disbursal:{loan_id}"


async def disburse_loan(*, loan_number: str, initiator: str, value_date: date | None = None) -> tuple[Loan, PostedEntry]:
    """Disburse a SANCTIONED loan: fix and store its schedule, book the money, make it ACTIVE.

    Dr the loan account the principal; Cr the repayment (savings) account, or clearing for
    a third party, the principal less the processing fee and its GST; Cr fee income, Cr
    GST payable. ``value_date`` (default the business date) is the disbursal date; day-end
    passes the date it closes. Idempotent: a second call returns the first entry
    (``replayed``). Raises NOT_FOUND, LOAN_WRONG_STATUS, INVALID_AMOUNT (fee and GST not
    below the principal), and ``post_entry``'s codes (ACCOUNT_NOT_ACTIVE for an account
    still pending KYC).
    """
    async with in_transaction():
        loan = await find_loan(loan_number, lock=True)
        if loan.status == LoanStatus.ACTIVE and loan.disbursed_on is not None:
            from bankcore.models import JournalEntry

            existing = await JournalEntry.get_or_none(idempotency_key=disbursal_key(loan.id))
            if existing is not None:
                from bankcore.ledger.posting import _replay

                draft = EntryDraft(entry_type=EntryType.LOAN_DISBURSAL, value_date=None, narration="replay",
                                   initiator=initiator, postings=(), request_fingerprint=existing.request_fingerprint)
                return loan, await _replay(draft, existing)
        _require(loan, LoanStatus.SANCTIONED)
        on = value_date or await business_date()
        product = await LoanProduct.get_or_none(id=loan.loan_product_id) if loan.loan_product_id else None
        fee, gst = processing_fee_minor(loan.amount_minor, product.processing_fee_bps if product else 0,
                                        await S.GST_RATE_BPS.get(on=on))
        net = loan.amount_minor - fee - gst
        if net <= 0:
            raise DomainError(ErrorCode.INVALID_AMOUNT, "the fee and GST would take the whole principal", field="amount")
        schedule = build_schedule(LoanTerms(
            principal_minor=loan.amount_minor, annual_rate_bps=loan.annual_rate_bps, tenure_months=loan.duration_months,
            disbursal_date=on, repayment_day=loan.repayment_day, method=ScheduleMethod(loan.method),
            moratorium_months=loan.moratorium_months,
        )) if not (loan.source_ref or "").startswith("berka-loan:") else None
        loan_ledger = (await Account.get(id=loan.account_id)).ledger_account_id
        if loan.disburse_to == DisburseTo.CLEARING:
            payee_ledger = await gl_account_id(CLEARING, loan.currency)
        else:
            payee_ledger = (await Account.get(id=loan.repayment_account_id)).ledger_account_id
        legs = [debit(loan_ledger, loan.amount_minor, loan.currency), credit(payee_ledger, net, loan.currency)]
        if fee:
            legs.append(credit(await gl_account_id(FEE_INCOME, loan.currency), fee, loan.currency))
        if gst:
            legs.append(credit(await gl_account_id(GST_PAYABLE, loan.currency), gst, loan.currency))
        number = (await Account.get(id=loan.account_id)).number
        if loan.collateral_kind == "DEPOSIT_LIEN" and loan.collateral_ref:
            from bankcore.deposits.lien import mark_lien  # the deposit stays under lien until the loan is repaid

            await mark_lien(deposit_number=loan.collateral_ref, amount_minor=loan.amount_minor, reference=number,
                            marked_by=initiator)
        posted = await post_entry(EntryDraft(
            entry_type=EntryType.LOAN_DISBURSAL, value_date=on,
            narration=f"Loan {number} disbursed" + (" to a third party through clearing" if loan.disburse_to == DisburseTo.CLEARING else ""),
            initiator=initiator, postings=tuple(legs), idempotency_key=disbursal_key(loan.id),
            request_fingerprint=request_fingerprint({"op": "disburse_loan", "loan": loan.id}),
        ))
        if schedule is not None:
            await store_schedule(loan, schedule)
            loan.instalment_minor = schedule.emi_minor
            loan.repayment_day = schedule.repayment_day
        # (a Berka loan keeps the schedule the import gave it: bankcore.loans.berka)
        loan.status = LoanStatus.ACTIVE
        loan.disbursed_on = on
        loan.granted_on = on
        loan.fee_minor, loan.gst_minor = fee, gst
        await loan.save(update_fields=["status", "disbursed_on", "granted_on", "fee_minor", "gst_minor",
                                       "instalment_minor", "repayment_day"])
    return loan, posted


async def store_schedule(loan: Loan, schedule: Schedule, *, after_number: int = 0) -> None:
    """Replace ``loan``'s instalment rows after ``after_number`` with ``schedule``'s rows after it."""
    await LoanInstalment.filter(loan_id=loan.id, number__gt=after_number).delete()
    await LoanInstalment.bulk_create([
        LoanInstalment(loan_id=loan.id, number=row.number, due_date=row.due_date, principal_minor=row.principal_minor,
                       interest_minor=row.interest_minor)
        for row in schedule.rows if row.number > after_number
    ])


async def sanction_loan_against_lien(*, member_number: str, product_code: str, amount: Money, tenure_months: int,
                                     deposit_account_number: str, lien_minor: int, staff: tuple[str, str, str]) -> Loan:
    """Cross-slice hook for loans against deposits: apply, recommend and sanction in one step.

    ``lien_minor`` of the deposit ``deposit_account_number`` (at most its lien capacity,
    ``bankcore.deposits.lien.lien_capacity``) secures the loan; three different staff
    actors (applied by, recommended by, sanctioned by). The amount may be at most
    ``loans.deposit_lien_ltv_bps`` of it. Disbursal marks the lien (``mark_lien``) and full
    repayment releases it (``release_lien``). Raises
    the codes of ``apply_for_loan``, ``recommend_loan`` and ``sanction_loan``.
    """
    from bankcore.deposits.lien import lien_capacity

    maker, recommender, approver = staff
    lien_minor = min(lien_minor, await lien_capacity(deposit_number=deposit_account_number))
    loan = await apply_for_loan(member_number=member_number, product_code=product_code, amount=amount,
                                tenure_months=tenure_months, applied_by=maker,
                                collateral=Collateral("DEPOSIT_LIEN", lien_minor, deposit_account_number))
    number = (await Account.get(id=loan.account_id)).number
    await recommend_loan(loan_number=number, recommended_by=recommender)
    return await sanction_loan(loan_number=number, approver=approver)


async def loan_ledger_balance(loan: Loan) -> int:
    """Principal outstanding: the loan account's ledger balance (minor units)."""
    account = await Account.get(id=loan.account_id)
    return (await LedgerAccount.get(id=account.ledger_account_id)).balance_minor

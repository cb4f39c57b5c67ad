"""Maker-checker on a loan application: recommend, sanction, reject; and a loan against a deposit in one step.

A clerk (or the member, in the portal) applies, a clerk recommends, a manager sanctions
or rejects with a reason, never the person who recommended it; a loan above
``loans.sanction_limit_minor`` needs a second approver (another manager or an admin) who
is neither (board policy on delegated sanctioning powers).
"""

from __future__ import annotations

from datetime import date

from tortoise.transactions import in_transaction

from bankcore.calendar.business_date import business_date
from bankcore.errors import DomainError, ErrorCode
from bankcore.loans import settings as S
from bankcore.loans.application import Collateral, _require, apply_for_loan, eligibility, find_loan
from bankcore.models import (
    Account,
    AccountStatus,
    LedgerAccount,
    Loan,
    LoanStatus,
)
from bankcore.money import Money


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


async def sanction_loan_against_lien(*, member_number: str, product_code: str, amount: Money, tenure_months: int,
                                     deposit_account_number: str, lien_minor: int, staff: tuple[str, str, str]) -> Loan:
    """Cross-slice hook for loans against deposits: apply, recommend and sanction in one step.

    The deposit ``deposit_account_number`` secures the loan: its value (ledger balance) is
    the collateral's value, so the amount may be at most ``loans.deposit_lien_ltv_bps`` of
    the deposit (90 %); the lien to be marked, ``lien_minor``, is capped at the deposit's
    lien capacity (``bankcore.deposits.lien.lien_capacity``: 90 % of it less liens already
    marked) and the amount may not exceed it either. Three different staff actors
    (applied by, recommended by, sanctioned by). Disbursal marks a lien of the amount
    (``mark_lien``), and full repayment releases it (``release_lien``). Raises
    LIEN_LIMIT_EXCEEDED (amount above the lien), and the codes of ``apply_for_loan``
    (COLLATERAL_INSUFFICIENT above the LTV), ``recommend_loan`` and ``sanction_loan``.
    """
    # (Before: the capped lien was passed as the collateral's value, so the 90 % LTV applied
    # on top of the 90 % lien capacity and the loan stopped at 81 % of the deposit.)
    from bankcore.deposits.lien import lien_capacity
    from bankcore.deposits.service import get_deposit

    maker, recommender, approver = staff
    deposit = await get_deposit(deposit_account_number)
    value_minor = (await LedgerAccount.get(id=deposit.ledger_account_id)).balance_minor
    lien_minor = min(lien_minor, await lien_capacity(deposit_number=deposit_account_number))
    if amount.amount_minor > lien_minor:
        raise DomainError(ErrorCode.LIEN_LIMIT_EXCEEDED, "the loan is larger than the lien the deposit can carry",
                          field="amount")
    loan = await apply_for_loan(member_number=member_number, product_code=product_code, amount=amount,
                                tenure_months=tenure_months, applied_by=maker,
                                collateral=Collateral("DEPOSIT_LIEN", value_minor, deposit.number))
    number = (await Account.get(id=loan.account_id)).number
    await recommend_loan(loan_number=number, recommended_by=recommender)
    return await sanction_loan(loan_number=number, approver=approver)

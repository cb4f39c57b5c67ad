"""A loan against a term deposit (``sanction_loan_against_lien``): up to 90 % of the deposit, the
deposit liened at disbursal so it cannot be closed, and released when the loan is repaid."""

from __future__ import annotations

import pytest

from bankcore.deposits.closing import close_prematurely
from bankcore.deposits.lien import lien_capacity
from bankcore.errors import DomainError, ErrorCode
from bankcore.loans.lifecycle import disburse_loan, sanction_loan_against_lien
from bankcore.loans.products import LoanProductSpec, create_loan_product
from bankcore.loans.foreclosure import close_loan
from bankcore.models import DepositStatus, LoanStatus, Member, TermDeposit
from bankcore.verify import verify_ledger
from tests.deposits.factory import deposit_bank, saver
from tests.deposits.test_fixed import _open_fd
from tests.ledger.factory import inr

STAFF = ("staff:1", "staff:2", "staff:3")


async def depositor_and_lad_product() -> tuple[Member, str, TermDeposit]:
    """A member with 2 lakh in savings, a 1-lakh 12-month fixed deposit, and a loan-against-deposit product LAD."""
    await deposit_bank()
    member, savings = await saver(balance="200000.00")
    fd = await _open_fd(savings, "100000.00", 12)
    await create_loan_product(spec=LoanProductSpec(
        code="LAD", name="Loan against deposit", currency="INR", annual_rate_bps=900, min_amount_minor=1_000_00,
        max_amount_minor=10_00_000_00, min_tenure_months=3, max_tenure_months=24, collateral_kinds=("DEPOSIT_LIEN",)))
    return member, savings, fd


async def test_a_loan_against_a_deposit_up_to_90_percent_which_cannot_close_while_liened(db: str) -> None:
    # given: a member with a 1-lakh fixed deposit and a loan-against-deposit product
    member, savings, fd = await depositor_and_lad_product()
    # when: more than 90 % of the deposit is asked for, it is refused before anything is written
    with pytest.raises(DomainError) as too_much:
        await sanction_loan_against_lien(member_number=member.member_number, product_code="LAD", amount=inr("90000.01"),
                                         tenure_months=12, deposit_account_number=fd.number, lien_minor=100_000_00,
                                         staff=STAFF)
    assert too_much.value.code in (ErrorCode.COLLATERAL_INSUFFICIENT, ErrorCode.LIEN_LIMIT_EXCEEDED)
    # and exactly 90 % is sanctioned by three different people
    loan = await sanction_loan_against_lien(member_number=member.member_number, product_code="LAD", amount=inr("90000.00"),
                                            tenure_months=12, deposit_account_number=fd.number, lien_minor=100_000_00,
                                            staff=STAFF)
    assert loan.status == LoanStatus.SANCTIONED and loan.collateral_ref == fd.number
    assert (loan.applied_by, loan.recommended_by, loan.sanctioned_by) == STAFF
    # then: disbursal marks the lien; the deposit has no capacity left and cannot be closed
    number = (await loan.account).number
    await disburse_loan(loan_number=number, initiator="staff:3")
    assert await lien_capacity(deposit_number=fd.number) == 0
    with pytest.raises(DomainError) as refused:
        await close_prematurely(deposit_number=fd.number, initiator="test")
    assert refused.value.code == ErrorCode.DEPOSIT_UNDER_LIEN
    # once the loan is repaid (foreclosed) the lien is released and the deposit may close
    await close_loan(loan_number=number, initiator="staff:3", idempotency_key="close", from_account_number=savings)
    assert await lien_capacity(deposit_number=fd.number) == 90_000_00
    await close_prematurely(deposit_number=fd.number, initiator="test")
    assert (await TermDeposit.get(id=fd.id)).status == DepositStatus.CLOSED_PREMATURELY
    assert (await verify_ledger()).ok

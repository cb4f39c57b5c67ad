"""Disbursal: fix and store the schedule, book the money net of the processing fee and its GST.

Disbursal fixes and stores the schedule (``bankcore.loans.schedule``), books
Dr loan / Cr savings (or clearing for a third party) net of the processing fee and its
18 % GST (Cr fee income, Cr GST payable). Idempotent: a loan is disbursed once, under
the key ``loan-disbursal:<id>``.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from tortoise.transactions import in_transaction

from bankcore.calendar.business_date import business_date
from bankcore.chart import CLEARING, FEE_INCOME, GST_PAYABLE
from bankcore.errors import DomainError, ErrorCode
from bankcore.interest.rounding import SCHEDULE_ROUNDING, round_minor, working_context
from bankcore.ledger.entry import EntryDraft, credit, debit, request_fingerprint
from bankcore.ledger.posting import PostedEntry, post_entry
from bankcore.loans import settings as S
from bankcore.loans.application import _require, find_loan
from bankcore.loans.schedule import LoanTerms, Schedule, ScheduleMethod, build_schedule
from bankcore.models import (
    Account,
    DisburseTo,
    EntryType,
    LedgerAccount,
    Loan,
    LoanInstalment,
    LoanProduct,
    LoanStatus,
)
from bankcore.services._lookup import gl_account_id


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


async def loan_ledger_balance(loan: Loan) -> int:
    """Principal outstanding: the loan account's ledger balance (minor units)."""
    account = await Account.get(id=loan.account_id)
    return (await LedgerAccount.get(id=account.ledger_account_id)).balance_minor

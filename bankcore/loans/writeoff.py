"""Write-off (manager proposes, admin approves), recoveries after it, and rescheduling (restructuring).

* Write-off: the principal outstanding leaves the books against the loan's provision
  (Dr provisions 2367 up to ``loan.provision_minor``, the rest Dr bad debts written off
  5366; Cr the loan account). Unrealised interest was never income (it sat in the
  receivable against the OIR or was trued up at month end). Two people: a manager
  proposes, an admin (another person) approves (board policy; RBI expects write-offs
  under a board-approved policy with delegated powers).
* A recovery on a written-off loan is income: Dr the payer, Cr bad debts recovered 4365.
* Reschedule from a given instalment not yet due, with a new rate and/or number of
  instalments (``bankcore.loans.schedule.reschedule``); the loan is flagged restructured
  (RBI prudential framework: restructured accounts are reported and watched as such).
"""

from __future__ import annotations

from tortoise.transactions import in_transaction

from bankcore.calendar.business_date import business_date
from bankcore.chart import BAD_DEBTS_RECOVERED, BAD_DEBTS_WRITTEN_OFF, LOAN_LOSS_PROVISIONS
from bankcore.errors import DomainError, ErrorCode
from bankcore.ledger.entry import EntryDraft, credit, debit, request_fingerprint
from bankcore.ledger.posting import PostedEntry, post_entry
from bankcore.loans.classify import SPECIFIED_PERIOD_MONTHS
from bankcore.loans.dates import add_months
from bankcore.loans.lifecycle import find_loan, store_schedule
from bankcore.loans.repayment import instalment_rows, materialise_penal, principal_outstanding, source_ledger, stored_schedule
from bankcore.loans.schedule import reschedule
from bankcore.models import EntryType, Loan, LoanStatus
from bankcore.money import Money
from bankcore.services._lookup import gl_account_id


async def write_off_loan(*, loan_number: str, actor: str, reason: str, approving: bool) -> tuple[Loan, PostedEntry | None]:
    """Propose (``approving=False``, a manager) or approve (``approving=True``, an admin) writing off an ACTIVE loan.

    The approval posts the write-off (see the module docstring) and makes the loan
    WRITTEN_OFF. Raises NOT_FOUND, LOAN_WRONG_STATUS, INVALID_INPUT (no reason, approval
    without a proposal), APPROVAL_SAME_USER.
    """
    reason = " ".join((reason or "").split())
    if not 1 <= len(reason) <= 200:
        raise DomainError(ErrorCode.INVALID_INPUT, "a write-off needs a reason of 1-200 characters", field="reason")
    async with in_transaction():
        loan = await find_loan(loan_number, lock=True)
        if loan.status != LoanStatus.ACTIVE:
            raise DomainError(ErrorCode.LOAN_WRONG_STATUS, f"the loan is {loan.status}", field="loan_number")
        if not approving:
            loan.write_off_requested_by = actor
            loan.decision_reason = reason
            await loan.save(update_fields=["write_off_requested_by", "decision_reason"])
            return loan, None
        if loan.write_off_requested_by is None:
            raise DomainError(ErrorCode.INVALID_INPUT, "a manager must propose the write-off first", field="loan_number")
        if loan.write_off_requested_by == actor:
            raise DomainError(ErrorCode.APPROVAL_SAME_USER, "the approver must differ from who proposed it")
        outstanding, loan_ledger = await principal_outstanding(loan)
        from_provision = min(loan.provision_minor, outstanding)
        legs = [credit(loan_ledger, outstanding, loan.currency)]
        if from_provision:
            legs.append(debit(await gl_account_id(LOAN_LOSS_PROVISIONS, loan.currency), from_provision, loan.currency))
        if outstanding - from_provision:
            legs.append(debit(await gl_account_id(BAD_DEBTS_WRITTEN_OFF, loan.currency), outstanding - from_provision,
                              loan.currency))
        posted = await post_entry(EntryDraft(
            entry_type=EntryType.ADJUSTMENT, value_date=None, narration=f"Write-off of loan {loan_number}: {reason}"[:255],
            initiator=actor, postings=tuple(legs), idempotency_key=f"loan-write-off:{loan.id}",
            request_fingerprint=request_fingerprint({"op": "write_off", "loan": loan.id}),
        )) if outstanding > 0 else None
        await materialise_penal(loan)  # the charges stop with the status: keep those levied so far
        loan.status = LoanStatus.WRITTEN_OFF
        loan.written_off_on = await business_date()
        loan.written_off_minor = outstanding
        loan.second_approver = actor
        loan.provision_minor = 0
        await loan.save(update_fields=["status", "written_off_on", "written_off_minor", "second_approver", "provision_minor"])
    return loan, posted


async def recover_written_off(*, loan_number: str, amount: Money, initiator: str, idempotency_key: str,
                              from_account_number: str | None = None, debit_ledger_account_id: int | None = None) -> PostedEntry:
    """A recovery on a WRITTEN_OFF loan: Dr the payer, Cr bad debts recovered (income). Idempotent per key.

    Raises NOT_FOUND, LOAN_WRONG_STATUS, INVALID_AMOUNT, CURRENCY_MISMATCH and ``post_entry``'s codes.
    """
    loan = await find_loan(loan_number)
    if loan.status != LoanStatus.WRITTEN_OFF:
        raise DomainError(ErrorCode.LOAN_WRONG_STATUS, "only a written-off loan takes recoveries", field="loan_number")
    if amount.amount_minor <= 0 or amount.currency != loan.currency:
        raise DomainError(ErrorCode.INVALID_AMOUNT, "a positive amount in the loan's currency", field="amount")
    source = await source_ledger(from_account_number, debit_ledger_account_id, loan.currency)
    return await post_entry(EntryDraft(
        entry_type=EntryType.LOAN_REPAYMENT, value_date=None, narration=f"Recovery on written-off loan {loan_number}",
        initiator=initiator, postings=(debit(source, amount.amount_minor, loan.currency),
                                       credit(await gl_account_id(BAD_DEBTS_RECOVERED, loan.currency), amount.amount_minor, loan.currency)),
        idempotency_key=idempotency_key,
        request_fingerprint=request_fingerprint({"op": "recover", "loan": loan.id, "amount": amount.amount_minor, "source": source}),
    ))


async def reschedule_loan(*, loan_number: str, from_number: int, actor: str, annual_rate_bps: int | None = None,
                          remaining_months: int | None = None) -> Loan:
    """Recompute instalments ``from_number`` on (not yet due) with a new rate and/or count; flag the loan restructured.

    Raises NOT_FOUND, LOAN_WRONG_STATUS, INVALID_INPUT (``from_number`` already due or
    outside the schedule, or nothing to change), INVALID_RATE, INVALID_TENURE.
    """
    if annual_rate_bps is None and remaining_months is None:
        raise DomainError(ErrorCode.INVALID_INPUT, "give a new rate or a new number of instalments", field="annual_rate_bps")
    async with in_transaction():
        loan = await find_loan(loan_number, lock=True)
        if loan.status != LoanStatus.ACTIVE:
            raise DomainError(ErrorCode.LOAN_WRONG_STATUS, f"the loan is {loan.status}", field="loan_number")
        rows = await instalment_rows(loan.id)
        today = await business_date()
        row = next((r for r in rows if r.number == from_number), None)
        if row is None or row.due_date <= today or row.paid_principal_minor or row.paid_interest_minor:
            raise DomainError(ErrorCode.INVALID_INPUT, "reschedule from an instalment not yet due", field="from_number")
        new = reschedule(stored_schedule(loan, rows), from_number=from_number, annual_rate_bps=annual_rate_bps,
                         remaining_months=remaining_months)
        await store_schedule(loan, new, after_number=from_number - 1)
        loan.annual_rate_bps = new.annual_rate_bps
        loan.instalment_minor = new.emi_minor
        loan.duration_months = len(new.rows)
        loan.restructured = True
        # The specified period (bankcore.loans.classify): 12 months from the first instalment under the new terms.
        first_due = next(r.due_date for r in new.rows if r.number == from_number)
        until = add_months(first_due, SPECIFIED_PERIOD_MONTHS)
        loan.restructured_until = max(until, loan.restructured_until) if loan.restructured_until else until
        loan.decision_reason = f"rescheduled by {actor}"[:200]
        await loan.save(update_fields=["annual_rate_bps", "instalment_minor", "duration_months", "restructured",
                                       "restructured_until", "decision_reason"])
    return loan

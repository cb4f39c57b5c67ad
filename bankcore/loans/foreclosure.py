"""Foreclosure: what closing a loan today costs (the quote), and closing it with that payment.

The quote is the principal outstanding, every due not yet paid (interest and charges), and
interest accrued since the last due date (ACT/365). Closing pays exactly the quote of the
business date, allocated as any repayment (``bankcore.loans.repayment``): the rows not yet due
are replaced by one final row, paid, and the loan is CLOSED (a no-dues certificate follows).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from tortoise.transactions import in_transaction

from bankcore.calendar.business_date import business_date
from bankcore.chart import LOAN_INTEREST_INCOME, PENAL_INTEREST_INCOME
from bankcore.errors import DomainError, ErrorCode
from bankcore.ledger.entry import EntryDraft, credit, debit, request_fingerprint
from bankcore.ledger.posting import post_entry
from bankcore.loans.allocation import DueKind, allocate_payment
from bankcore.loans.lifecycle import find_loan
from bankcore.loans.repayment import (
    RepaymentResult,
    accrued_since_last_due,
    apply_settlements,
    close_if_repaid,
    dues_of,
    instalment_rows,
    materialise_penal,
    principal_outstanding,
    replayed_repayment,
    source_ledger,
)
from bankcore.models import Account, EntryType, Loan, LoanInstalment, LoanStatus
from bankcore.services._lookup import gl_account_id


@dataclass(frozen=True, slots=True)
class ForeclosureQuote:
    """What closing the loan on ``as_of`` costs (minor units)."""

    as_of: date
    currency: str
    principal_minor: int
    interest_due_minor: int
    charges_due_minor: int
    accrued_interest_minor: int

    @property
    def total_minor(self) -> int:
        return self.principal_minor + self.interest_due_minor + self.charges_due_minor + self.accrued_interest_minor


async def foreclosure_quote(*, loan_number: str, as_of: date | None = None) -> ForeclosureQuote:
    """What it costs to close an ACTIVE loan on ``as_of`` (default the business date): principal outstanding,
    interest and charges due and unpaid, and interest accrued since the last due date (ACT/365).

    Raises NOT_FOUND, LOAN_WRONG_STATUS.
    """
    loan = await find_loan(loan_number)
    if loan.status != LoanStatus.ACTIVE:
        raise DomainError(ErrorCode.LOAN_WRONG_STATUS, f"the loan is {loan.status}", field="loan_number")
    return await _quote(loan, as_of or await business_date())


async def _quote(loan: Loan, on: date) -> ForeclosureQuote:
    rows = await instalment_rows(loan.id)
    dues = dues_of(rows, on)
    principal, _ = await principal_outstanding(loan)
    return ForeclosureQuote(
        as_of=on, currency=loan.currency, principal_minor=principal,
        interest_due_minor=sum(d.amount_minor for d in dues if d.kind is DueKind.INTEREST),
        charges_due_minor=sum(d.amount_minor for d in dues if d.kind in (DueKind.PENAL_CHARGES, DueKind.CHARGES)),
        accrued_interest_minor=accrued_since_last_due(loan, rows, principal, on),
    )


async def close_loan(
    *,
    loan_number: str,
    initiator: str,
    idempotency_key: str,
    from_account_number: str | None = None,
    debit_ledger_account_id: int | None = None,
    expected_total_minor: int | None = None,
) -> RepaymentResult:
    """Foreclose: pay the foreclosure quote of the business date and close the loan (status CLOSED).

    The rows not yet due are replaced by one final row (due today) of the principal
    outstanding and the accrued interest, paid. ``expected_total_minor``: the quote's total
    the payer reviewed (minor units); when today's quote differs (a day-end ran, a payment
    came in) nothing is paid: QUOTE_CHANGED. Idempotent per key. Raises the codes of
    ``foreclosure_quote`` and ``post_entry`` (INSUFFICIENT_FUNDS ...), IDEMPOTENCY_CONFLICT,
    QUOTE_CHANGED.
    """
    if not idempotency_key or len(idempotency_key) > 100:
        raise DomainError(ErrorCode.INVALID_INPUT, "an idempotency key of 1-100 characters is required", field="idempotency_key")
    async with in_transaction():
        loan = await find_loan(loan_number, lock=True)
        source = await source_ledger(from_account_number, debit_ledger_account_id, loan.currency)
        fingerprint = request_fingerprint({"op": "close_loan", "loan": loan.id, "source": source})
        replay = await replayed_repayment(idempotency_key, loan.id, fingerprint)
        if replay is not None:
            return replay
        if loan.status != LoanStatus.ACTIVE:
            raise DomainError(ErrorCode.LOAN_WRONG_STATUS, f"the loan is {loan.status}", field="loan_number")
        on = await business_date()
        await materialise_penal(loan)
        quote = await _quote(loan, on)
        if expected_total_minor is not None and expected_total_minor != quote.total_minor:
            raise DomainError(ErrorCode.QUOTE_CHANGED, "the amount to close the loan has changed: look at the new quote",
                              field="expected_total")
        rows = await instalment_rows(loan.id)
        allocation = allocate_payment(quote.interest_due_minor + quote.charges_due_minor + quote.principal_minor,
                                      dues_of(rows, on)) if dues_of(rows, on) else None
        _, loan_ledger = await principal_outstanding(loan)
        interest = quote.interest_due_minor + quote.accrued_interest_minor
        legs = [debit(source, quote.total_minor, loan.currency)]
        if quote.principal_minor:
            legs.append(credit(loan_ledger, quote.principal_minor, loan.currency))
        if interest:
            legs.append(credit(await gl_account_id(LOAN_INTEREST_INCOME, loan.currency), interest, loan.currency))
        if quote.charges_due_minor:
            legs.append(credit(await gl_account_id(PENAL_INTEREST_INCOME, loan.currency), quote.charges_due_minor, loan.currency))
        number = (await Account.get(id=loan.account_id)).number
        if quote.total_minor <= 0:
            raise DomainError(ErrorCode.NOTHING_DUE, "nothing is owed on this loan", field="loan_number")
        posted = await post_entry(EntryDraft(
            entry_type=EntryType.LOAN_REPAYMENT, value_date=None, narration=f"Foreclosure of loan {number}",
            initiator=initiator, postings=tuple(legs), idempotency_key=idempotency_key, request_fingerprint=fingerprint,
        ))
        if allocation is not None:
            await apply_settlements(rows, allocation.settlements, posted.value_date)
        after = max((r.number for r in rows if r.due_date <= on), default=0)
        remaining = quote.principal_minor - (allocation.settled_by_kind()[DueKind.PRINCIPAL] if allocation else 0)
        await LoanInstalment.filter(loan_id=loan.id, number__gt=after).delete()
        if remaining or quote.accrued_interest_minor:
            await LoanInstalment.create(loan_id=loan.id, number=after + 1, due_date=on, principal_minor=remaining,
                                        interest_minor=quote.accrued_interest_minor, paid_principal_minor=remaining,
                                        paid_interest_minor=quote.accrued_interest_minor, paid_on=on)
        closed = await close_if_repaid(loan, posted.value_date)
    return RepaymentResult(loan.id, posted, quote.principal_minor, interest, quote.charges_due_minor, 0, closed)

"""Repaying a loan: EMIs (from savings, cash at the counter, the gateway, day-end collection) and prepayment
(foreclosure: ``bankcore.loans.foreclosure``).

Every payment is allocated in the RBI-style order of ``bankcore.loans.allocation``:
penal charges, then interest, then principal, oldest due first (Indian Contract Act
ss. 59-61; RBI penal charges circular, 18 Aug 2023). What is left after everything due
is a part-prepayment that reduces the tenure or the EMI (``bankcore.loans.schedule.prepay``;
RBI/2023-24/55 gives the borrower that choice). Interest and charges are income when
realised (Cr interest income / penal charges income); the principal part credits the
loan account. Foreclosure pays the principal outstanding, every due, and interest
accrued since the last due date (ACT/365) and closes the loan.

Concurrency: the loan row is locked (``SELECT ... FOR UPDATE``) before the dues are read,
and the entry is posted in the same transaction, so two payments never settle the same due.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from tortoise.connection import get_connection
from tortoise.transactions import in_transaction

from bankcore.calendar.business_date import business_date
from bankcore.chart import LOAN_INTEREST_INCOME, PENAL_INTEREST_INCOME
from bankcore.errors import DomainError, ErrorCode
from bankcore.ledger.entry import EntryDraft, PostingDraft, credit, debit, request_fingerprint
from bankcore.ledger.posting import Effects, PostedEntry, post_entry
from bankcore.loans.allocation import Due, DueKind, allocate_payment
from bankcore.loans.dates import add_months
from bankcore.loans.lifecycle import find_loan
from bankcore.loans.penal_sql import materialise, penal_by_row
from bankcore.loans.schedule import Instalment, PrepaymentMode, Schedule, ScheduleMethod, broken_period_interest_minor, prepay
from bankcore.models import Account, EntryType, JournalEntry, LedgerAccount, Loan, LoanInstalment, LoanProduct, LoanStatus, Posting
from bankcore.money import Money
from bankcore.services._lookup import get_account, gl_account_id


@dataclass(frozen=True, slots=True)
class RepaymentResult:
    """What a payment did: the entry, and how it split (minor units)."""

    loan_id: int
    entry: PostedEntry
    principal_minor: int
    interest_minor: int
    charges_minor: int
    prepaid_minor: int
    closed: bool

    @property
    def replayed(self) -> bool:
        return self.entry.replayed


async def instalment_rows(loan_id: int) -> list[LoanInstalment]:
    """A loan's schedule rows in order, with the penal charges levied through the last day-end
    (computed on read, not saved)."""
    found = await LoanInstalment.filter(loan_id=loan_id).order_by("number")
    if any(r.paid_on is None for r in found):
        penal = await penal_by_row(get_connection("default"), loan_id)
        for r in found:
            if r.id in penal:
                r.penal_e6, r.penal_minor = penal[r.id]
    return found


async def materialise_penal(loan: Loan) -> None:
    # a payment changes what the charges count on: the days before it keep their figure
    await materialise(get_connection("default"), loan_ids=[loan.id])


def dues_of(rows: list[LoanInstalment], as_of: date) -> list[Due]:
    """Unpaid penal charges, interest and principal of the rows due on or before ``as_of``."""
    dues: list[Due] = []
    for row in rows:
        if row.due_date > as_of:
            continue
        for kind, owed in ((DueKind.PENAL_CHARGES, row.penal_minor - row.paid_penal_minor),
                           (DueKind.INTEREST, row.interest_minor - row.paid_interest_minor),
                           (DueKind.PRINCIPAL, row.principal_minor - row.paid_principal_minor)):
            if owed > 0:
                dues.append(Due(row.number, row.due_date, kind, owed))
    return dues


async def principal_outstanding(loan: Loan) -> tuple[int, int]:
    account = await Account.get(id=loan.account_id)
    ledger = await LedgerAccount.get(id=account.ledger_account_id)
    return ledger.balance_minor, ledger.id


def accrued_since_last_due(loan: Loan, rows: list[LoanInstalment], principal_minor: int, as_of: date) -> int:
    """Interest on ``principal_minor`` from the last due date on or before ``as_of`` (or disbursal) to ``as_of``, ACT/365."""
    last = max((r.due_date for r in rows if r.due_date <= as_of), default=loan.disbursed_on or loan.granted_on)
    if principal_minor <= 0 or loan.annual_rate_bps == 0 or as_of <= last:
        return 0
    return broken_period_interest_minor(principal_minor, loan.annual_rate_bps, last, as_of)


def stored_schedule(loan: Loan, rows: list[LoanInstalment]) -> Schedule:
    """The stored rows as a ``Schedule`` (closing principal from the rows after each), for ``prepay``/``reschedule``."""
    closing = 0
    built: list[Instalment] = []
    for row in reversed(rows):
        opening = closing + row.principal_minor
        built.append(Instalment(row.number, row.due_date, opening, row.principal_minor + row.interest_minor,
                                row.interest_minor, row.principal_minor, closing))
        closing = opening
    built.reverse()
    day = loan.repayment_day or loan.granted_on.day
    return Schedule(
        rows=tuple(built), method=ScheduleMethod(loan.method), annual_rate_bps=loan.annual_rate_bps,
        emi_minor=loan.instalment_minor, principal_minor=loan.amount_minor,
        anchor_date=add_months(rows[0].due_date, -1, day=day) if rows else loan.granted_on, repayment_day=day,
        broken_period_days=0, broken_period_interest_minor=0, broken_period_in_first_instalment=False,
        moratorium_until_number=loan.moratorium_months, prepaid_minor=loan.amount_minor - sum(r.principal_minor for r in rows),
    )


async def replayed_repayment(key: str, loan_id: int, fingerprint: str) -> RepaymentResult | None:
    existing = await JournalEntry.get_or_none(idempotency_key=key)
    if existing is None:
        return None
    if existing.request_fingerprint != fingerprint:
        raise DomainError(ErrorCode.IDEMPOTENCY_CONFLICT, "this idempotency key was used for another request",
                          field="idempotency_key")
    from bankcore.ledger.posting import _replay as ledger_replay

    entry = await ledger_replay(EntryDraft(EntryType.LOAN_REPAYMENT, None, "replay", "replay", (),
                                                  request_fingerprint=fingerprint), existing)
    legs = await Posting.filter(entry_id=existing.id, side="C")
    interest_gl = {await gl_account_id(LOAN_INTEREST_INCOME, p.currency) for p in legs}
    penal_gl = {await gl_account_id(PENAL_INTEREST_INCOME, p.currency) for p in legs}
    interest = sum(p.amount_minor for p in legs if p.ledger_account_id in interest_gl)
    charges = sum(p.amount_minor for p in legs if p.ledger_account_id in penal_gl)
    principal = sum(p.amount_minor for p in legs) - interest - charges
    loan = await Loan.get(id=loan_id)
    return RepaymentResult(loan_id, entry, principal, interest, charges, 0, loan.status == LoanStatus.CLOSED)


async def source_ledger(from_account_number: str | None, debit_ledger_account_id: int | None, currency: str) -> int:
    if (from_account_number is None) == (debit_ledger_account_id is None):
        raise DomainError(ErrorCode.INVALID_INPUT, "name the account to pay from", field="from_account_number")
    if debit_ledger_account_id is not None:
        return debit_ledger_account_id
    account = await get_account(from_account_number, field="from_account_number")  # type: ignore[arg-type]
    if account.currency != currency:
        raise DomainError(ErrorCode.CURRENCY_MISMATCH, "the account is in another currency", field="from_account_number")
    if account.kind == "asset":
        raise DomainError(ErrorCode.INVALID_INPUT, "pay from a savings or current account", field="from_account_number")
    return account.ledger_account_id


async def repay_loan(
    *,
    loan_number: str,
    amount: Money,
    initiator: str,
    idempotency_key: str,
    from_account_number: str | None = None,
    debit_ledger_account_id: int | None = None,
    prepayment_mode: PrepaymentMode | str | None = None,
    value_date: date | None = None,
    narration: str | None = None,
    effects: Effects | None = None,
    entry_type: EntryType = EntryType.LOAN_REPAYMENT,
    allow_prepayment: bool = True,
) -> RepaymentResult:
    """Pay ``amount`` to loan ``loan_number`` from a member's account or a GL account (cash, gateway).

    Pays what is due on or before the value date in the RBI order; an excess is a
    part-prepayment reducing the tenure or the EMI (``prepayment_mode``, default the
    product's rule). Closing the loan is ``close_loan``'s job (the excess must stay below
    the principal not yet due). ``effects`` runs in the posting's transaction (the gateway
    marks its order paid there). Idempotent per key (a replay returns the first result).
    Raises ``DomainError``: NOT_FOUND, LOAN_WRONG_STATUS (not ACTIVE), INVALID_AMOUNT,
    CURRENCY_MISMATCH, PREPAYMENT_NOT_ALLOWED (excess on a product without prepayment, or
    before the first instalment), OVERPAYMENT (excess not below the principal not yet
    due), IDEMPOTENCY_CONFLICT, and ``post_entry``'s codes (INSUFFICIENT_FUNDS ...).
    """
    if not idempotency_key or len(idempotency_key) > 100:
        raise DomainError(ErrorCode.INVALID_INPUT, "an idempotency key of 1-100 characters is required", field="idempotency_key")
    if amount.amount_minor <= 0:
        raise DomainError(ErrorCode.INVALID_AMOUNT, "amount must be greater than zero", field="amount")
    async with in_transaction():
        loan = await find_loan(loan_number, lock=True)
        source = await source_ledger(from_account_number, debit_ledger_account_id, loan.currency)
        fingerprint = request_fingerprint({"op": "repay_loan", "loan": loan.id, "amount": amount.amount_minor,
                                           "currency": amount.currency, "source": source})
        replay = await replayed_repayment(idempotency_key, loan.id, fingerprint)
        if replay is not None:
            return replay
        if loan.status != LoanStatus.ACTIVE:
            raise DomainError(ErrorCode.LOAN_WRONG_STATUS, f"the loan is {loan.status}", field="loan_number")
        if amount.currency != loan.currency:
            raise DomainError(ErrorCode.CURRENCY_MISMATCH, f"the loan is in {loan.currency}", field="amount")
        on = value_date or await business_date()
        await materialise_penal(loan)
        rows = await instalment_rows(loan.id)
        allocation = allocate_payment(amount.amount_minor, dues_of(rows, on))
        by_kind = allocation.settled_by_kind()
        excess = allocation.unapplied_minor
        _, loan_ledger = await principal_outstanding(loan)
        # principal of the rows falling due after ``on`` (the ledger holds all unpaid principal)
        not_yet_due = sum(r.principal_minor - r.paid_principal_minor for r in rows if r.due_date > on)
        new_schedule: Schedule | None = None
        after = max((r.number for r in rows if r.due_date <= on), default=0)
        if excess:
            product = await LoanProduct.get_or_none(id=loan.loan_product_id) if loan.loan_product_id else None
            if not allow_prepayment or (product is not None and not product.prepayment_allowed):
                raise DomainError(ErrorCode.PREPAYMENT_NOT_ALLOWED, "the payment is more than is due and this loan takes no prepayment", field="amount")
            if excess >= not_yet_due:
                raise DomainError(ErrorCode.OVERPAYMENT, "the payment would repay the whole loan: use the foreclosure quote and close the loan", field="amount")
            if after == 0:
                raise DomainError(ErrorCode.PREPAYMENT_NOT_ALLOWED, "prepayment is possible once the first instalment has fallen due", field="amount")
            mode = PrepaymentMode(prepayment_mode or (product.prepayment_mode if product else PrepaymentMode.REDUCE_TENURE))
            if mode is PrepaymentMode.REDUCE_TENURE and loan.method == "flat":
                mode = PrepaymentMode.REDUCE_EMI
            new_schedule = prepay(stored_schedule(loan, rows), after_number=after, amount_minor=excess, mode=mode)
        legs: list[PostingDraft] = [debit(source, amount.amount_minor, loan.currency)]
        principal = by_kind[DueKind.PRINCIPAL] + excess
        if principal:
            legs.append(credit(loan_ledger, principal, loan.currency))
        if by_kind[DueKind.INTEREST]:
            legs.append(credit(await gl_account_id(LOAN_INTEREST_INCOME, loan.currency), by_kind[DueKind.INTEREST], loan.currency))
        charges = by_kind[DueKind.PENAL_CHARGES] + by_kind[DueKind.CHARGES]
        if charges:
            legs.append(credit(await gl_account_id(PENAL_INTEREST_INCOME, loan.currency), charges, loan.currency))
        number = (await Account.get(id=loan.account_id)).number
        posted = await post_entry(EntryDraft(
            entry_type=entry_type, value_date=value_date,
            narration=(narration or f"Repayment of loan {number}")[:255], initiator=initiator, postings=tuple(legs),
            idempotency_key=idempotency_key, request_fingerprint=fingerprint,
        ), effects=effects)
        await apply_settlements(rows, allocation.settlements, posted.value_date)
        if new_schedule is not None:
            from bankcore.loans.lifecycle import store_schedule

            await store_schedule(loan, new_schedule, after_number=after)
            loan.instalment_minor = new_schedule.emi_minor or loan.instalment_minor
            await loan.save(update_fields=["instalment_minor"])
        closed = await close_if_repaid(loan, posted.value_date)
    return RepaymentResult(loan.id, posted, principal, by_kind[DueKind.INTEREST], charges, excess, closed)


async def apply_settlements(rows: list[LoanInstalment], settlements, paid_on: date) -> None:
    by_number = {r.number: r for r in rows}
    touched: set[int] = set()
    for s in settlements:
        row = by_number[s.due.instalment_number]
        if s.due.kind is DueKind.PRINCIPAL:
            row.paid_principal_minor += s.settled_minor
        elif s.due.kind is DueKind.INTEREST:
            row.paid_interest_minor += s.settled_minor
        else:
            row.paid_penal_minor += s.settled_minor
        touched.add(row.number)
    for number in touched:
        row = by_number[number]
        if (row.paid_principal_minor >= row.principal_minor and row.paid_interest_minor >= row.interest_minor
                and row.paid_penal_minor >= row.penal_minor):
            row.paid_on = paid_on
        await row.save(update_fields=["paid_principal_minor", "paid_interest_minor", "paid_penal_minor", "paid_on"])


async def close_if_repaid(loan: Loan, on: date) -> bool:
    outstanding, _ = await principal_outstanding(loan)
    if outstanding > 0 or await LoanInstalment.filter(loan_id=loan.id, paid_on__isnull=True).exists():
        return False
    if loan.collateral_kind == "DEPOSIT_LIEN" and loan.collateral_ref:
        from bankcore.deposits.lien import release_lien

        await release_lien(deposit_number=loan.collateral_ref, reference=(await Account.get(id=loan.account_id)).number,
                           released_by="loans:repaid")
    loan.status = LoanStatus.CLOSED
    loan.closed_on = on
    # nothing is owed: no arrears, so no longer an NPA (IRACP: upgraded once all arrears are paid)
    loan.own_class, loan.asset_class, loan.npa_since = "STANDARD", "STANDARD", None
    await loan.save(update_fields=["status", "closed_on", "own_class", "asset_class", "npa_since"])
    return True


async def counter_cash_repayment(*, account_number: str, amount: Money, initiator: str, narration: str | None,
                                 idempotency_key: str | None) -> PostedEntry:
    """Cash paid in at the counter on a loan account is a repayment (Dr cash in hand, Cr the loan, RBI order).

    Registered with the counter (``bankcore.counter.rules.register_loan_cash_repayment``);
    the counter has checked PAN and s.269ST before. Codes as ``repay_loan``.
    """
    import uuid

    from bankcore.chart import CASH

    if not await Loan.filter(account__number="".join(account_number.split())[:20]).exists():
        raise DomainError(ErrorCode.LOAN_ACCOUNT_CASH, "this loan account has no loan to repay", field="account_number")
    result = await repay_loan(
        loan_number=account_number, amount=amount, initiator=initiator,
        idempotency_key=idempotency_key or f"counter:{uuid.uuid4()}",
        debit_ledger_account_id=await gl_account_id(CASH, amount.currency),
        narration=narration or f"Cash repayment of loan {account_number} at the counter",
    )
    return result.entry


def _register_with_the_counter() -> None:
    try:
        from bankcore.counter.rules import register_loan_cash_repayment
    except ImportError:  # a build without the counter
        return
    register_loan_cash_repayment(counter_cash_repayment)


_register_with_the_counter()

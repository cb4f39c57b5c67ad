"""How a deposit ends: at maturity (credit savings, renew the principal, renew it all) or
prematurely at the rate for the period actually run less the penalty.

Maturity interest is the exact maturity value of ``bankcore.deposits.term`` (the same as
``coopbank calc fd`` / ``calc rd``) less the interest already credited, so a cumulative
FD pays exactly its compounded maturity value, less TDS. Premature closure follows the
RBI Master Direction - Co-operative Banks - Interest Rate on Deposits (2016): the rate
applicable to the period the deposit ran (from the chart in force when it was made, plus
the senior-citizen extra), or the contracted rate if lower, less the product's penalty;
no interest before 7 days. Interest already credited or paid beyond that is recovered
from the principal, and the TDS deducted on it in the same financial year is refunded
(``bankcore.deposits.closure_tds``; across years the member claims it in their return).
A deposit under an active lien cannot be closed, and is not paid out at maturity until
the lien is released (day-end pays it the day after).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from tortoise.transactions import in_transaction

from bankcore.calendar.business_date import business_date
from bankcore.deposits.closure_tds import reverse_interest_on_closure
from bankcore.deposits.interest import credit_interest
from bankcore.deposits.periods import payout_schedule
from bankcore.deposits.products import rate_chart_on
from bankcore.deposits.service import _new_deposit_row, active_deposit, active_lien_minor, contracted_rate
from bankcore.deposits.term import (
    MINIMUM_TENOR_DAYS,
    RateSlab,
    card_rate_for_days,
    fd_maturity,
    premature_closure,
    rd_maturity,
)
from bankcore.errors import DomainError, ErrorCode
from bankcore.ledger.entry import EntryDraft, credit, debit, request_fingerprint
from bankcore.ledger.posting import post_entry
from bankcore.loans.dates import add_months, months_between
from bankcore.models import (
    Account,
    DepositKind,
    DepositProduct,
    DepositStatus,
    EntryType,
    InterestPayout,
    LedgerAccount,
    MaturityInstruction,
    Member,
    TermDeposit,
)


@dataclass(frozen=True, slots=True)
class DepositClosed:
    """How a deposit ended: interest credited now, TDS on it, what was paid out, any renewal, and
    (premature closure) the TDS refunded to the payout account on interest reduced this year."""

    deposit: TermDeposit
    interest_minor: int
    tds_minor: int
    paid_out_minor: int
    renewed_to: TermDeposit | None = None
    tds_refunded_minor: int = 0


def maturity_interest(deposit: TermDeposit) -> int:
    """Total interest the deposit earns over its full term (before TDS), as ``coopbank calc`` computes it.

    Cumulative FD: ``fd_maturity``; payout FD: what ``payout_schedule`` pays; RD:
    ``rd_maturity`` over the instalments actually paid.
    """
    if deposit.kind == DepositKind.RECURRING:
        if deposit.instalments_paid < 1:
            return 0
        return rd_maturity(deposit.principal_minor, deposit.rate_bps, deposit.instalments_paid).interest_minor
    if deposit.payout == InterestPayout.CUMULATIVE:
        return fd_maturity(deposit.principal_minor, deposit.rate_bps, deposit.opened_on,
                           tenure_months=deposit.tenure_months).interest_minor
    return sum(p.interest_minor for p in payout_schedule(deposit.principal_minor, deposit.rate_bps, deposit.opened_on,
                                                         deposit.maturity_date, str(deposit.payout)))


async def _balance(deposit: TermDeposit) -> int:
    return (await LedgerAccount.get(id=deposit.ledger_account_id)).balance_minor


async def _move(deposit: TermDeposit, *, to_ledger_account_id: int, amount_minor: int, value_date: date,
                narration: str, initiator: str, key: str) -> None:
    if amount_minor <= 0:
        return
    await post_entry(EntryDraft(
        entry_type=EntryType.TRANSFER, value_date=value_date, narration=narration[:255], initiator=initiator,
        postings=(debit(deposit.ledger_account_id, amount_minor, deposit.currency),
                  credit(to_ledger_account_id, amount_minor, deposit.currency)),
        idempotency_key=key[:100],
        request_fingerprint=request_fingerprint({"op": "deposit_move", "deposit": deposit.number,
                                                 "to": to_ledger_account_id, "amount": amount_minor}),
    ))


async def mature_deposit(deposit: TermDeposit, *, value_date: date, initiator: str) -> DepositClosed:
    """Carry out a deposit's maturity on ``value_date`` (its maturity date or later): credit the
    interest still due (less TDS) and follow its instruction. One transaction.

    CREDIT_SAVINGS (always for an RD): the whole balance to the savings account, status
    MATURED. RENEW_PRINCIPAL: interest to savings, the principal into a new deposit at the
    rate then in force. RENEW_ALL: the whole balance into a new deposit. A renewal the
    chart no longer covers is paid into savings instead. Raises ``DEPOSIT_UNDER_LIEN``,
    ``DEPOSIT_NOT_ACTIVE`` and ``post_entry``'s codes (e.g. a closed savings account).
    """
    async with in_transaction():
        deposit = await active_deposit(deposit.number)
        if await active_lien_minor(deposit.id):
            raise DomainError(ErrorCode.DEPOSIT_UNDER_LIEN, f"deposit {deposit.number} is under lien")
        payout_account = await Account.get(id=deposit.payout_account_id)
        due = maturity_interest(deposit) - deposit.interest_paid_minor
        credited = await credit_interest(
            deposit, interest_minor=max(0, due), to_ledger_account_id=deposit.ledger_account_id,
            value_date=value_date, reason="maturity", initiator=initiator,
            idempotency_key=f"dep:{deposit.id}:maturity-interest",
        )
        balance = await _balance(deposit)
        instruction = MaturityInstruction(deposit.maturity_instruction)
        renewed = None
        to_savings = balance
        if deposit.kind == DepositKind.FIXED and instruction is not MaturityInstruction.CREDIT_SAVINGS:
            principal = balance if instruction is MaturityInstruction.RENEW_ALL else min(balance, deposit.principal_minor)
            product = await DepositProduct.get(id=deposit.product_id)
            member = await Member.get(id=deposit.member_id)
            try:
                rate = await contracted_rate(product, member, value_date, add_months(value_date, deposit.tenure_months))
            except DomainError:
                rate = None  # the chart no longer covers the term: pay into savings
            if rate is not None and principal > 0:
                renewed = await _new_deposit_row(
                    product=product, member=member, payout_account=payout_account, amount_minor=principal,
                    tenure_months=deposit.tenure_months, opened_on=value_date,
                    payout=InterestPayout(deposit.payout), instruction=instruction, initiator=initiator,
                    idempotency_key=None, fingerprint=None, renewed_from=deposit, rate=rate,
                )
                await _move(deposit, to_ledger_account_id=renewed.ledger_account_id, amount_minor=principal,
                            value_date=value_date, narration=f"Deposit {deposit.number} renewed as {renewed.number}",
                            initiator=initiator, key=f"dep:{deposit.id}:renew")
                to_savings = balance - principal
        await _move(deposit, to_ledger_account_id=(await payout_account.ledger_account).id, amount_minor=to_savings,
                    value_date=value_date, narration=f"Deposit {deposit.number} matured: paid to {payout_account.number}",
                    initiator=initiator, key=f"dep:{deposit.id}:maturity-payout")
        deposit.status = DepositStatus.RENEWED if renewed else DepositStatus.MATURED
        deposit.closed_on = value_date
        deposit.maturity_value_minor = balance
        await deposit.save(update_fields=["status", "closed_on", "maturity_value_minor"])
    return DepositClosed(deposit, credited.interest_minor, credited.tds_minor, to_savings, renewed)


def _with_senior_extra(chart: list[RateSlab], extra_bps: int) -> list[RateSlab]:
    return [replace(slab, annual_rate_bps=slab.annual_rate_bps + extra_bps) for slab in chart] if extra_bps else chart


async def premature_terms(deposit: TermDeposit, closing_on: date) -> tuple[int, int]:
    """(rate applied in bps, total interest earned) if ``deposit`` closed on ``closing_on``."""
    product = await DepositProduct.get(id=deposit.product_id)
    chart = _with_senior_extra(await rate_chart_on(product.id, deposit.opened_on),
                               product.senior_extra_bps if deposit.senior_citizen else 0)
    if deposit.kind == DepositKind.RECURRING:
        days = (closing_on - deposit.opened_on).days
        card = card_rate_for_days(chart, days)
        if days < MINIMUM_TENOR_DAYS or card is None or deposit.instalments_paid < 1:
            return 0, 0
        applied = max(0, min(card, deposit.rate_bps) - product.premature_penalty_bps)
        months = max(1, min(deposit.instalments_paid, months_between(deposit.opened_on, closing_on)))
        return applied, rd_maturity(deposit.principal_minor, applied, months).interest_minor
    closure = premature_closure(deposit.principal_minor, deposit.rate_bps, deposit.opened_on, closing_on, chart,
                                penalty_bps=product.premature_penalty_bps)
    return closure.applied_rate_bps, closure.interest_minor


async def close_prematurely(*, deposit_number: str, initiator: str, member_id: int | None = None) -> DepositClosed:
    """Close an active deposit before maturity and pay it into the member's savings account.

    Raises ``DomainError``: ``NOT_FOUND`` (or not ``member_id``'s), ``DEPOSIT_NOT_ACTIVE``,
    ``DEPOSIT_UNDER_LIEN`` (a loan against it is not repaid), ``INVALID_INPUT`` (on or after
    the maturity date: day-end matures it), and ``post_entry``'s codes.
    """
    today = await business_date()
    async with in_transaction():
        deposit = await active_deposit(deposit_number, member_id=member_id)
        if await active_lien_minor(deposit.id):
            raise DomainError(ErrorCode.DEPOSIT_UNDER_LIEN,
                              f"deposit {deposit.number} secures a loan: it can be closed when the loan is repaid")
        if today >= deposit.maturity_date:
            raise DomainError(ErrorCode.INVALID_INPUT, "the deposit has matured: day-end pays it out",
                              field="deposit_number")
        _, earned = await premature_terms(deposit, today)
        difference = earned - deposit.interest_paid_minor
        credited = await credit_interest(
            deposit, interest_minor=max(0, difference), to_ledger_account_id=deposit.ledger_account_id,
            value_date=today, reason="closure", initiator=initiator, idempotency_key=f"dep:{deposit.id}:closure-interest",
        )
        payout_account = await Account.get(id=deposit.payout_account_id)
        # credited more than the reduced rate earns: recovered from the principal, TDS of this year refunded
        reversed_ = await reverse_interest_on_closure(
            deposit, recovered_minor=max(0, -difference), value_date=today, initiator=initiator,
            refund_to_ledger_account_id=payout_account.ledger_account_id)
        balance = await _balance(deposit)
        await _move(deposit, to_ledger_account_id=payout_account.ledger_account_id, amount_minor=balance,
                    value_date=today, narration=f"Deposit {deposit.number} closed before maturity",
                    initiator=initiator, key=f"dep:{deposit.id}:closure-payout")
        deposit.status = DepositStatus.CLOSED_PREMATURELY
        deposit.closed_on = today
        deposit.maturity_value_minor = balance
        await deposit.save(update_fields=["status", "closed_on", "maturity_value_minor"])
    return DepositClosed(deposit, credited.interest_minor, credited.tds_minor, balance,
                         tds_refunded_minor=reversed_.tds_refunded_minor)

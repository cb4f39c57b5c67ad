"""Term deposits' close-of-business steps.

* ``deposits.collect_rd_instalments`` (320, standing-instruction band): every recurring
  deposit's instalments due on or before the date closed are taken from its savings
  account; an instalment the account cannot pay is counted missed once, retried at every
  following day-end, and when collected late carries the product's penalty
  (``rd_missed_penalty_bps`` of the instalment, to fees income).
* ``deposits.pay_interest`` (600): monthly and quarterly payout FDs are paid each period
  ending on or before the date closed, into savings, less TDS.
* ``deposits.mature`` (610): deposits whose maturity date has come are credited the
  interest still due (less TDS) and paid out or renewed as instructed; one under lien
  waits until the lien is released.
* ``deposits.year_end_tds`` (620, 31 March): interest earned by cumulative fixed deposits
  and recurring deposits in the financial year and not yet credited is credited to each
  deposit on the year's last day, less TDS (s.194A taxes interest when it is *credited* to
  the payee's account, not only when paid, so a cumulative deposit's accrual is taxed year
  by year; RD interest is taxed since 1 June 2015).
* ``deposits.month_end_accrual`` (800, month ends): one entry per currency for the
  interest earned by all active deposits and not yet credited (Dr interest on deposits,
  Cr interest accrued on term deposits 2314), and the previous month's accrual reversed;
  the bank's books show the month's true interest cost without a per-deposit entry.

Each deposit is handled in its own transaction with idempotency keys on every entry, so a
re-run after a crash posts nothing twice. A deposit whose savings account cannot take or
give the money (closed, frozen) is skipped and retried the next day instead of failing
the close of business. Posting is per deposit (each moves a member's money under its
account's row lock); selection is one query per step.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from decimal import Decimal

from tortoise.expressions import Q
from tortoise.transactions import in_transaction

from bankcore.calendar.registry import StepContext, day_end_step, is_financial_year_end, is_month_end
from bankcore.chart import DEPOSIT_INTEREST_EXPENSE, DEPOSIT_INTEREST_PAYABLE, FEE_INCOME
from bankcore.deposits.closing import mature_deposit
from bankcore.deposits.interest import credit_interest
from bankcore.deposits.periods import accrued_interest, financial_year, payout_schedule
from bankcore.errors import DomainError, ErrorCode
from bankcore.interest.rounding import DEPOSIT_ROUNDING, round_minor, working_context
from bankcore.ledger.entry import EntryDraft, credit, debit, request_fingerprint
from bankcore.ledger.posting import post_entry
from bankcore.loans.dates import add_months
from bankcore.models import (
    Account,
    DepositInterestCredit,
    DepositKind,
    DepositLien,
    DepositProduct,
    DepositStatus,
    EntryType,
    InterestPayout,
    JournalEntry,
    LienStatus,
    TermDeposit,
)
from bankcore.services._lookup import gl_account_id

log = logging.getLogger(__name__)
ACCRUAL_REF = "deposits-accrual"
# Refusals that mean "this deposit cannot move money today": skip it and try tomorrow.
_RETRY = {ErrorCode.INSUFFICIENT_FUNDS, ErrorCode.MIN_BALANCE, ErrorCode.ACCOUNT_NOT_ACTIVE, ErrorCode.DEPOSIT_UNDER_LIEN}


def rd_penalty_minor(instalment_minor: int, penalty_bps: int) -> int:
    """The charge on one RD instalment collected after its due date: ``penalty_bps`` of it, half up."""
    with working_context():
        return round_minor(Decimal(instalment_minor) * penalty_bps / 10_000, DEPOSIT_ROUNDING)


@day_end_step("deposits.collect_rd_instalments", position=320,
              description="Collect recurring-deposit instalments due from savings; retry and penalise missed ones")
async def collect_rd_instalments(ctx: StepContext) -> int:
    done = 0
    rds = await TermDeposit.filter(kind=DepositKind.RECURRING, status=DepositStatus.ACTIVE,
                                   maturity_date__gt=ctx.business_date).order_by("id")
    for rd in rds:
        while rd.instalments_paid < rd.tenure_months:
            due_on = add_months(rd.opened_on, rd.instalments_paid)
            if due_on > ctx.business_date:
                break
            try:
                await _collect_one(rd, due_on, ctx)
            except DomainError as exc:
                if exc.code not in _RETRY:
                    raise
                if due_on == ctx.business_date:  # counted missed once, on its due date
                    rd.missed_instalments += 1
                    await TermDeposit.filter(id=rd.id).update(missed_instalments=rd.missed_instalments)
                log.info("RD %s: instalment due %s not collected (%s); retried next day-end", rd.number, due_on, exc.code)
                break
            done += 1
    return done


async def _collect_one(rd: TermDeposit, due_on, ctx: StepContext) -> None:  # noqa: ANN001 - a date
    product = await DepositProduct.get(id=rd.product_id)
    savings = await Account.get(id=rd.payout_account_id)
    late = due_on < ctx.business_date
    penalty = rd_penalty_minor(rd.principal_minor, product.rd_missed_penalty_bps) if late else 0
    number = rd.instalments_paid + 1
    legs = [debit(savings.ledger_account_id, rd.principal_minor + penalty, rd.currency),
            credit(rd.ledger_account_id, rd.principal_minor, rd.currency)]
    if penalty:
        legs.append(credit(await gl_account_id(FEE_INCOME, rd.currency), penalty, rd.currency))
    async with in_transaction():
        await post_entry(EntryDraft(
            entry_type=EntryType.TRANSFER, value_date=ctx.business_date, initiator=ctx.initiator,
            narration=f"RD {rd.number} instalment {number}" + (f" (due {due_on:%d-%m-%Y}, late charge)" if late else ""),
            postings=tuple(legs), idempotency_key=f"rd:{rd.id}:instalment:{number}",
            request_fingerprint=request_fingerprint({"op": "rd_instalment", "rd": rd.id, "n": number,
                                                     "penalty": penalty}),
        ))
        rd.instalments_paid = number
        rd.penalty_minor += penalty
        await TermDeposit.filter(id=rd.id).update(instalments_paid=number, penalty_minor=rd.penalty_minor)


@day_end_step("deposits.pay_interest", position=600,
              description="Pay monthly and quarterly interest of payout fixed deposits into savings, less TDS")
async def pay_interest(ctx: StepContext) -> int:
    paid = 0
    deposits = await TermDeposit.filter(kind=DepositKind.FIXED, status=DepositStatus.ACTIVE,
                                        payout__in=(InterestPayout.MONTHLY, InterestPayout.QUARTERLY),
                                        opened_on__lt=ctx.business_date).order_by("id")
    for fd in deposits:
        savings = await Account.get(id=fd.payout_account_id)
        for period in payout_schedule(fd.principal_minor, fd.rate_bps, fd.opened_on, fd.maturity_date, str(fd.payout)):
            if fd.last_payout_on is not None and period.end <= fd.last_payout_on:
                continue
            if period.end > ctx.business_date:
                break
            try:
                async with in_transaction():
                    await credit_interest(fd, interest_minor=period.interest_minor,
                                          to_ledger_account_id=savings.ledger_account_id, value_date=ctx.business_date,
                                          reason="payout", initiator=ctx.initiator,
                                          idempotency_key=f"dep:{fd.id}:payout:{period.end.isoformat()}")
                    fd.last_payout_on = period.end
                    await TermDeposit.filter(id=fd.id).update(last_payout_on=period.end)
            except DomainError as exc:
                if exc.code not in _RETRY:
                    raise
                log.info("FD %s: interest for %s not paid (%s); retried next day-end", fd.number, period.end, exc.code)
                break
            paid += 1
    return paid


@day_end_step("deposits.mature", position=610,
              description="Mature deposits due: credit the interest (less TDS), then pay out or renew as instructed")
async def mature(ctx: StepContext) -> int:
    liened = DepositLien.filter(status=LienStatus.ACTIVE).values_list("deposit_id", flat=True)
    due = await TermDeposit.filter(status=DepositStatus.ACTIVE, maturity_date__lte=ctx.business_date) \
        .exclude(id__in=await liened).order_by("maturity_date", "id")
    done = 0
    for deposit in due:
        try:
            await mature_deposit(deposit, value_date=ctx.business_date, initiator=ctx.initiator)
        except DomainError as exc:
            if exc.code not in _RETRY:
                raise
            log.info("deposit %s not matured today (%s); retried next day-end", deposit.number, exc.code)
            continue
        done += 1
    return done


YEAR_END_REASON = "fy-accrual"


@day_end_step("deposits.year_end_tds", position=620, runs_on=is_financial_year_end,
              description="31 March: credit the year's interest on cumulative FDs and recurring deposits to them, less TDS (s.194A)")
async def year_end_tds(ctx: StepContext) -> int:
    """Credit each active cumulative FD and recurring deposit the interest it earned to the
    financial year's end and not yet credited, less TDS on the member's year.

    Cumulative FD: ``cumulative_value`` on the date closed (quarterly compounding, the maths
    of ``coopbank calc fd``) - principal - interest credited before. RD: the IBA maturity
    interest (``rd_maturity``, ``coopbank calc rd``) of the instalments paid over the whole
    months run - interest credited before (``periods.accrued_interest``). Rounded half up to
    the paisa and credited into the deposit itself (maturity then pays the rest, so the
    deposit's total interest is still exactly its maturity interest); TDS is deducted by
    ``credit_interest`` over the member's aggregate interest in the year (threshold, 10 % /
    20 % without PAN, nothing with a Form 15G/15H on file). Deposits maturing on or before
    the date were paid by ``deposits.mature``. Idempotent per deposit and year (the entry's
    key and a check of the year's ``fy-accrual`` credit), so a re-run credits nothing twice.
    Source: Income-tax Act s.194A(1) ("credit ... or payment ..., whichever is earlier");
    recurring-deposit interest is within it since 1 June 2015 (Finance Act 2015 struck
    "excluding recurring deposits" from the definition of "time deposits" in Explanation 1
    to s.194A(3)); thresholds and rates: ``bankcore.deposits.tds``.
    """
    fy = financial_year(ctx.business_date)
    done_ids = DepositInterestCredit.filter(financial_year=fy, reason=YEAR_END_REASON).values_list("deposit_id",
                                                                                                   flat=True)
    deposits = await TermDeposit.filter(Q(kind=DepositKind.FIXED, payout=InterestPayout.CUMULATIVE)
                                        | Q(kind=DepositKind.RECURRING),
                                        status=DepositStatus.ACTIVE, opened_on__lt=ctx.business_date,
                                        maturity_date__gt=ctx.business_date) \
        .exclude(id__in=await done_ids).order_by("id")
    credited = 0
    for fd in deposits:
        interest = accrued_interest(
            kind=str(fd.kind), payout=str(fd.payout), principal_minor=fd.principal_minor, rate_bps=fd.rate_bps,
            opened_on=fd.opened_on, as_of=ctx.business_date, interest_credited_minor=fd.interest_paid_minor,
            last_payout_on=fd.last_payout_on, instalments_paid=fd.instalments_paid,
        )
        if interest <= 0:
            continue
        async with in_transaction():
            await credit_interest(fd, interest_minor=interest, to_ledger_account_id=fd.ledger_account_id,
                                  value_date=ctx.business_date, reason=YEAR_END_REASON, initiator=ctx.initiator,
                                  idempotency_key=f"dep:{fd.id}:{YEAR_END_REASON}:{fy}")
        credited += 1
    ctx.report(credited, len(deposits))
    return credited


@day_end_step("deposits.month_end_accrual", position=800, runs_on=is_month_end,
              description="Month-end: book interest earned by term deposits and not yet credited; reverse last month's")
async def month_end_accrual(ctx: StepContext) -> int:
    from bankcore.services.money_movement import reverse_entry

    written = 0
    reversed_ids = JournalEntry.filter(reverses_id__isnull=False).values_list("reverses_id", flat=True)
    earlier = await JournalEntry.filter(source_ref__startswith=f"{ACCRUAL_REF}:", value_date__lt=ctx.business_date) \
        .exclude(id__in=await reversed_ids).order_by("id")
    for entry in earlier:
        await reverse_entry(entry_id=entry.id, reason="month-end accrual reversed", initiator=ctx.initiator,
                            value_date=ctx.business_date, idempotency_key=f"{ACCRUAL_REF}:reverse:{entry.id}")
        written += 1
    totals: dict[str, int] = defaultdict(int)
    for d in await TermDeposit.filter(status=DepositStatus.ACTIVE, opened_on__lt=ctx.business_date):
        totals[d.currency] += accrued_interest(
            kind=str(d.kind), payout=str(d.payout), principal_minor=d.principal_minor, rate_bps=d.rate_bps,
            opened_on=d.opened_on, as_of=ctx.business_date, interest_credited_minor=d.interest_paid_minor,
            last_payout_on=d.last_payout_on, instalments_paid=d.instalments_paid,
        )
    for currency, amount in sorted(totals.items()):
        if amount <= 0:
            continue
        ref = f"{ACCRUAL_REF}:{ctx.business_date.isoformat()}:{currency}"
        if await JournalEntry.exists(source_ref=ref):
            continue
        await post_entry(EntryDraft(
            entry_type=EntryType.ADJUSTMENT, value_date=ctx.business_date, initiator=ctx.initiator,
            narration=f"Interest accrued on term deposits to {ctx.business_date:%d-%m-%Y}, not yet credited",
            postings=(debit(await gl_account_id(DEPOSIT_INTEREST_EXPENSE, currency), amount, currency),
                      credit(await gl_account_id(DEPOSIT_INTEREST_PAYABLE, currency), amount, currency)),
            idempotency_key=ref, source_ref=ref,
            request_fingerprint=request_fingerprint({"op": "deposit_accrual", "ref": ref, "amount": amount}),
        ))
        written += 1
    return written

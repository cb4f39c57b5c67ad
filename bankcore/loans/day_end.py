"""The loans' close-of-business steps (registered with ``bankcore.calendar.registry``).

====  ==========================  ==============================================================
200   ``loans.disburse_due``      SANCTIONED loans whose disbursal date has come are disbursed
210   ``loans.collect_dues``      instalments due are collected from the repayment account (the
                                  loan's repayment standing instruction; Berka's UVER orders)
420   ``loans.classify``          NPA date and asset class, borrower-wise, from the days past
                                  due computed on read; only loans whose class changes are
                                  written (accrued interest is computed on read too)
430   ``loans.penal_charges``     penal charges on overdue instalments: the date is recorded,
                                  the charges are computed on read (``penal_sql``)
800   ``loans.month_end_books``   month end: interest receivable / overdue interest reserve and
                                  provisions trued up, one entry each for the whole book
====  ==========================  ==============================================================
"""

from __future__ import annotations

import logging

from bankcore.calendar.registry import StepContext, day_end_step, is_month_end
from bankcore.errors import DomainError
from bankcore.loans.books import post_month_end_books
from bankcore.loans.classify import classify_loans, levy_penal_charges

log = logging.getLogger(__name__)


@day_end_step("loans.disburse_due", position=200, description="Disburse sanctioned loans whose disbursal date has come")
async def disburse_due(ctx: StepContext) -> int:
    from bankcore.loans.lifecycle import disburse_loan
    from bankcore.models import Loan, LoanStatus

    done = 0
    for loan in await Loan.filter(status=LoanStatus.SANCTIONED, granted_on__lte=ctx.business_date).select_related("account"):
        try:
            await disburse_loan(loan_number=loan.account.number, initiator=ctx.initiator, value_date=ctx.business_date)
            done += 1
        except DomainError as exc:  # e.g. an account frozen since: staff see it in the queue
            log.warning("loan %s not disbursed at day-end: %s", loan.account.number, exc.message)
    return done


@day_end_step("loans.collect_dues", position=210,
              description="Collect instalments due from each loan's repayment account (repayment standing instruction)")
async def collect_dues(ctx: StepContext) -> int:
    from bankcore.loans.collection import collect_due_instalments

    return await collect_due_instalments(ctx.business_date, initiator=ctx.initiator, key=ctx.idempotency_key)


@day_end_step("loans.classify", position=420,
              description="Asset class of every loan from its days past due (SMA-0/1/2, NPA, D1-D3), borrower-wise; "
                          "only loans whose class changes are written")
async def classify(ctx: StepContext) -> int:
    return await classify_loans(ctx.business_date)


@day_end_step("loans.penal_charges", position=430, description="Penal charges on overdue instalments (charges, never capitalised)")
async def penal(ctx: StepContext) -> int:
    return await levy_penal_charges(ctx.business_date)


@day_end_step("loans.month_end_books", position=800, runs_on=is_month_end,
              description="Month end: interest receivable, overdue interest reserve (NPAs) and loan-loss provisions")
async def month_end_books(ctx: StepContext) -> int:
    return await post_month_end_books(ctx.business_date, initiator=ctx.initiator, key=ctx.idempotency_key)

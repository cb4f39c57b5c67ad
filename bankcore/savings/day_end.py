"""Savings interest at close of business (bands 500 and 800 of the day).

* ``savings.credit_interest`` (500, month ends): on the last day of a product's credit
  period (quarterly by default: 31 Mar, 30 Jun, 30 Sep, 31 Dec; half-yearly as a product
  option: 31 Mar, 30 Sep) every earning account is credited its interest on the daily
  product, one INTEREST entry per account valued that day (``interest_run``); then the
  period's month-end accruals are reversed.
* ``savings.accrue_interest`` (800, month ends within a period): one entry per product
  books the interest accrued and not yet credited (Dr interest paid on deposits, Cr
  interest accrued on savings), so the month's P&L carries it; reversed at the credit.
  No per-account, per-day entries (Fineract's daily accruals are the cautionary tale).

Savings interest bears no TDS (Income-tax Act s.194A excludes savings-account interest
from deduction at source; DOMAIN_NOTES).
"""

from __future__ import annotations

from datetime import date

from bankcore import chart
from bankcore.calendar.registry import StepContext, day_end_step, is_month_end
from bankcore.interest.savings import CreditFrequency, period_end
from bankcore.ledger.entry import EntryDraft, credit, debit
from bankcore.ledger.posting import post_entry
from bankcore.models import EntryType, JournalEntry, Posting, Product, ProductKind, Side
from bankcore.savings.interest_run import accrued_total, credit_interest
from bankcore.savings.rates import period_start

ACCRUAL_REF = "sbaccr"


def _frequency(product: Product) -> CreditFrequency:
    return CreditFrequency(product.interest_credit_frequency or CreditFrequency.QUARTERLY)


def _as_date(value: object) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


async def _open_accruals(product: Product, start: date, end: date) -> list[tuple[int, int]]:
    """(entry id, amount) of the product's accrual entries valued ``start..end`` and not reversed."""
    entries = await JournalEntry.filter(
        source_ref__startswith=f"{ACCRUAL_REF}:{product.id}:", value_date__gte=start, value_date__lte=end
    ).values_list("id", flat=True)
    if not entries:
        return []
    reversed_ids = set(await JournalEntry.filter(reverses_id__in=list(entries)).values_list("reverses_id", flat=True))
    open_ids = [e for e in entries if e not in reversed_ids]
    amounts = dict(await Posting.filter(entry_id__in=open_ids, side=Side.DEBIT).values_list("entry_id", "amount_minor"))
    return [(e, amounts[e]) for e in open_ids]


@day_end_step("savings.credit_interest", position=500, runs_on=is_month_end,
              description="Credit savings interest on the daily product at the end of each credit period")
async def credit_savings_interest(ctx: StepContext) -> int:
    day = ctx.business_date
    posted = 0
    for product in await Product.filter(kind=ProductKind.SAVINGS).order_by("id"):
        frequency = _frequency(product)
        if period_end(day, frequency) != day:
            continue
        start = period_start(day, frequency)
        posted += await credit_interest(product=product, start=start, end=day,
                                        key_prefix=ctx.idempotency_key(""), initiator="day-end")
        gl = await chart.ensure_chart(currency=product.currency)
        for entry_id, amount in await _open_accruals(product, start, day):
            await post_entry(EntryDraft(
                entry_type=EntryType.REVERSAL, value_date=day, initiator="day-end", reverses_id=entry_id,
                narration=f"Reversal of savings interest accrual {product.code}: interest credited",
                idempotency_key=ctx.idempotency_key(f"reverse:{entry_id}"),
                postings=(debit(gl[chart.SAVINGS_INTEREST_ACCRUED].id, amount, product.currency),
                          credit(gl[chart.DEPOSIT_INTEREST_EXPENSE].id, amount, product.currency)),
            ))
    return posted


@day_end_step("savings.accrue_interest", position=800, runs_on=is_month_end,
              description="Book the savings interest accrued this month (one entry per product)")
async def accrue_savings_interest(ctx: StepContext) -> int:
    day = ctx.business_date
    booked = 0
    for product in await Product.filter(kind=ProductKind.SAVINGS).order_by("id"):
        frequency = _frequency(product)
        if period_end(day, frequency) == day:
            continue  # credited today: nothing stays accrued
        start = period_start(period_end(day, frequency), frequency)
        accrued = await accrued_total(product=product, start=start, end=day)
        already = sum(amount for _, amount in await _open_accruals(product, start, day))
        increment = accrued - already
        if increment <= 0:
            continue
        gl = await chart.ensure_chart(currency=product.currency)
        result = await post_entry(EntryDraft(
            entry_type=EntryType.INTEREST, value_date=day, initiator="day-end",
            narration=f"Savings interest accrued {product.code} {start.isoformat()} to {day.isoformat()}",
            idempotency_key=ctx.idempotency_key(product.id), source_ref=f"{ACCRUAL_REF}:{product.id}:{day.isoformat()}",
            postings=(debit(gl[chart.DEPOSIT_INTEREST_EXPENSE].id, increment, product.currency),
                      credit(gl[chart.SAVINGS_INTEREST_ACCRUED].id, increment, product.currency)),
        ))
        booked += 0 if result.replayed else 1
    return booked

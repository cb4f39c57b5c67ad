"""Savings interest on the daily product, credited by day-end, on the real database.

Every case is checked against the pure reference ``bankcore.interest.savings.savings_interest``
(Σ max(end-of-day balance, 0) × rate / 365, rounded half up once), which the SQL must match
to the paisa: opening mid-quarter, overdrawn days, a rate change, a leap year, a back-valued
posting; then the day-end's idempotency, crash-resume and month-end accruals.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from bankcore import chart
from bankcore.calendar.business_date import ensure_calendar
from bankcore.calendar.runner import run_day_end
from bankcore.interest.savings import EndOfDayBalance, RateChange, savings_interest
from bankcore.ledger.entry import EntryDraft, credit, debit
from bankcore.ledger.posting import post_entry
from bankcore.models import OutboxEvent
from bankcore.models import Account, EntryType, JournalEntry, LedgerAccount, Product, ProductKind, SavingsInterestCredit
from bankcore.savings import interest_run
from bankcore.savings.rates import period_start, set_product_rate
from bankcore.services.accounts import create_product
from bankcore.verify import verify_ledger
from tests.ledger.factory import make_account, make_branch

Q1_START, Q1_END = date(2024, 1, 1), date(2024, 3, 31)


async def _bank(start: date, *, rate_bps: int = 400, frequency: str = "quarterly") -> Product:
    await ensure_calendar(start=start)
    await make_branch()
    product = await create_product(code="SBI", name="Savings with interest", kind=ProductKind.SAVINGS, currency="INR",
                                   interest_rate_bps=rate_bps, overdraft_limit_minor=10_000_000)
    if frequency != "quarterly":
        product.interest_credit_frequency = frequency
        await product.save(update_fields=["interest_credit_frequency"])
    await chart.ensure_chart(currency="INR")
    return product


async def _ledger_id(number: str) -> int:
    return (await Account.get(number=number)).ledger_account_id


async def _move(ledger_id: int, amount_minor: int, on: date) -> None:
    """Cash in (positive) or out (negative) of the account, valued ``on`` (a back-value)."""
    cash = (await LedgerAccount.get(code=chart.gl_code(chart.CASH, "INR"))).id
    legs = (debit(cash, amount_minor, "INR"), credit(ledger_id, amount_minor, "INR")) if amount_minor > 0 else (
        debit(ledger_id, -amount_minor, "INR"), credit(cash, -amount_minor, "INR"))
    await post_entry(EntryDraft(entry_type=EntryType.ADJUSTMENT, value_date=on, narration="test movement",
                                initiator="test", postings=legs))


def _reference(moves: list[tuple[date, int]], rates: list[RateChange], start: date = Q1_START, end: date = Q1_END) -> int:
    opening = sum(a for d, a in moves if d < start)
    eod: dict[date, int] = {}
    running = 0
    for d, a in sorted(moves):
        running += a
        if d >= start:
            eod[d] = running
    balances = [EndOfDayBalance(d, b) for d, b in sorted(eod.items())]
    return savings_interest(balances, start, end, rates, opening_balance_minor=opening).interest_minor


async def test_a_whole_leap_quarter_counts_every_day_over_365(db: str) -> None:
    product = await _bank(Q1_END)
    number = await make_account("SBI")
    lid = await _ledger_id(number)
    await _move(lid, 3_650_000, date(2023, 12, 31))  # ₹36,500 through all 91 days of Q1 2024
    summary = await run_day_end(initiator="test")
    assert summary.closed[0].steps["savings.credit_interest"] == 1
    # 3,650,000 × 4% × 91 / 365 = 36,400 exactly (a 366-day year would give 36,300.55)
    assert (await LedgerAccount.get(id=lid)).balance_minor == 3_650_000 + 36_400
    record = await SavingsInterestCredit.get(ledger_account_id=lid)
    assert (record.product_minor, record.interest_minor, record.period_start) == (3_650_000 * 91, 36_400, Q1_START)
    entry = await JournalEntry.get(idempotency_key=f"eod:2024-03-31:savings.credit_interest:{lid}")
    assert (entry.entry_type, entry.value_date) == (EntryType.INTEREST, Q1_END)
    assert await OutboxEvent.filter(topic="entry.posted", ref_id=entry.id).count() == 1  # alerts and webhooks
    assert product.currency == "INR"


async def test_the_sql_matches_the_reference_at_its_edges(db: str) -> None:
    product = await _bank(Q1_END)
    await set_product_rate(product_code="SBI", annual_rate_bps=650, effective_from=date(2024, 2, 15), set_by="test")
    rates = [RateChange(date(2000, 1, 1), 400), RateChange(date(2024, 2, 15), 650)]
    cases = {
        # opened mid-quarter: nothing before its first money
        "mid_quarter": [(date(2024, 2, 20), 1_234_567)],
        # overdrawn days earn nothing, then positive again
        "overdrawn": [(date(2024, 1, 5), 100_000), (date(2024, 1, 20), -300_000), (date(2024, 3, 1), 500_001)],
        # an opening balance, a move on the first and on the last day, the leap day
        "edges": [(date(2023, 11, 3), 987_654), (Q1_START, 1_111), (date(2024, 2, 29), -77_777), (Q1_END, 5_000_000)],
        # several moves on one value date net out within the day
        "same_day": [(date(2024, 1, 10), 50_000), (date(2024, 1, 10), -20_000), (date(2024, 1, 10), 33)],
        # tiny balance: rounds half up once for the period, not per day
        "tiny": [(date(2023, 12, 1), 17)],
        "never_positive": [(date(2024, 1, 2), -5_000)],
        # positive every day while money moves (the SQL's closed form), across the rate change
        "always_positive": [(date(2023, 10, 1), 1_000_000), (date(2024, 2, 10), -300_000), (date(2024, 2, 15), 250_000),
                            (date(2024, 3, 30), 5)],
        # overdrawn every day while money moves (nothing to compute)
        "always_overdrawn": [(date(2023, 12, 1), -90_000), (date(2024, 1, 31), 40_000), (date(2024, 3, 2), -1_000)],
    }
    ids = {}
    for name, moves in cases.items():
        ids[name] = await _ledger_id(await make_account("SBI"))
        for on, amount in moves:
            await _move(ids[name], amount, on)
    # a back-valued posting: made after later-dated ones, valued in January: it counts from then
    await _move(ids["mid_quarter"], 400_000, date(2024, 1, 15))
    cases["mid_quarter"].append((date(2024, 1, 15), 400_000))

    computed = await interest_run.compute_interest(product=product, start=Q1_START, end=Q1_END)
    for name, moves in cases.items():
        expected = _reference(moves, rates)
        got = computed.get(ids[name])
        assert (got.interest_minor if got else 0) == expected, name
    assert ids["never_positive"] not in computed
    await run_day_end(initiator="test")
    for name, moves in cases.items():
        balance = (await LedgerAccount.get(id=ids[name])).balance_minor
        assert balance == sum(a for _, a in moves) + _reference(moves, rates), name
    report = await verify_ledger()
    assert report.ok, report


async def test_a_second_day_end_or_a_second_credit_changes_nothing(db: str) -> None:
    product = await _bank(Q1_END)
    lid = await _ledger_id(await make_account("SBI"))
    await _move(lid, 1_000_000, date(2024, 1, 1))
    await run_day_end(initiator="test", through=Q1_END)
    entries, balance = await JournalEntry.all().count(), (await LedgerAccount.get(id=lid)).balance_minor
    await run_day_end(initiator="test", through=Q1_END)  # already closed: nothing
    again = await interest_run.credit_interest(product=product, start=Q1_START, end=Q1_END,
                                               key_prefix="eod:2024-03-31:savings.credit_interest:", initiator="test")
    assert again == 0
    assert await JournalEntry.all().count() == entries
    assert (await LedgerAccount.get(id=lid)).balance_minor == balance


async def test_a_crash_inside_the_credit_leaves_nothing_and_the_next_run_credits_once(db: str, monkeypatch) -> None:
    await _bank(Q1_END)
    lid = await _ledger_id(await make_account("SBI"))
    await _move(lid, 1_000_000, date(2024, 1, 1))
    real = interest_run.fetch

    async def crash(conn, sql, params):  # noqa: ANN001, ANN202
        if sql.startswith("UPDATE ledger_account"):
            raise RuntimeError("power cut")
        return await real(conn, sql, params)

    monkeypatch.setattr(interest_run, "fetch", crash)
    with pytest.raises(Exception, match="power cut"):
        await run_day_end(initiator="test")
    assert not await SavingsInterestCredit.exists()
    assert not await JournalEntry.filter(entry_type=EntryType.INTEREST).exists()
    monkeypatch.setattr(interest_run, "fetch", real)
    summary = await run_day_end(initiator="test")  # resumes the failed date
    assert summary.closed[0].resumed and summary.closed[0].steps["savings.credit_interest"] == 1
    expected = _reference([(date(2024, 1, 1), 1_000_000)], [RateChange(date(2000, 1, 1), 400)])
    assert (await LedgerAccount.get(id=lid)).balance_minor == 1_000_000 + expected
    assert (await verify_ledger()).ok


async def test_month_ends_book_one_accrual_per_product_reversed_by_the_credit(db: str) -> None:
    await _bank(date(2024, 1, 30))
    lid = await _ledger_id(await make_account("SBI"))
    await _move(lid, 7_300_000, date(2024, 1, 1))
    await run_day_end(initiator="test", through=date(2024, 2, 29))
    accruals = await JournalEntry.filter(source_ref__startswith="sbaccr:").order_by("value_date")
    assert [e.value_date for e in accruals] == [date(2024, 1, 31), date(2024, 2, 29)]
    accrued_gl = await LedgerAccount.get(code=chart.gl_code(chart.SAVINGS_INTEREST_ACCRUED, "INR"))
    report = await verify_ledger()
    assert report.ok
    # 7,300,000 × 4% / 365 = 800 a day: 31 days, then 29 more
    from bankcore.models import Posting
    credits = await Posting.filter(ledger_account_id=accrued_gl.id).values_list("amount_minor", flat=True)
    assert sorted(credits) == [23_200, 24_800]
    await run_day_end(initiator="test", through=Q1_END)
    assert (await LedgerAccount.get(id=lid)).balance_minor == 7_300_000 + 91 * 800
    assert await JournalEntry.filter(entry_type=EntryType.REVERSAL).count() == 2
    legs = await Posting.filter(ledger_account_id=accrued_gl.id).values_list("side", "amount_minor")
    assert sum(a if s == "C" else -a for s, a in legs) == 0  # nothing stays accrued after the credit


async def test_half_yearly_products_credit_on_31_march_and_30_september_only(db: str) -> None:
    assert period_start(date(2024, 3, 31), "half-yearly") == date(2023, 10, 1)
    assert period_start(date(2024, 9, 30), "quarterly") == date(2024, 7, 1)
    await _bank(date(2024, 6, 30), frequency="half-yearly")
    lid = await _ledger_id(await make_account("SBI"))
    await _move(lid, 1_000_000, date(2024, 4, 1))
    summary = await run_day_end(initiator="test")
    assert summary.closed[0].steps["savings.credit_interest"] == 0
    assert (await LedgerAccount.get(id=lid)).balance_minor == 1_000_000
    # the June month-end books the accrual instead (91 days at 4%)
    assert await JournalEntry.filter(source_ref__startswith="sbaccr:").count() == 1
    assert timedelta(days=1)


async def test_a_past_period_ignores_the_postings_valued_after_it(db: str) -> None:
    # The daily product starts from the cached balance, which holds later postings too:
    # they must move no end-of-day balance of the period, nor lengthen its last run.
    product = await _bank(date(2024, 4, 30))
    lid = await _ledger_id(await make_account("SBI"))
    moves = [(date(2023, 12, 20), 2_500_000), (date(2024, 2, 10), -700_000), (Q1_END, 123_456)]
    for on, amount in [*moves, (date(2024, 4, 1), 9_000_000), (date(2024, 4, 30), -4_000_000)]:
        await _move(lid, amount, on)
    # the same for an account positive every day of the period and one never positive in it
    positive, overdrawn = [await _ledger_id(await make_account("SBI")) for _ in range(2)]
    positive_moves = [(date(2023, 12, 20), 5_000_000), (date(2024, 2, 10), -700_000)]
    for on, amount in [*positive_moves, (date(2024, 4, 1), 100_000), (date(2024, 4, 30), -50_000)]:
        await _move(positive, amount, on)
    for on, amount in [(date(2024, 1, 5), -10_000), (date(2024, 4, 2), -1_000)]:
        await _move(overdrawn, amount, on)
    computed = await interest_run.compute_interest(product=product, start=Q1_START, end=Q1_END)
    assert computed[lid].interest_minor == _reference(moves, [RateChange(date(2000, 1, 1), 400)])
    assert computed[positive].interest_minor == _reference(positive_moves, [RateChange(date(2000, 1, 1), 400)])
    assert overdrawn not in computed

"""The year-end close (net profit, s.63 appropriation, closed period) and the dividend on shares."""

from __future__ import annotations

from datetime import date

import pytest

from bankcore.books.financial_year import appropriate, financial_year_of, parse_year, year_bounds, year_label
from bankcore.books.year_end import close_financial_year
from bankcore.calendar.business_date import set_business_date_at_least
from bankcore.chart import (
    CASH,
    DEPOSIT_INTEREST_EXPENSE,
    EDUCATION_FUND_PAYABLE,
    FEE_INCOME,
    PROFIT_AND_LOSS,
    STATUTORY_RESERVE,
    UNFORESEEN_LOSSES_RESERVE,
    UNPAID_DIVIDEND,
)
from bankcore.errors import DomainError, ErrorCode
from bankcore.ledger.entry import EntryDraft, credit, debit
from bankcore.ledger.posting import post_entry
from bankcore.models import DividendPayment, EntryType
from bankcore.services._lookup import get_account, gl_account_id
from bankcore.settings import set_setting
from bankcore.shares import dividend as dividend_module
from bankcore.shares.dividend import approve_dividend, propose_dividend
from bankcore.shares.npa_gate import net_npa_ratio_bps
from bankcore.shares.register import purchase_shares
from bankcore.verify import verify_ledger
from tests.ledger.factory import make_member
from tests.shares.factory import START, bank_with_members, gl_balance


def test_financial_years() -> None:
    assert financial_year_of(date(2026, 3, 31)) == 2025 and financial_year_of(date(2026, 4, 1)) == 2026
    assert year_bounds(2025) == (date(2025, 4, 1), date(2026, 3, 31))
    assert year_label(2025) == "2025-26" and year_label(1999) == "1999-00"
    assert parse_year("2025-26") == 2025 and parse_year("1999-00") == 1999 and parse_year("2025") == 2025
    for bad in ("2025-27", "25-26", "", "2025/26"):
        with pytest.raises(DomainError):
            parse_year(bad)


@pytest.mark.parametrize(("profit", "expected"), [
    (1_000_000_00, (250_000_00, 10_000_00, 100_000_00, 640_000_00)),
    (101, (26, 2, 11, 62)),  # each share rounded up: the Act's minimums are never missed
    (1, (1, 0, 0, 0)),  # never more than the profit
    (0, (0, 0, 0, 0)),
    (-5_00, (0, 0, 0, -5_00)),  # a loss is not appropriated
])
def test_appropriation_per_s63(profit: int, expected: tuple[int, int, int, int]) -> None:
    split = appropriate(profit, statutory_reserve_bps=2500, education_fund_bps=100, unforeseen_reserve_bps=1000)
    assert (split.statutory_reserve_minor, split.education_fund_minor, split.unforeseen_reserve_minor,
            split.surplus_minor) == expected


def test_net_npa_ratio() -> None:
    assert net_npa_ratio_bps(gross_advances_minor=0, gross_npa_minor=0, npa_provisions_minor=0) == 0
    # 10 of 100 NPA, 5 provided: net NPA 5 / net advances 95 = 5.26 %
    assert net_npa_ratio_bps(gross_advances_minor=100, gross_npa_minor=10, npa_provisions_minor=5) == 526
    assert net_npa_ratio_bps(gross_advances_minor=100, gross_npa_minor=10, npa_provisions_minor=20) == 0


async def _book(income: int, expense: int, on: date) -> None:
    cash = await gl_account_id(CASH, "INR")
    await post_entry(EntryDraft(entry_type=EntryType.FEE, value_date=on, narration="fees", initiator="t",
                                postings=(debit(cash, income, "INR"), credit(await gl_account_id(FEE_INCOME, "INR"), income, "INR"))))
    await post_entry(EntryDraft(entry_type=EntryType.INTEREST, value_date=on, narration="interest paid", initiator="t",
                                postings=(debit(await gl_account_id(DEPOSIT_INTEREST_EXPENSE, "INR"), expense, "INR"),
                                          credit(cash, expense, "INR"))))


async def _a_year_of_business() -> dict[str, tuple[str, str]]:
    """Three shareholders (Asha 20 shares, Ravi 10, Meera 10 without savings), ₹6,00,000 fees, ₹2,00,000 interest paid."""
    people = await bank_with_members("Asha", "Ravi")
    (asha, asha_sb), (ravi, ravi_sb) = people["Asha"], people["Ravi"]
    meera = await make_member("Meera")
    await purchase_shares(member_number=asha, shares=20, from_account_number=asha_sb, initiator="c", idempotency_key="a")
    await purchase_shares(member_number=ravi, shares=10, from_account_number=ravi_sb, initiator="c", idempotency_key="r")
    await purchase_shares(member_number=meera, shares=10, initiator="c", idempotency_key="m")
    await _book(600_000_00, 200_000_00, START)
    people["Meera"] = (meera, "")
    return people


async def test_year_end_close_appropriates_and_closes_the_period(db: str) -> None:
    await _a_year_of_business()
    # before 31 March has passed the year cannot close
    with pytest.raises(DomainError) as early:
        await close_financial_year(financial_year=2025, initiator="accountant", idempotency_key="close")
    assert early.value.code is ErrorCode.YEAR_NOT_ENDED
    await set_business_date_at_least(date(2026, 4, 2))
    # a late posting valued in March is still accepted while the year is open
    await _book(30_00, 0 + 1, date(2026, 3, 31))
    done = await close_financial_year(financial_year=2025, initiator="accountant", idempotency_key="close")
    (close,) = done.closes
    # net profit: fees 6,00,030 + admission fees 3 x 100 - interest 2,00,000.01
    profit = 600_030_00 + 300_00 - 200_000_00 - 1
    assert close.net_profit_minor == profit and close.completed
    assert await gl_balance(FEE_INCOME) == 0 and await gl_balance(DEPOSIT_INTEREST_EXPENSE) == 0
    split = appropriate(profit, statutory_reserve_bps=2500, education_fund_bps=100, unforeseen_reserve_bps=1000)
    assert await gl_balance(STATUTORY_RESERVE) == split.statutory_reserve_minor >= profit // 4
    assert await gl_balance(EDUCATION_FUND_PAYABLE) == split.education_fund_minor
    assert await gl_balance(UNFORESEEN_LOSSES_RESERVE) == split.unforeseen_reserve_minor >= profit // 10
    assert await gl_balance(PROFIT_AND_LOSS) == split.surplus_minor
    assert (await verify_ledger()).ok
    # postings into the closed year are refused; the new year is open
    with pytest.raises(DomainError) as closed:
        await _book(1_00, 1, date(2026, 3, 31))
    assert closed.value.code is ErrorCode.PERIOD_CLOSED
    await _book(1_00, 1, date(2026, 4, 1))
    # the same request again is answered from the record; another key is refused
    again = await close_financial_year(financial_year=2025, initiator="accountant", idempotency_key="close")
    assert again.replayed and again.closes[0].id == close.id
    with pytest.raises(DomainError) as twice:
        await close_financial_year(financial_year=2025, initiator="accountant", idempotency_key="other")
    assert twice.value.code is ErrorCode.YEAR_ALREADY_CLOSED
    # years close in order
    await set_business_date_at_least(date(2028, 4, 1))
    with pytest.raises(DomainError) as order:
        await close_financial_year(financial_year=2027, initiator="accountant", idempotency_key="c27")
    assert order.value.code is ErrorCode.YEAR_NOT_CLOSED


async def test_a_loss_is_carried_not_appropriated(db: str) -> None:
    await bank_with_members("Asha")
    await _book(100_00, 500_00, START)
    await set_business_date_at_least(date(2026, 4, 1))
    (close,) = (await close_financial_year(financial_year=2025, initiator="acc", idempotency_key="k")).closes
    assert close.net_profit_minor == -400_00 and close.appropriation_entry_id is None
    assert await gl_balance(PROFIT_AND_LOSS) == -400_00 and await gl_balance(STATUTORY_RESERVE) == 0


async def test_appropriation_settings_below_the_act_are_refused(db: str) -> None:
    await bank_with_members("Asha")
    await set_setting("year_end.statutory_reserve_bps", 2000, effective_from=START, set_by="admin")
    await set_business_date_at_least(date(2026, 4, 1))
    with pytest.raises(DomainError) as refused:
        await close_financial_year(financial_year=2025, initiator="acc", idempotency_key="k")
    assert refused.value.code is ErrorCode.INVALID_INPUT


async def test_dividend_proposed_refused_at_high_npa_approved_and_credited(db: str, monkeypatch: pytest.MonkeyPatch) -> None:
    people = await _a_year_of_business()
    await set_business_date_at_least(date(2026, 4, 1))
    # a dividend for a year not yet closed is refused
    with pytest.raises(DomainError) as open_year:
        await propose_dividend(financial_year=2025, rate_bps=1000, initiator="accountant", idempotency_key="d0")
    assert open_year.value.code is ErrorCode.YEAR_NOT_CLOSED
    await close_financial_year(financial_year=2025, initiator="accountant", idempotency_key="close")
    # above the cap (15 %)
    with pytest.raises(DomainError) as cap:
        await propose_dividend(financial_year=2025, rate_bps=1501, initiator="accountant", idempotency_key="d1")
    assert cap.value.code is ErrorCode.RATE_ABOVE_CAP
    # net NPA at 5 % or more
    npa = {"bps": 500}

    async def npa_now(*, currency: str) -> int:
        return npa["bps"]

    monkeypatch.setattr(dividend_module, "net_npa_bps", npa_now)
    with pytest.raises(DomainError) as high:
        await propose_dividend(financial_year=2025, rate_bps=1200, initiator="accountant", idempotency_key="d2")
    assert high.value.code is ErrorCode.NPA_TOO_HIGH
    npa["bps"] = 499
    proposal = await propose_dividend(financial_year=2025, rate_bps=1200, initiator="accountant", idempotency_key="d3")
    # 12 % on ₹2,000 + ₹1,000 + ₹1,000 paid up
    assert proposal.status == "proposed" and proposal.total_minor == 480_00 and proposal.members == 3
    with pytest.raises(DomainError) as exists:
        await propose_dividend(financial_year=2025, rate_bps=1000, initiator="accountant", idempotency_key="d4")
    assert exists.value.code is ErrorCode.DIVIDEND_EXISTS
    # maker-checker
    with pytest.raises(DomainError) as same:
        await approve_dividend(declaration_id=proposal.id, approver="accountant")
    assert same.value.code is ErrorCode.APPROVAL_SAME_USER
    # NPA rose before approval: refused, stays proposed
    npa["bps"] = 650
    with pytest.raises(DomainError) as later:
        await approve_dividend(declaration_id=proposal.id, approver="manager")
    assert later.value.code is ErrorCode.NPA_TOO_HIGH
    npa["bps"] = 120
    surplus = await gl_balance(PROFIT_AND_LOSS)
    asha_before = (await get_account(people["Asha"][1])).balance_minor
    paid = await approve_dividend(declaration_id=proposal.id, approver="manager")
    assert paid.status == "credited" and paid.credited_minor == 360_00 and paid.unpaid_minor == 120_00
    assert (await get_account(people["Asha"][1])).balance_minor == asha_before + 240_00
    assert await gl_balance(UNPAID_DIVIDEND) == 120_00
    assert await gl_balance(PROFIT_AND_LOSS) == surplus - 480_00
    assert await DividendPayment.filter(declaration_id=proposal.id, unpaid=True).count() == 1
    # approving again pays nobody twice
    again = await approve_dividend(declaration_id=proposal.id, approver="manager")
    assert again.status == "credited" and await DividendPayment.all().count() == 3
    assert (await verify_ledger()).ok


async def test_a_dividend_larger_than_the_undistributed_profit_is_refused(db: str) -> None:
    # the only profit is Asha's ₹100 admission fee: ₹64 is left after s.63; 10 % on her ₹1,000 is ₹100
    member, savings = (await bank_with_members("Asha"))["Asha"]
    await purchase_shares(member_number=member, shares=10, from_account_number=savings, initiator="c", idempotency_key="a")
    await set_business_date_at_least(date(2026, 4, 1))
    await close_financial_year(financial_year=2025, initiator="accountant", idempotency_key="close")
    assert await gl_balance(PROFIT_AND_LOSS) == 64_00
    with pytest.raises(DomainError) as refused:
        await propose_dividend(financial_year=2025, rate_bps=1000, initiator="accountant", idempotency_key="d")
    assert refused.value.code is ErrorCode.DIVIDEND_EXCEEDS_SURPLUS
    assert (await propose_dividend(financial_year=2025, rate_bps=600, initiator="accountant", idempotency_key="d6")).total_minor == 60_00

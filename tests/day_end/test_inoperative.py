"""Inoperative accounts (RBI): notice 3 months ahead, marked after 2 years without a
customer-induced transaction, money in but not out, reactivated by a manager after KYC."""

from __future__ import annotations

from datetime import date

import pytest

from bankcore import chart
from bankcore.calendar.business_date import ensure_calendar
from bankcore.calendar.runner import run_day_end
from bankcore.errors import DomainError, ErrorCode
from bankcore.inoperative.rules import inoperative_cutoff, months_before, notice_cutoff
from bankcore.inoperative.service import reactivate_account
from bankcore.ledger.entry import EntryDraft, credit, debit
from bankcore.ledger.posting import post_entry
from bankcore.models import Account, AccountStatus, EntryType, LedgerAccount, Member, Notification
from bankcore.services.money_movement import deposit_cash, withdraw_cash
from tests.api.helpers import gql, staff
from tests.ledger.factory import inr, make_account, make_member, small_bank

TODAY = date(2024, 1, 10)


def test_the_lines_count_calendar_months_and_clamp_month_ends() -> None:
    assert inoperative_cutoff(TODAY, 24) == date(2022, 1, 10)
    assert notice_cutoff(TODAY, 24, 3) == date(2022, 4, 10)
    assert months_before(date(2024, 5, 31), 3) == date(2024, 2, 29)
    assert months_before(date(2022, 1, 10), -24) == TODAY


async def _money_in(number: str, amount_minor: int, on: date, entry_type: EntryType = EntryType.CASH_DEPOSIT) -> None:
    lid = (await Account.get(number=number)).ledger_account_id
    gl = chart.DEPOSIT_INTEREST_EXPENSE if entry_type is EntryType.INTEREST else chart.CASH
    source = (await LedgerAccount.get(code=chart.gl_code(gl, "INR"))).id
    await post_entry(EntryDraft(entry_type=entry_type, value_date=on, narration="test", initiator="test",
                                postings=(debit(source, amount_minor, "INR"), credit(lid, amount_minor, "INR"))))


async def test_day_end_notifies_marks_and_the_manager_reactivates(db: str) -> None:
    await ensure_calendar(start=TODAY)
    await small_bank()
    owner = await make_member("Old Saver")
    quiet = await make_account("SB0", owner=owner)      # last customer deposit before the 2-year line
    warned = await make_account("SB0")                  # inside the 3-month notice window
    busy = await make_account("SB0")                    # recent
    interest_only = await make_account("SB0")           # interest is not customer-induced
    await _money_in(quiet, 100_000, date(2021, 10, 1))
    await _money_in(warned, 100_000, date(2022, 3, 1))
    await _money_in(busy, 100_000, date(2023, 6, 1))
    await _money_in(interest_only, 100_000, date(2021, 6, 1))
    await _money_in(interest_only, 500, date(2023, 12, 31), EntryType.INTEREST)

    summary = await run_day_end(initiator="test")
    assert summary.closed[0].steps["accounts.mark_inoperative"] == 3  # two marked, one notice
    status = {n: (await Account.get(number=n)).status for n in (quiet, warned, busy, interest_only)}
    assert status == {quiet: AccountStatus.INOPERATIVE, warned: AccountStatus.ACTIVE, busy: AccountStatus.ACTIVE,
                      interest_only: AccountStatus.INOPERATIVE}
    assert (await Account.get(number=quiet)).inoperative_since == TODAY
    notices = await Notification.filter(kind="inoperative_notice").values_list("params", flat=True)
    assert len(notices) == 1 and warned in notices[0] and "2024-03-01" in notices[0]

    # a second day: no second notice for the same dormant spell
    await run_day_end(initiator="test")
    assert await Notification.filter(kind="inoperative_notice").count() == 1

    # money may come in; nothing goes out
    await deposit_cash(account_number=quiet, amount=inr("10.00"), initiator="test")
    with pytest.raises(DomainError) as refused:
        await withdraw_cash(account_number=quiet, amount=inr("1.00"), initiator="test")
    assert refused.value.code is ErrorCode.ACCOUNT_NOT_ACTIVE

    # the manager reactivates through the API; then money goes out again
    doc = ('mutation R($n: String!) { reactivateAccount(accountNumber: $n) '
           '{ account { number status } userErrors { code } } }')
    assert (await gql(staff("cashier"), doc, n=quiet)).errors  # not a cashier's call
    done = await gql(staff("manager"), doc, n=quiet)
    assert done.data["reactivateAccount"] == {"account": {"number": quiet, "status": "ACTIVE"}, "userErrors": []}
    await withdraw_cash(account_number=quiet, amount=inr("1.00"), initiator="test")
    again = await gql(staff("manager"), doc, n=quiet)
    assert again.data["reactivateAccount"]["userErrors"] == [{"code": "ACCOUNT_NOT_ACTIVE"}]


async def test_reactivation_needs_every_holders_kyc_verified(db: str) -> None:
    await ensure_calendar(start=TODAY)
    await small_bank()
    owner = await make_member("Unverified Saver")
    number = await make_account("SB0", owner=owner)
    await _money_in(number, 100_000, date(2020, 1, 1))
    await run_day_end(initiator="test")
    assert (await Account.get(number=number)).status == AccountStatus.INOPERATIVE
    await Member.filter(member_number=owner).update(kyc_status="pending")
    with pytest.raises(DomainError) as refused:
        await reactivate_account(account_number=number, reactivated_by="staff:1")
    assert refused.value.code is ErrorCode.KYC_INCOMPLETE
    assert (await Account.get(number=number)).status == AccountStatus.INOPERATIVE

"""A small bank with deposit products and a member with savings, for the deposit tests."""

from __future__ import annotations

from datetime import date

from bankcore.calendar.business_date import ensure_calendar
from bankcore.calendar.registry import registered_steps
from bankcore.calendar.runner import run_day_end
from bankcore.day_end_plan import load_day_end_plan
from bankcore.deposits.products import ChartLine, create_deposit_product
from bankcore.models import Branch, DepositKind, Member
from bankcore.services.members import register_member, verify_kyc
from bankcore.services.accounts import open_account
from bankcore.models import HolderRole
from bankcore.chart import CLEARING
from bankcore.ledger.entry import EntryDraft, credit, debit
from bankcore.ledger.posting import post_entry
from bankcore.models import Account, EntryType
from bankcore.services._lookup import gl_account_id
from tests.ledger.factory import inr, small_bank

START = date(2026, 4, 1)
# 7-45 days 4.00 %, 46 days - 1 year less a day 6.00 %, 1-2 years 7.00 %, 2-10 years 6.50 %
CHART = (ChartLine(7, 45, 400), ChartLine(46, 364, 600), ChartLine(365, 730, 700), ChartLine(731, 3660, 650))


async def deposit_bank(start: date = START) -> None:
    """Calendar at ``start``, a branch, savings products, an FD product FD1 and an RD product RD1."""
    await ensure_calendar(start=start)
    if not await Branch.exists(code="001"):
        await small_bank()
    await create_deposit_product(code="FD1", name="Fixed deposit", kind=DepositKind.FIXED, currency="INR",
                                 rate_chart=CHART, effective_from=date(2020, 1, 1), min_amount_minor=1_000_00)
    await create_deposit_product(code="RD1", name="Recurring deposit", kind=DepositKind.RECURRING, currency="INR",
                                 rate_chart=CHART, effective_from=date(2020, 1, 1), min_amount_minor=100_00)


async def saver(name: str = "Asha Rao", *, balance: str = "200000.00", date_of_birth: date | None = date(1980, 5, 5),
                pan: str | None = None) -> tuple[Member, str]:
    """A verified member with a basic savings account holding ``balance``."""
    member = await register_member(full_name=name, branch_code="001", date_of_birth=date_of_birth, pan=pan)
    await verify_kyc(member_number=member.member_number)
    account = await open_account(product_code="SB0", holders=[(member.member_number, HolderRole.OWNER)])
    if balance:  # an inward transfer through clearing (cash above Rs 2 lakh a day is refused, s.269ST)
        amount = inr(balance).amount_minor
        ledger_id = (await Account.get(id=account.id)).ledger_account_id
        await post_entry(EntryDraft(entry_type=EntryType.INWARD_TRANSFER, value_date=None, narration="Opening funds",
                                    initiator="test", postings=(debit(await gl_account_id(CLEARING, "INR"), amount, "INR"),
                                                                credit(ledger_id, amount, "INR"))))
    return await Member.get(id=member.id), account.number


async def close_days(through: date | None = None) -> None:
    """Day-end through ``through`` (inclusive) with the term deposits' own steps only.

    These tests close up to a year of dates (a deposit's whole tenure); the other domains'
    steps (loans, savings credit, notifications, ...) have nothing to do in a bank of one
    saver but cost most of each date's statements. Every deposits step runs, in the plan's
    order, through the real runner; ``tests/day_end`` runs the whole plan.
    """
    load_day_end_plan()
    steps = [step for step in registered_steps() if step.name.startswith("deposits.")]
    await run_day_end(through=through, initiator="test", steps=steps)

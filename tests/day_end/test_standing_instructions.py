"""Standing instructions: schedule (month ends clamped), idempotent execution by day-end,
failures retried the next day up to the limit, recorded and shown."""

from __future__ import annotations

from datetime import date

import pytest

from bankcore.calendar.business_date import ensure_calendar
from bankcore.calendar.runner import run_day_end
from bankcore.errors import DomainError, ErrorCode
from bankcore.instructions import service
from bankcore.instructions.schedule import first_due, next_due
from bankcore.models import (
    Account,
    InstructionOutcome,
    InstructionStatus,
    JournalEntry,
    LedgerAccount,
    Notification,
    StandingInstruction,
    StandingInstructionRun,
)
from bankcore.services.money_movement import deposit_cash
from tests.ledger.factory import inr, make_account, small_bank


def test_day_of_month_is_clamped_to_short_months() -> None:
    assert first_due(date(2024, 1, 15), 31) == date(2024, 1, 31)
    assert first_due(date(2024, 2, 1), 31) == date(2024, 2, 29)
    assert first_due(date(2024, 1, 20), 5) == date(2024, 2, 5)
    assert next_due(date(2024, 1, 31), 31, "monthly") == date(2024, 2, 29)
    assert next_due(date(2024, 2, 29), 31, "monthly") == date(2024, 3, 31)
    assert next_due(date(2023, 11, 30), 31, "quarterly") == date(2024, 2, 29)


async def _balance(number: str) -> int:
    return (await LedgerAccount.get(id=(await Account.get(number=number)).ledger_account_id)).balance_minor


async def test_day_end_pays_monthly_on_the_clamped_day_once(db: str) -> None:
    await ensure_calendar(start=date(2024, 1, 30))
    await small_bank()
    payer = await make_account("SB0", deposit="10000.00")
    payee = await make_account("SB0")
    si = await service.create_standing_instruction(
        from_account_number=payer, to_account_number=payee, amount=inr("1000.00"), frequency="monthly",
        day_of_month=31, start_date=date(2024, 1, 30), end_date=date(2024, 3, 31), created_by="member:1",
        narration="Rent",
    )
    assert si.next_due_on == date(2024, 1, 31)
    await run_day_end(initiator="test", through=date(2024, 3, 31))
    runs = await StandingInstructionRun.filter(instruction_id=si.id).order_by("due_on").values_list("due_on", "outcome")
    assert runs == [(date(2024, 1, 31), InstructionOutcome.EXECUTED), (date(2024, 2, 29), InstructionOutcome.EXECUTED),
                    (date(2024, 3, 31), InstructionOutcome.EXECUTED)]
    assert await _balance(payee) == 300_000
    entries = await JournalEntry.filter(idempotency_key__startswith=f"si:{si.id}:").values_list("value_date", flat=True)
    assert sorted(entries) == [date(2024, 1, 31), date(2024, 2, 29), date(2024, 3, 31)]
    si = await StandingInstruction.get(id=si.id)
    assert (si.status, si.next_due_on) == (InstructionStatus.COMPLETED, None)
    # executing again for a date already paid posts nothing
    assert (await service.execute_due_instructions(on=date(2024, 3, 31)))[InstructionOutcome.EXECUTED] == 0


async def test_a_failure_is_retried_the_next_day_then_given_up_and_shown(db: str) -> None:
    await ensure_calendar(start=date(2024, 3, 4))
    await small_bank()
    payer = await make_account("SB0", deposit="100.00")
    payee = await make_account("SB0")
    si = await service.create_standing_instruction(
        from_account_number=payer, to_account_number=payee, amount=inr("500.00"), frequency="quarterly",
        day_of_month=5, start_date=date(2024, 3, 4), created_by="staff:3",
    )
    await run_day_end(initiator="test", through=date(2024, 3, 5))  # due 5 Mar: insufficient funds
    si = await StandingInstruction.get(id=si.id)
    assert si.failed_attempts == 1 and "insufficient funds" in si.last_failure and si.next_due_on == date(2024, 3, 5)
    await deposit_cash(account_number=payer, amount=inr("1000.00"), initiator="test")
    await run_day_end(initiator="test")  # 6 Mar: retried, paid
    si = await StandingInstruction.get(id=si.id)
    assert (si.failed_attempts, si.last_failure, si.next_due_on) == (0, None, date(2024, 6, 5))
    assert await _balance(payee) == 50_000
    outcomes = await StandingInstructionRun.filter(instruction_id=si.id).order_by("id").values_list("attempted_on", "outcome")
    assert outcomes == [(date(2024, 3, 5), InstructionOutcome.FAILED), (date(2024, 3, 6), InstructionOutcome.EXECUTED)]

    # the next quarter it keeps failing: three attempts, then that due date is skipped and the member told
    await ensure_calendar()
    from bankcore.services.money_movement import withdraw_cash

    await withdraw_cash(account_number=payer, amount=inr("600.00"), initiator="test")
    await run_day_end(initiator="test", through=date(2024, 6, 7))
    si = await StandingInstruction.get(id=si.id)
    last = await StandingInstructionRun.filter(instruction_id=si.id).order_by("-id").first()
    assert last.outcome == InstructionOutcome.GAVE_UP and last.attempted_on == date(2024, 6, 7)
    assert si.next_due_on == date(2024, 9, 5) and si.failed_attempts == 0 and si.last_failure.startswith("2024-06-05")
    assert await Notification.filter(kind="standing_instruction_failed").count() == 1


async def test_bad_instructions_are_refused(db: str) -> None:
    await ensure_calendar(start=date(2024, 3, 4))
    await small_bank()
    payer = await make_account("SB0", deposit="100.00")
    payee = await make_account("SB0")
    base = dict(from_account_number=payer, to_account_number=payee, amount=inr("5.00"), frequency="monthly",
                day_of_month=1, start_date=date(2024, 3, 4), created_by="test")
    for change, code in (
        ({"to_account_number": payer}, ErrorCode.SAME_ACCOUNT),
        ({"day_of_month": 32}, ErrorCode.INVALID_INPUT),
        ({"frequency": "weekly"}, ErrorCode.INVALID_INPUT),
        ({"start_date": date(2024, 3, 1)}, ErrorCode.INVALID_DATE),
        ({"end_date": date(2024, 3, 20)}, ErrorCode.INVALID_DATE),  # no due date inside
        ({"amount": inr("0.00")}, ErrorCode.NON_POSITIVE_AMOUNT),
        ({"to_account_number": "001000999994"}, ErrorCode.NOT_FOUND),
    ):
        with pytest.raises(DomainError) as refused:
            await service.create_standing_instruction(**{**base, **change})
        assert refused.value.code is code, change
    assert not await StandingInstruction.exists()


CREATE = """
mutation Create($input: CreateStandingInstructionInput!) {
  createStandingInstruction(input: $input) {
    instruction { id fromAccountNumber toAccountNumber amount { amount currency } frequency dayOfMonth nextDueOn status }
    userErrors { code field }
  }
}"""


async def test_members_set_up_list_and_cancel_instructions_only_on_their_own_accounts(db: str) -> None:
    from bankcore.models import Member
    from tests.api.helpers import gql, member, staff
    from tests.ledger.factory import make_member

    await ensure_calendar(start=date(2024, 3, 4))
    await small_bank()
    asha = await make_member("Asha Rao")
    ravi = await make_member("Ravi Kumar")
    mine = await make_account("SB0", owner=asha, deposit="100.00")
    theirs = await make_account("SB0", owner=ravi, deposit="100.00")
    asha_id = (await Member.get(member_number=asha)).id
    given = {"fromAccountNumber": mine, "toAccountNumber": theirs, "amount": {"amount": "25.00", "currency": "INR"},
             "frequency": "MONTHLY", "dayOfMonth": 31, "startDate": "2024-04-01", "narration": "Pocket money"}
    done = await gql(member(asha_id), CREATE, input=given)
    created = done.data["createStandingInstruction"]
    assert created["userErrors"] == [] and created["instruction"]["nextDueOn"] == "2024-04-30"
    assert created["instruction"]["amount"] == {"amount": "25.00", "currency": "INR"}
    stolen = await gql(member(asha_id), CREATE, input={**given, "fromAccountNumber": theirs, "toAccountNumber": mine})
    assert stolen.data["createStandingInstruction"]["userErrors"] == [{"code": "NOT_FOUND", "field": "fromAccountNumber"}]
    listed = await gql(member(asha_id), "{ standingInstructions { id status lastFailure runs { outcome } } }")
    assert [i["id"] for i in listed.data["standingInstructions"]] == [created["instruction"]["id"]]
    seen_by_staff = await gql(staff("clerk"), "query($n: String) { standingInstructions(accountNumber: $n) { id } }", n=theirs)
    assert seen_by_staff.data["standingInstructions"] == []
    cancel = "mutation($id: ID!) { cancelStandingInstruction(id: $id) { instruction { status nextDueOn } userErrors { code } } }"
    ravi_id = (await Member.get(member_number=ravi)).id
    assert (await gql(member(ravi_id), cancel, id=created["instruction"]["id"])).data["cancelStandingInstruction"][
        "userErrors"] == [{"code": "NOT_FOUND"}]
    cancelled = await gql(member(asha_id), cancel, id=created["instruction"]["id"])
    assert cancelled.data["cancelStandingInstruction"]["instruction"] == {"status": "CANCELLED", "nextDueOn": None}

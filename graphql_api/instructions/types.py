"""GraphQL types of standing instructions."""

from __future__ import annotations

from datetime import date

import strawberry

from bankcore.models import InstructionFrequency, InstructionOutcome, InstructionStatus, StandingInstruction, StandingInstructionRun
from graphql_api.types.money import MoneyType

FrequencyEnum = strawberry.enum(InstructionFrequency, name="InstructionFrequency", description="monthly or quarterly.")
StatusEnum = strawberry.enum(InstructionStatus, name="InstructionStatus",
                             description="active, cancelled, completed (past its end date).")
OutcomeEnum = strawberry.enum(InstructionOutcome, name="InstructionOutcome",
                              description="executed; failed (retried the next business day); gave_up (that due date skipped).")


def _as_date(value: object) -> date | None:
    if value is None:
        return None
    return value if isinstance(value, date) else date.fromisoformat(str(value))


@strawberry.type(name="StandingInstructionRun", description="One attempt of day-end to pay one due date.")
class StandingInstructionRunType:
    due_on: date = strawberry.field(description="The due date paid (or tried).")
    attempted_on: date = strawberry.field(description="The business date of the attempt.")
    outcome: OutcomeEnum = strawberry.field(description="What happened.")  # type: ignore[valid-type]
    message: str | None = strawberry.field(description="Why it failed.")

    @classmethod
    def of(cls, run: StandingInstructionRun) -> StandingInstructionRunType:
        return cls(due_on=_as_date(run.due_on), attempted_on=_as_date(run.attempted_on),  # type: ignore[arg-type]
                   outcome=InstructionOutcome(run.outcome), message=run.message)


@strawberry.type(name="StandingInstruction", description="An order to pay another account of the bank on a schedule.")
class StandingInstructionType:
    id: strawberry.ID = strawberry.field(description="The instruction's id.")
    from_account_number: str = strawberry.field(description="The account paid from.")
    to_account_number: str = strawberry.field(description="The account paid to.")
    amount: MoneyType = strawberry.field(description="Paid each time.")
    frequency: FrequencyEnum = strawberry.field(description="How often.")  # type: ignore[valid-type]
    day_of_month: int = strawberry.field(description="1-31; clamped to the last day of shorter months.")
    start_date: date = strawberry.field(description="No payment before it.")
    end_date: date | None = strawberry.field(description="No payment after it.")
    next_due_on: date | None = strawberry.field(description="The next payment's date.")
    status: StatusEnum = strawberry.field(description="Lifecycle state.")  # type: ignore[valid-type]
    purpose: str = strawberry.field(description="transfer (set up by a member or staff), loan_emi, recurring_deposit.")
    narration: str = strawberry.field(description="What the payments say on statements.")
    failed_attempts: int = strawberry.field(description="Failed attempts at the current due date.")
    last_failure: str | None = strawberry.field(description="Why the last attempt failed (shown to the member).")
    runs: list[StandingInstructionRunType] = strawberry.field(description="The latest attempts, newest first (at most 12).")

    @classmethod
    def of(cls, si: StandingInstruction, runs: list[StandingInstructionRun]) -> StandingInstructionType:
        return cls(
            id=strawberry.ID(str(si.id)), from_account_number=si.from_account.number, to_account_number=si.to_account.number,
            amount=MoneyType.minor(si.amount_minor, si.currency), frequency=InstructionFrequency(si.frequency),
            day_of_month=si.day_of_month, start_date=_as_date(si.start_date), end_date=_as_date(si.end_date),  # type: ignore[arg-type]
            next_due_on=_as_date(si.next_due_on), status=InstructionStatus(si.status), purpose=si.purpose,
            narration=si.narration, failed_attempts=si.failed_attempts, last_failure=si.last_failure,
            runs=[StandingInstructionRunType.of(r) for r in runs],
        )


async def instruction_types(instructions: list[StandingInstruction]) -> list[StandingInstructionType]:
    """Types for ``instructions`` (accounts selected), with their latest runs in one query."""
    runs = await StandingInstructionRun.filter(instruction_id__in=[i.id for i in instructions]).order_by("-id")
    out = []
    for si in instructions:
        mine = [r for r in runs if r.instruction_id == si.id][:12]  # type: ignore[attr-defined]
        out.append(StandingInstructionType.of(si, mine))
    return out

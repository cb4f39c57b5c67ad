"""Standing instructions: a member's (or the bank's) order to move money on a schedule."""

from enum import StrEnum

from tortoise import fields
from tortoise.indexes import Index
from bankcore.models._base import Model


class InstructionFrequency(StrEnum):
    MONTHLY = "monthly"
    QUARTERLY = "quarterly"


class InstructionStatus(StrEnum):
    ACTIVE = "active"
    CANCELLED = "cancelled"
    COMPLETED = "completed"  # past its end date


class InstructionOutcome(StrEnum):
    EXECUTED = "executed"
    FAILED = "failed"  # retried the next day
    GAVE_UP = "gave_up"  # failed on the last allowed attempt: this due date is skipped


class StandingInstruction(Model):
    """Pay ``amount_minor`` from one account of the bank to another, monthly or quarterly.

    ``day_of_month`` is clamped to the month's last day (31 -> 30 Apr, 28/29 Feb).
    ``next_due_on`` is the next date to pay; day-end executes what is due and moves it on.
    ``purpose`` says who set it up: ``transfer`` (a member or staff), or another domain
    reusing the machinery (``loan_emi``, ``recurring_deposit``) with its ``reference``.
    """

    id = fields.BigIntField(primary_key=True)
    from_account = fields.ForeignKeyField("bankcore.Account", related_name="instructions_out", on_delete=fields.RESTRICT)
    to_account = fields.ForeignKeyField("bankcore.Account", related_name="instructions_in", on_delete=fields.RESTRICT)
    amount_minor = fields.BigIntField()
    currency = fields.CharField(max_length=3)
    frequency = fields.CharEnumField(InstructionFrequency, max_length=10)
    day_of_month = fields.IntField(description="1-31, clamped to the month's last day")
    start_date = fields.DateField()
    end_date = fields.DateField(null=True)
    next_due_on = fields.DateField(null=True, description="Next date to pay, null once cancelled or completed")
    status = fields.CharEnumField(InstructionStatus, max_length=10, default=InstructionStatus.ACTIVE)
    purpose = fields.CharField(max_length=20, default="transfer")
    reference = fields.CharField(max_length=60, null=True, description="The other domain's object, e.g. loan:12")
    narration = fields.CharField(max_length=140)
    failed_attempts = fields.IntField(default=0, description="Failed attempts for the current due date")
    last_failure = fields.CharField(max_length=255, null=True, description="Why the last attempt failed, for the member")
    created_by = fields.CharField(max_length=100)
    created_at = fields.DatetimeField()

    class Meta:
        table = "standing_instruction"
        indexes = (
            Index(fields=("status", "next_due_on"), name="standing_instruction_due_idx"),
            Index(fields=("from_account_id",), name="standing_instruction_from_idx"),
        )


class StandingInstructionRun(Model):
    """One attempt of day-end at one due date of an instruction: executed, failed or given up."""

    id = fields.BigIntField(primary_key=True)
    instruction = fields.ForeignKeyField("bankcore.StandingInstruction", related_name="runs", on_delete=fields.RESTRICT)
    due_on = fields.DateField()
    attempted_on = fields.DateField(description="The business date of the attempt")
    outcome = fields.CharEnumField(InstructionOutcome, max_length=10)
    entry_id = fields.BigIntField(null=True, description="The transfer's journal entry when executed")
    message = fields.CharField(max_length=255, null=True)
    created_at = fields.DatetimeField()

    class Meta:
        table = "standing_instruction_run"
        unique_together = (("instruction", "due_on", "attempted_on"),)

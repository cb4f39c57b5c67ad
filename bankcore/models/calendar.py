"""The bank's calendar: its business date and the record of every day-end (close of business)."""

from enum import StrEnum

from tortoise import fields
from tortoise.indexes import Index
from bankcore.models._base import Model


class BankCalendar(Model):
    """The one row (id 1) holding the bank's business date.

    The business date is the value date of every posting unless a permitted back-value
    is given. Only day-end moves it forward (and the data import sets it once).
    """

    id = fields.IntField(primary_key=True)
    business_date = fields.DateField()
    updated_at = fields.DatetimeField()
    books_closed_through = fields.DateField(
        null=True, description="Last day of the last closed financial year: postings valued on or before it are refused"
    )

    class Meta:
        table = "bank_calendar"


class DayEndStatus(StrEnum):
    RUNNING = "running"  # started, not finished (or crashed: the next run resumes it)
    COMPLETED = "completed"
    FAILED = "failed"  # a step raised; the next run retries from that step


class DayEndRun(Model):
    """The close of business of one business date. One row per date, ever."""

    id = fields.BigIntField(primary_key=True)
    business_date = fields.DateField(unique=True, description="The date being closed")
    status = fields.CharEnumField(DayEndStatus, max_length=10)
    initiator = fields.CharField(max_length=100, description="Who ran it: cli, staff:12, ...")
    started_at = fields.DatetimeField()
    finished_at = fields.DatetimeField(null=True)
    message = fields.CharField(max_length=500, null=True, description="Why it failed, for the accountant")

    class Meta:
        table = "day_end_run"


class DayEndStepRun(Model):
    """One named step of one day-end: when it ran, how many rows it touched, how it ended."""

    id = fields.BigIntField(primary_key=True)
    run = fields.ForeignKeyField("bankcore.DayEndRun", related_name="steps", on_delete=fields.RESTRICT)
    step = fields.CharField(max_length=60, description="Registered step name, e.g. savings.credit_interest")
    position = fields.IntField(description="Order of the step within the day")
    started_at = fields.DatetimeField()
    finished_at = fields.DatetimeField(null=True)
    rows = fields.BigIntField(default=0, description="Rows the step wrote or changed")
    outcome = fields.CharEnumField(DayEndStatus, max_length=10)
    message = fields.CharField(max_length=500, null=True)

    class Meta:
        table = "day_end_step_run"
        unique_together = (("run", "step"),)
        indexes = (Index(fields=("run_id", "position"), name="day_end_step_run_run_idx"),)

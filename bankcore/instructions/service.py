"""Creating, cancelling and executing standing instructions.

The function other domains reuse is ``create_standing_instruction`` (loans collect EMIs
with ``purpose="loan_emi", reference="loan:<id>"``; recurring deposits their instalments
with ``purpose="recurring_deposit"``); day-end runs ``execute_due_instructions``.

Execution is idempotent: the transfer's idempotency key is ``si:<id>:<due date>``, and
the instruction moves on to its next due date in the transfer's own transaction (the
ledger's ``effects`` hook), so a crash either left both or neither. A refusal
(insufficient funds, inactive or inoperative account) is recorded and retried on the
next business day, up to ``instructions.max_attempts`` attempts; then that due date is
skipped (``gave_up``) and the member is told.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.transactions import in_transaction

from bankcore.calendar.business_date import business_date
from bankcore.errors import DomainError, ErrorCode
from bankcore.instructions.schedule import first_due, next_due
from bankcore.instructions.settings import MAX_ATTEMPTS
from bankcore.ledger.entry import EntryDraft, credit, debit
from bankcore.ledger.posting import post_entry
from bankcore.models import (
    Account,
    AccountHolder,
    AccountStatus,
    EntryType,
    HolderRole,
    InstructionFrequency,
    InstructionOutcome,
    InstructionStatus,
    LedgerAccount,
    StandingInstruction,
    StandingInstructionRun,
)
from bankcore.money import Money

PURPOSES = ("transfer", "loan_emi", "recurring_deposit")


def _now() -> datetime:
    return datetime.now(UTC)


def _as_date(value: object) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


async def create_standing_instruction(
    *,
    from_account_number: str,
    to_account_number: str,
    amount: Money,
    frequency: InstructionFrequency | str,
    day_of_month: int,
    start_date: date,
    end_date: date | None = None,
    created_by: str,
    narration: str | None = None,
    purpose: str = "transfer",
    reference: str | None = None,
) -> StandingInstruction:
    """Set up an instruction to pay ``amount`` from one account of the bank to another.

    ``frequency`` monthly or quarterly; ``day_of_month`` 1-31 (clamped to short months);
    the first payment is on the first such day on or after ``start_date`` (not before the
    business date); none after ``end_date``. ``purpose``/``reference`` let another domain
    tag its own instructions (``loan_emi``/``loan:12``). Who may act for the accounts is the
    caller's check. Raises ``DomainError``: ``NOT_FOUND`` (an account), ``SAME_ACCOUNT``,
    ``CURRENCY_MISMATCH``, ``NON_POSITIVE_AMOUNT``, ``ACCOUNT_NOT_ACTIVE`` (the paying account
    is not active), ``INVALID_DATE`` (start before the business date, end before start),
    ``INVALID_INPUT`` (day of month, frequency or purpose).
    """
    try:
        frequency = InstructionFrequency(frequency)
    except ValueError:
        raise DomainError(ErrorCode.INVALID_INPUT, "frequency must be monthly or quarterly", field="frequency") from None
    if type(day_of_month) is not int or not 1 <= day_of_month <= 31:
        raise DomainError(ErrorCode.INVALID_INPUT, "day of month must be 1-31", field="day_of_month")
    if purpose not in PURPOSES:
        raise DomainError(ErrorCode.INVALID_INPUT, f"purpose must be one of {', '.join(PURPOSES)}", field="purpose")
    if amount.amount_minor <= 0:
        raise DomainError(ErrorCode.NON_POSITIVE_AMOUNT, "the amount must be positive", field="amount")
    today = await business_date()
    if start_date < today:
        raise DomainError(ErrorCode.INVALID_DATE, f"the start date is before the business date {today}", field="start_date")
    if end_date is not None and end_date < start_date:
        raise DomainError(ErrorCode.INVALID_DATE, "the end date is before the start date", field="end_date")
    source = await Account.get_or_none(number="".join(from_account_number.split())[:20]).select_related("ledger_account")
    target = await Account.get_or_none(number="".join(to_account_number.split())[:20]).select_related("ledger_account")
    if source is None:
        raise DomainError(ErrorCode.NOT_FOUND, "no such account to pay from", field="from_account_number")
    if target is None:
        raise DomainError(ErrorCode.NOT_FOUND, "no such account to pay to", field="to_account_number")
    if source.id == target.id:
        raise DomainError(ErrorCode.SAME_ACCOUNT, "an instruction pays another account", field="to_account_number")
    currency = source.ledger_account.currency
    if amount.currency != currency or target.ledger_account.currency != currency:
        raise DomainError(ErrorCode.CURRENCY_MISMATCH, f"both accounts and the amount must be in {currency}", field="amount")
    if source.status != AccountStatus.ACTIVE:
        raise DomainError(ErrorCode.ACCOUNT_NOT_ACTIVE, f"account {source.number} is {source.status}",
                          field="from_account_number")
    due = first_due(start_date, day_of_month)
    if end_date is not None and due > end_date:
        raise DomainError(ErrorCode.INVALID_DATE, "no due date falls between the start and the end date", field="end_date")
    text = (narration or "").strip()[:140] or f"Standing instruction to {target.number}"
    return await StandingInstruction.create(
        from_account=source, to_account=target, amount_minor=amount.amount_minor, currency=currency,
        frequency=frequency, day_of_month=day_of_month, start_date=start_date, end_date=end_date, next_due_on=due,
        status=InstructionStatus.ACTIVE, purpose=purpose, reference=reference, narration=text,
        created_by=created_by[:100], created_at=_now(),
    )


async def cancel_standing_instruction(*, instruction_id: int, cancelled_by: str) -> StandingInstruction:
    """Stop an active instruction; nothing more is paid. ``NOT_FOUND``; ``INVALID_INPUT`` if not active."""
    async with in_transaction():
        instruction = await StandingInstruction.get_or_none(id=instruction_id).select_for_update()
        if instruction is None:
            raise DomainError(ErrorCode.NOT_FOUND, "no such standing instruction", field="id")
        if instruction.status != InstructionStatus.ACTIVE:
            raise DomainError(ErrorCode.INVALID_INPUT, f"the instruction is {instruction.status} already", field="id")
        instruction.status, instruction.next_due_on = InstructionStatus.CANCELLED, None
        await instruction.save(update_fields=["status", "next_due_on"])
    return instruction


async def member_may_use(member_id: int, account_id: int) -> bool:
    """Whether member ``member_id`` owns or jointly holds the account (may order payments from it)."""
    return await AccountHolder.exists(account_id=account_id, member_id=member_id,
                                      role__in=(HolderRole.OWNER, HolderRole.JOINT))


def _advance(instruction: StandingInstruction, due: date) -> None:
    following = next_due(due, instruction.day_of_month, instruction.frequency)
    end = _as_date(instruction.end_date) if instruction.end_date is not None else None
    if end is not None and following > end:
        instruction.status, instruction.next_due_on = InstructionStatus.COMPLETED, None
    else:
        instruction.next_due_on = following
    instruction.failed_attempts = 0


async def _execute_one(instruction: StandingInstruction, day: date, max_attempts: int) -> InstructionOutcome:
    due = _as_date(instruction.next_due_on)
    ids = dict(await LedgerAccount.filter(
        id__in=[instruction.from_account.ledger_account_id, instruction.to_account.ledger_account_id]
    ).values_list("id", "currency"))
    payer, payee = instruction.from_account.ledger_account_id, instruction.to_account.ledger_account_id

    async def record(conn: BaseDBAsyncClient, entry_id: int) -> None:
        _advance(instruction, due)
        instruction.last_failure = None
        await instruction.save(using_db=conn, update_fields=["status", "next_due_on", "failed_attempts", "last_failure"])
        await StandingInstructionRun.create(instruction_id=instruction.id, due_on=due, attempted_on=day,
                                            outcome=InstructionOutcome.EXECUTED, entry_id=entry_id, created_at=_now(),
                                            using_db=conn)

    draft = EntryDraft(
        entry_type=EntryType.TRANSFER, value_date=day, initiator=f"standing-instruction:{instruction.id}",
        narration=instruction.narration, idempotency_key=f"si:{instruction.id}:{due.isoformat()}",
        postings=(debit(payer, instruction.amount_minor, ids[payer]), credit(payee, instruction.amount_minor, ids[payee])),
    )
    try:
        posted = await post_entry(draft, effects=record)
    except DomainError as exc:
        return await _failed(instruction, due, day, exc.message, max_attempts)
    if posted.replayed:  # paid before a crash that lost nothing but this run's bookkeeping
        await StandingInstruction.filter(id=instruction.id, next_due_on=due).update(
            next_due_on=next_due(due, instruction.day_of_month, instruction.frequency), failed_attempts=0)
    return InstructionOutcome.EXECUTED


async def _failed(instruction: StandingInstruction, due: date, day: date, why: str, max_attempts: int) -> InstructionOutcome:
    async with in_transaction() as conn:
        if await StandingInstructionRun.exists(instruction_id=instruction.id, due_on=due, attempted_on=day):
            return InstructionOutcome.FAILED  # this day's attempt is recorded already (a resumed step)
        attempts = instruction.failed_attempts + 1
        outcome = InstructionOutcome.GAVE_UP if attempts >= max_attempts else InstructionOutcome.FAILED
        instruction.last_failure = f"{due.isoformat()}: {why}"[:255]
        if outcome is InstructionOutcome.GAVE_UP:
            _advance(instruction, due)
        else:
            instruction.failed_attempts = attempts
        await instruction.save(using_db=conn,
                               update_fields=["status", "next_due_on", "failed_attempts", "last_failure"])
        await StandingInstructionRun.create(instruction_id=instruction.id, due_on=due, attempted_on=day, outcome=outcome,
                                            message=why[:255], created_at=_now(), using_db=conn)
        if outcome is InstructionOutcome.GAVE_UP:
            await _tell_members(instruction, due, why, conn)
    return outcome


async def _tell_members(instruction: StandingInstruction, due: date, why: str, conn: BaseDBAsyncClient) -> None:
    from bankcore.notifications import notify

    members = await AccountHolder.filter(account_id=instruction.from_account_id,  # type: ignore[attr-defined]
                                         role__in=(HolderRole.OWNER, HolderRole.JOINT)).values_list("member_id", flat=True)
    for member_id in members:
        await notify(member_id=member_id, kind="standing_instruction_failed", conn=conn,
                     params={"instruction_id": instruction.id, "due_on": due.isoformat(), "reason": why[:200],
                             "amount_minor": instruction.amount_minor, "currency": instruction.currency},
                     dedupe_key=f"si_failed:{instruction.id}:{due.isoformat()}")


async def execute_due_instructions(*, on: date) -> dict[InstructionOutcome, int]:
    """Execute every active instruction due on or before business date ``on`` (oldest due first).

    A loop over the *due* instructions (each transfer checks its account's floor under the
    ledger's row lock), not over all accounts. Returns how many executed, failed, gave up.
    """
    max_attempts = await MAX_ATTEMPTS.get(on=on)
    counts = {o: 0 for o in InstructionOutcome}
    due = await StandingInstruction.filter(status=InstructionStatus.ACTIVE, next_due_on__lte=on) \
        .select_related("from_account", "to_account").order_by("next_due_on", "id")
    for instruction in due:
        outcome = await _execute_one(instruction, on, max(1, max_attempts))
        counts[outcome] += 1
    return counts

"""The public enqueue API: ``notify`` and ``emit_event`` write in the caller's transaction,
and every posted journal entry leaves an ``entry.posted`` outbox event."""

from __future__ import annotations

import json

import pytest
from tortoise.transactions import in_transaction

from bankcore.models import Notification, OutboxEvent
from bankcore.notifications import notify
from bankcore.services.money_movement import withdraw_cash
from bankcore.webhooks import emit_event
from tests.ledger.factory import inr
from tests.payments.factory import member_with_savings


async def test_notify_writes_an_inbox_row_in_the_callers_transaction(db: str) -> None:
    member, _ = await member_with_savings()
    async with in_transaction() as conn:
        nid = await notify(member_id=member.id, kind="emi_due", params={"amount_minor": 523_400, "currency": "INR"}, conn=conn)
    row = await Notification.get(id=nid)
    assert (row.member_id, row.kind, row.read_at, row.dispatched_at) == (member.id, "emi_due", None, None)
    assert json.loads(row.params) == {"amount_minor": 523_400, "currency": "INR"}


async def test_a_rolled_back_transaction_leaves_no_notification(db: str) -> None:
    member, _ = await member_with_savings()
    with pytest.raises(RuntimeError):
        async with in_transaction() as conn:
            await notify(member_id=member.id, kind="kyc_due", conn=conn)
            await emit_event(event_type="loan.overdue", ref_id=1, conn=conn)
            raise RuntimeError("the caller's change failed")
    assert await Notification.filter(kind="kyc_due").count() == 0
    assert await OutboxEvent.filter(topic="loan.overdue").count() == 0


async def test_a_dedupe_key_makes_a_repeat_a_no_op_without_breaking_the_transaction(db: str) -> None:
    member, _ = await member_with_savings()
    async with in_transaction() as conn:
        first = await notify(member_id=member.id, kind="emi_due", dedupe_key="emi_due:1:2026-12-03", conn=conn)
        again = await notify(member_id=member.id, kind="emi_due", dedupe_key="emi_due:1:2026-12-03", conn=conn)
        other = await notify(member_id=member.id, kind="fd_maturing", conn=conn)  # the transaction still works
    assert first is not None and again is None and other is not None
    assert await Notification.filter(kind="emi_due").count() == 1


async def test_malformed_kinds_types_and_params_are_refused(db: str) -> None:
    with pytest.raises(ValueError):
        await notify(member_id=1, kind="Debit Alert!")
    with pytest.raises(ValueError):
        await emit_event(event_type="no.such.event")
    with pytest.raises(ValueError):
        await notify(member_id=1, kind="message", params={"text": "x" * 5000})


async def test_every_posted_entry_leaves_an_entry_posted_event(db: str) -> None:
    member, account = await member_with_savings("1000.00")
    before = await OutboxEvent.filter(topic="entry.posted").count()
    posted = await withdraw_cash(account_number=account, amount=inr("100.00"), initiator="test")
    events = await OutboxEvent.filter(topic="entry.posted").order_by("id")
    assert len(events) == before + 1
    assert events[-1].ref_id == posted.entry_id and events[-1].dispatched_at is None

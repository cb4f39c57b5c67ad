"""The worker's pass over the outbox: transaction alerts, channels by preference, languages,
retries, and procrastinate running it (in memory on SQLite)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from bankcore.background import run_once, run_worker
from bankcore.models import DeliveryChannel, DeliveryStatus, Member, Notification, NotificationDelivery, OutboxEvent
from bankcore.notifications import notify
from bankcore.notifications.inbox import Recipient, inbox, mark_read, set_preferences, unread_count
from bankcore.notifications.providers import ConsoleProvider, OutgoingMessage, PermanentFailure, use_providers
from bankcore.notifications.sender import send_due_notifications
from bankcore.services.money_movement import deposit_cash, withdraw_cash
from tests.conftest import BACKEND
from tests.ledger.factory import inr
from tests.payments.factory import member_with_savings


class Flaky:
    """Fails ``failures`` times (permanently when ``permanent``), then sends."""

    def __init__(self, failures: int = 0, permanent: bool = False) -> None:
        self.failures, self.permanent, self.sent = failures, permanent, []

    async def send(self, message: OutgoingMessage) -> str | None:
        if self.failures:
            self.failures -= 1
            raise (PermanentFailure("number not reachable") if self.permanent else ConnectionError("gateway down"))
        self.sent.append(message)
        return "ok-1"


@pytest.fixture
def console() -> Iterator[ConsoleProvider]:
    provider = ConsoleProvider()
    previous = use_providers({c: provider for c in DeliveryChannel})
    yield provider
    use_providers(previous)


async def _member(mobile: str = "+919812345678", email: str | None = None) -> tuple[Member, str]:
    member, account = await member_with_savings("5000.00")
    await Member.filter(id=member.id).update(mobile=mobile, email=email)
    await run_once()  # the opening deposit's credit alert
    return member, account


async def test_a_debit_reaches_the_inbox_and_goes_by_sms(db: str, console: ConsoleProvider) -> None:
    member, account = await _member()
    before = len(console.sent)
    await withdraw_cash(account_number=account, amount=inr("1250.50"), initiator="test")
    done = await run_once()
    assert done.events == 1 and done.messages_sent >= 1
    items = await inbox(Recipient("member", member.id))
    assert items[0].kind == "debit"
    assert "₹1,250.50 debited" in items[0].body and "XX" + account[-4:] in items[0].body
    assert "Balance ₹3,749.50" in items[0].body
    sms = [m for m in console.sent[before:] if m.channel is DeliveryChannel.SMS]
    assert [m.destination for m in sms] == ["+919812345678"] and "debited" in sms[0].body
    assert await OutboxEvent.filter(dispatched_at__isnull=True).count() == 0
    again = await run_once()  # nothing is sent twice
    assert not again.busy


async def test_debit_sms_cannot_be_turned_off_but_credit_sms_can(db: str, console: ConsoleProvider) -> None:
    member, account = await _member(email="asha@example.com")
    await set_preferences(member_id=member.id, language="en", sms=False, email=True, whatsapp=True,
                          credit_threshold_minor=None)
    before = len(console.sent)
    await withdraw_cash(account_number=account, amount=inr("10.00"), initiator="test")
    await deposit_cash(account_number=account, amount=inr("20.00"), initiator="test")
    await run_once()
    sent = {(m.channel, "debited" in m.body) for m in console.sent[before:]}
    assert sent == {
        (DeliveryChannel.SMS, True), (DeliveryChannel.EMAIL, True), (DeliveryChannel.WHATSAPP, True),
        (DeliveryChannel.EMAIL, False), (DeliveryChannel.WHATSAPP, False),  # the credit: no SMS
    }


async def test_credits_at_or_below_the_members_threshold_are_not_alerted(db: str, console: ConsoleProvider) -> None:
    member, account = await _member()
    await set_preferences(member_id=member.id, language="en", sms=True, email=True, whatsapp=False,
                          credit_threshold_minor=100_00)
    await deposit_cash(account_number=account, amount=inr("100.00"), initiator="test")
    await deposit_cash(account_number=account, amount=inr("100.01"), initiator="test")
    await run_once()
    credits = await Notification.filter(member_id=member.id, kind="credit").order_by("id")
    assert [c.params.count("10001") for c in credits][-1] == 1
    assert not any('"amount_minor":10000,' in c.params for c in credits)


async def test_messages_go_in_the_members_language(db: str, console: ConsoleProvider) -> None:
    member, account = await _member()
    await set_preferences(member_id=member.id, language="mr", sms=True, email=False, whatsapp=False,
                          credit_threshold_minor=None)
    before = len(console.sent)
    await withdraw_cash(account_number=account, amount=inr("10.00"), initiator="test")
    await run_once()
    assert "नावे" in console.sent[before].body
    assert "नावे" in (await inbox(Recipient("member", member.id)))[0].title


async def test_a_changed_mobile_is_told_to_the_old_number_too(db: str, console: ConsoleProvider) -> None:
    member, _ = await _member(mobile="+919800000002")
    before = len(console.sent)
    await notify(member_id=member.id, kind="mobile_changed", params={"mobile": "+919800000002", "old_mobile": "+919800000001"})
    await run_once()
    assert sorted(m.destination for m in console.sent[before:]) == ["+919800000001", "+919800000002"]


async def test_failed_sends_are_retried_with_backoff_then_given_up(db: str) -> None:
    member, _ = await _member()
    flaky = Flaky(failures=1)
    previous = use_providers({c: flaky for c in DeliveryChannel})
    try:
        await notify(member_id=member.id, kind="kyc_due", params={"due_date": "2026-12-31"})
        await run_once()
        delivery = await NotificationDelivery.get(notification__kind="kyc_due")
        assert (delivery.status, delivery.attempts) == (DeliveryStatus.PENDING, 1)
        assert delivery.next_attempt_at > datetime.now(UTC) + timedelta(seconds=20)  # 30 s backoff
        assert await send_due_notifications() == 0  # not due yet
        assert await send_due_notifications(now=datetime.now(UTC) + timedelta(seconds=31)) == 1
        delivery = await NotificationDelivery.get(id=delivery.id)
        assert (delivery.status, delivery.attempts, delivery.provider_ref) == (DeliveryStatus.SENT, 2, "ok-1")

        use_providers({c: Flaky(failures=1, permanent=True) for c in DeliveryChannel})
        await notify(member_id=member.id, kind="emi_overdue")
        await run_once()
        refused = await NotificationDelivery.get(notification__kind="emi_overdue")
        assert refused.status == DeliveryStatus.FAILED and "not reachable" in refused.last_error
    finally:
        use_providers(previous)


async def test_unread_count_and_mark_read(db: str, console: ConsoleProvider) -> None:
    member, account = await _member()
    me = Recipient("member", member.id)
    start = await unread_count(me)
    await withdraw_cash(account_number=account, amount=inr("1.00"), initiator="test")
    await run_once()
    assert await unread_count(me) == start + 1
    assert await mark_read(Recipient("member", member.id + 999)) == 0  # someone else's: nothing
    newest = (await inbox(me))[0]
    assert await mark_read(me, ids=[newest.id]) == 1
    assert await unread_count(me) == start
    await mark_read(me)
    assert await unread_count(me) == 0


async def test_procrastinate_runs_the_drain(db: str, console: ConsoleProvider) -> None:
    """The real worker: procrastinate's in-memory connector on SQLite, its PostgreSQL tables on PostgreSQL."""
    member, account = await _member()
    before = len(console.sent)
    await withdraw_cash(account_number=account, amount=inr("2.00"), initiator="test")
    await run_worker(db, wait=False)
    assert any("debited" in m.body for m in console.sent[before:])
    assert BACKEND in ("sqlite", "postgres")


@pytest.mark.skipif(BACKEND != "postgres", reason="procrastinate keeps jobs in PostgreSQL only; on SQLite they die with the process")
async def test_a_drain_left_running_by_a_dead_worker_does_not_stop_alerts(db: str, console: ConsoleProvider) -> None:
    """A worker killed mid-drain leaves its job ``doing``, holding the drain lock: the next worker
    must put it back in the queue, or no SMS or webhook would ever go out again."""
    from tortoise.connection import get_connection

    from bankcore.background import ensure_schema, make_app

    app = make_app(db)
    async with app.open_async():
        await ensure_schema(app)
        orphan = await app.tasks["coopbank.drain_once"].defer_async()
    conn = get_connection("default")
    rows = await conn.execute_query_dict(
        "INSERT INTO procrastinate_workers (last_heartbeat) VALUES (now() - interval '5 minutes') RETURNING id")
    await conn.execute_query("UPDATE procrastinate_jobs SET status = 'doing', worker_id = $1 WHERE id = $2",
                             [rows[0]["id"], orphan])
    member, account = await _member()
    before = len(console.sent)
    await withdraw_cash(account_number=account, amount=inr("3.00"), initiator="test")
    await run_worker(db, wait=False)
    assert any("debited" in m.body for m in console.sent[before:])
    left = await conn.execute_query_dict("SELECT count(*) AS n FROM procrastinate_jobs WHERE status = 'doing'")
    assert left[0]["n"] == 0


async def test_an_event_written_by_a_batch_without_balances_still_alerts(db: str, console: ConsoleProvider) -> None:
    """Set-based batches (savings interest) write ``entry.posted`` with an empty payload."""
    member, account = await _member()
    await deposit_cash(account_number=account, amount=inr("30.00"), initiator="test")
    await OutboxEvent.filter(dispatched_at__isnull=True).update(payload="{}")
    await run_once()
    credit = (await inbox(Recipient("member", member.id)))[0]
    assert credit.kind == "credit" and "₹30.00 credited" in credit.body and "Balance ₹5,030.00" in credit.body

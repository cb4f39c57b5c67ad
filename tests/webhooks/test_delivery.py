"""Partners' webhooks from the outbox: signed deliveries to a real HTTP endpoint, retries
with backoff, the delivery log, replay, disabling a failing endpoint, member scoping."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from tortoise.transactions import in_transaction

from bankcore.background import run_once
from bankcore.errors import DomainError
from bankcore.models import Notification, WebhookAttempt, WebhookDelivery, WebhookDeliveryStatus, WebhookSubscription
from bankcore.services.money_movement import withdraw_cash
from bankcore.webhooks import emit_event
from bankcore.webhooks.delivery import backoff, replay_delivery, send_due_webhooks
from bankcore.webhooks.signing import verify
from bankcore.webhooks.subscriptions import check_target_url, create_subscription, set_subscription_active
from tests.ledger.factory import inr
from tests.payments.factory import member_with_savings
from tests.webhooks.conftest import Endpoint, make_admin, make_partner

DOC = "subscription { event { ... on EntryPosted { entry { id } } } }"


async def _subscribed(endpoint: Endpoint, events: list[str], *, bound: bool = False):
    member, account = await member_with_savings("500.00")
    admin = await make_admin()
    client = await make_partner(admin, member if bound else None)
    sub = await create_subscription(client_id=client.client_id, name="books", target_url=endpoint.url, query=DOC,
                                    event_types=events, actor="staff:1", secret="s" * 32)
    await run_once()  # the opening deposit's events
    endpoint.reset()
    return member, account, sub


async def test_a_posted_entry_is_delivered_signed_with_a_timestamp(db: str, endpoint: Endpoint) -> None:
    member, account, sub = await _subscribed(endpoint, ["entry.posted", "balance.changed"])
    posted = await withdraw_cash(account_number=account, amount=inr("10.00"), initiator="test")
    done = await run_once()
    assert done.webhooks_delivered == 2
    kinds = sorted(headers["x-coopbank-event"] for headers, _ in endpoint.received)
    assert kinds == ["BALANCE_CHANGED", "ENTRY_POSTED"]
    for headers, body in endpoint.received:
        assert verify("s" * 32, headers["x-coopbank-timestamp"], body, headers["x-coopbank-signature"])
        assert not verify("t" * 32, headers["x-coopbank-timestamp"], body, headers["x-coopbank-signature"])
        # replayed later than the tolerance: refused
        assert not verify("s" * 32, headers["x-coopbank-timestamp"], body, headers["x-coopbank-signature"],
                          now=int(headers["x-coopbank-timestamp"]) + 301)
    entry_posted = [json.loads(b) for h, b in endpoint.received if h["x-coopbank-event"] == "ENTRY_POSTED"][0]
    assert str(posted.entry_id) in json.dumps(entry_posted)
    log = await WebhookAttempt.filter(delivery__subscription_id=sub.id, delivery__event__ref_id=posted.entry_id)
    assert [a.status_code for a in log] == [200, 200]


async def test_a_failing_endpoint_is_retried_with_backoff_and_can_be_replayed(db: str, endpoint: Endpoint) -> None:
    _, account, sub = await _subscribed(endpoint, ["entry.posted"])
    endpoint.status = 500
    await withdraw_cash(account_number=account, amount=inr("10.00"), initiator="test")
    await run_once()
    delivery = await WebhookDelivery.filter(subscription_id=sub.id).order_by("-id").first()
    assert (delivery.status, delivery.attempts) == (WebhookDeliveryStatus.PENDING, 1)
    assert delivery.next_attempt_at > datetime.now(UTC) + timedelta(seconds=25)
    assert [backoff(n).total_seconds() for n in (1, 2, 3, 12, 20)] == [30, 60, 120, 6 * 3600, 6 * 3600]
    endpoint.status = 200
    assert await send_due_webhooks(now=datetime.now(UTC) + timedelta(seconds=31)) == 1
    delivery = await WebhookDelivery.get(id=delivery.id)
    assert (delivery.status, delivery.attempts) == (WebhookDeliveryStatus.SUCCESS, 2)
    first, second = endpoint.received
    assert first[1] == second[1]  # a retry sends the same document
    assert first[0]["x-coopbank-delivery"] == second[0]["x-coopbank-delivery"]  # partners deduplicate on it
    # an admin replays it: delivered a third time
    await replay_delivery(delivery_id=delivery.id)
    assert await send_due_webhooks() == 1
    assert len(endpoint.received) == 3
    assert await WebhookAttempt.filter(delivery_id=delivery.id).count() == 3


async def test_an_endpoint_failing_for_a_day_is_disabled_with_a_notice(db: str, endpoint: Endpoint) -> None:
    _, account, sub = await _subscribed(endpoint, ["entry.posted"])
    endpoint.status = 503
    await WebhookSubscription.filter(id=sub.id).update(failing_since=datetime.now(UTC) - timedelta(hours=24, minutes=1))
    await withdraw_cash(account_number=account, amount=inr("10.00"), initiator="test")
    await run_once()
    sub = await WebhookSubscription.get(id=sub.id)
    assert not sub.is_active and "24 hours" in sub.disabled_reason
    assert (await WebhookDelivery.filter(subscription_id=sub.id).order_by("-id").first()).status == WebhookDeliveryStatus.FAILED
    notice = await Notification.get(kind="webhook_disabled")
    assert notice.staff_id is not None and "books" in notice.params
    delivery = await WebhookDelivery.filter(subscription_id=sub.id).order_by("-id").first()
    with pytest.raises(DomainError):
        await replay_delivery(delivery_id=delivery.id)  # enable it first
    await set_subscription_active(subscription_id=sub.id, active=True, actor="staff:1")
    endpoint.status = 200
    await replay_delivery(delivery_id=delivery.id)
    assert await send_due_webhooks() == 1


async def test_a_partner_acting_for_a_member_hears_only_about_that_member(db: str, endpoint: Endpoint) -> None:
    member, account, sub = await _subscribed(endpoint, ["entry.posted", "loan.overdue"], bound=True)
    _, other_account = await member_with_savings("500.00", name="Ravi Kumar")
    await run_once()
    endpoint.reset()
    await withdraw_cash(account_number=other_account, amount=inr("10.00"), initiator="test")
    async with in_transaction() as conn:
        await emit_event(event_type="loan.overdue", ref_id=7, payload={"member_id": member.id + 1000}, conn=conn)
    await run_once()
    assert endpoint.received == []
    await withdraw_cash(account_number=account, amount=inr("10.00"), initiator="test")
    await emit_event(event_type="loan.overdue", ref_id=8, payload={"member_id": member.id})
    await run_once()
    assert sorted(h["x-coopbank-event"] for h, _ in endpoint.received) == ["ENTRY_POSTED", "LOAN_OVERDUE"]


def test_target_urls_must_be_public_https(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("COOPBANK_WEBHOOKS_ALLOW_PRIVATE")
    assert check_target_url("https://partner.example.com/hooks") == "https://partner.example.com/hooks"
    for bad in ("http://partner.example.com/x", "https://127.0.0.1/x", "https://10.0.0.5/x", "https://localhost/x",
                "https://169.254.169.254/latest", "ftp://x.example.com", "/relative"):
        with pytest.raises(DomainError):
            check_target_url(bad)

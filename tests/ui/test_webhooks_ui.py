"""The admin's partner-webhooks page through NiceGUI's User fixture."""

from __future__ import annotations

import asyncio

from nicegui.testing import User

from bankcore.background import run_once
from bankcore.identity import passwords
from bankcore.models import PrincipalKind, WebhookDelivery, WebhookSubscription
from bankcore.services.money_movement import withdraw_cash
from tests.ledger.factory import inr
from tests.payments.factory import member_with_savings
from tests.ui.conftest import sign_in_as
from tests.webhooks.conftest import Endpoint, _private_targets, endpoint, make_admin, make_partner  # noqa: F401


async def test_an_admin_subscribes_a_partner_and_replays_a_delivery(user: User, endpoint: Endpoint) -> None:  # noqa: F811
    _, account = await member_with_savings("500.00")
    passwords.use_parameters(passwords.TEST_PARAMETERS)
    admin = await make_admin()
    await make_partner(admin)
    await sign_in_as(user, PrincipalKind.STAFF, admin.id)
    await user.open("/staff/webhooks")
    await user.should_see("No webhooks yet.")
    await user.should_see(marker="subscribe")
    user.find(marker="name").type("Books")
    user.find(marker="url").type(endpoint.url)
    user.find(marker="subscribe").click()
    await user.should_see("Subscribed. The signing secret, shown this once:")
    sub = await WebhookSubscription.get(name="Books")
    assert sub.events == "balance.changed entry.posted"
    await run_once()
    endpoint.reset()
    await withdraw_cash(account_number=account, amount=inr("10.00"), initiator="test")
    await run_once()
    assert len(endpoint.received) == 2
    await user.open("/staff/webhooks")
    await user.should_see(marker=f"deliveries {sub.id}")
    user.find(marker=f"deliveries {sub.id}").click()
    delivery = await WebhookDelivery.filter(subscription_id=sub.id).order_by("-id").first()
    await user.should_see(marker=f"replay {delivery.id}")
    user.find(marker=f"replay {delivery.id}").click()
    await user.should_see("Queued again.")
    await run_once()
    for _ in range(20):
        if len(endpoint.received) == 3:
            break
        await asyncio.sleep(0.05)
    assert len(endpoint.received) == 3
    user.find(marker=f"toggle {sub.id}").click()
    for _ in range(20):
        await asyncio.sleep(0.05)
        if not (await WebhookSubscription.get(id=sub.id)).is_active:
            break
    assert not (await WebhookSubscription.get(id=sub.id)).is_active

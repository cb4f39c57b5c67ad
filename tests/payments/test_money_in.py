"""Money in through the gateway simulator (a separate process): exactly one credit per payment,
whatever the webhooks do (duplicated, reordered, forged, late)."""

from __future__ import annotations

import json

import httpx

from bankcore.chart import GATEWAY_SETTLEMENT, gl_code
from bankcore.models import (
    Account,
    EntryType,
    GatewayEvent,
    GatewayEventOutcome,
    JournalEntry,
    LedgerAccount,
    PaymentOrder,
    PaymentOrderStatus,
    PaymentPurpose,
    Posting,
)
from bankcore.payments.orders import create_payment_order
from bankcore.payments.signatures import sign
from bankcore.verify import verify_ledger
from bankcore.money import Money
from tests.ledger.factory import inr
from tests.payments.conftest import WEBHOOK_SECRET, Sim
from tests.payments.factory import loan_for, member_with_savings


async def _balance(number: str) -> int:
    return (await LedgerAccount.get(id=(await Account.get(number=number)).ledger_account_id)).balance_minor


async def _credits(number: str) -> int:
    account = await Account.get(number=number)
    return await Posting.filter(ledger_account_id=account.ledger_account_id, side="C",
                                entry__entry_type=EntryType.INWARD_TRANSFER).count()


async def test_a_top_up_is_credited_once_under_duplicated_deliveries(db: str, sim: Sim) -> None:
    # given: a member's savings account and an order for ₹250.50
    _, number = await member_with_savings("1000.00")
    created = await create_payment_order(account_number=number, amount=inr("250.50"), purpose=PaymentPurpose.TOP_UP,
                                         idempotency_key="top-up-1", initiator="member:1")
    order = created.order
    assert order.gateway_order_id.startswith("order_") and order.status == PaymentOrderStatus.CREATED
    # when: the member pays, and the gateway delivers every event twice
    sim.control(payment_delivery="duplicate")
    since = sim.mark()
    sim.pay(order.gateway_order_id)
    deliveries = await sim.wait_deliveries(6, since=since)
    # then: credited once; the order is paid; each event recorded once
    assert [d["status"] for d in deliveries] == [200] * 6
    await order.refresh_from_db()
    assert order.status == PaymentOrderStatus.PAID and order.payment_id.startswith("pay_")
    assert await _balance(number) == 1_000_00 + 250_50
    assert await _credits(number) == 1
    assert await GatewayEvent.filter(entity_id=order.payment_id).count() == 3  # authorized, captured, order.paid
    gateway = await LedgerAccount.get(code=gl_code(GATEWAY_SETTLEMENT, "INR"))
    assert await Posting.filter(ledger_account_id=gateway.id, side="D").count() == 1
    assert (await verify_ledger()).ok
    # and: the same request again returns the same order, a different one with the key conflicts
    again = await create_payment_order(account_number=number, amount=inr("250.50"), purpose=PaymentPurpose.TOP_UP,
                                       idempotency_key="top-up-1", initiator="member:1")
    assert again.replayed and again.order.id == order.id


async def test_an_emi_payment_arrives_once_when_events_come_out_of_order(db: str, sim: Sim) -> None:
    # given: a member with a loan whose EMIs are collected from savings
    member, savings = await member_with_savings("100.00")
    loan_account = await loan_for(member, savings)
    created = await create_payment_order(account_number=loan_account, amount=inr("4442.40"),
                                         purpose=PaymentPurpose.LOAN_REPAYMENT, idempotency_key="emi-1", initiator="member")
    # when: captured arrives before authorized (reordered)
    sim.control(payment_delivery="out_of_order")
    since = sim.mark()
    sim.pay(created.order.gateway_order_id)
    deliveries = await sim.wait_deliveries(3, since=since)
    assert [d["event"] for d in deliveries[-3:]] == ["payment.captured", "order.paid", "payment.authorized"]
    # then: booked once to the loan's repayment account (see bankcore/payments/inward.py), order paid
    order = await PaymentOrder.get(id=created.order.id)
    assert order.status == PaymentOrderStatus.PAID
    assert await _balance(savings) == 100_00 + 4_442_40
    assert await _credits(savings) == 1
    late = await GatewayEvent.get(event_id=deliveries[-1]["event_id"])
    assert late.outcome == GatewayEventOutcome.IGNORED  # the late 'authorized' changes nothing


async def test_an_emi_paid_through_the_gateway_repays_the_loan_in_rbi_order(db: str, sim: Sim) -> None:
    from bankcore.models import LoanInstalment
    from tests.loans.factory import active_loan, borrower, loan_bank, move_to

    # given: a disbursed loan whose first instalment is due
    await loan_bank()
    b = await borrower(deposit="100.00")
    number = await active_loan(b)
    loan_id = (await Account.get(number=number).prefetch_related("loan")).loan.id
    first = await LoanInstalment.get(loan_id=loan_id, number=1)
    await move_to(first.due_date)
    emi = first.principal_minor + first.interest_minor
    created = await create_payment_order(account_number=number, amount=Money(emi, "INR"),
                                         purpose=PaymentPurpose.LOAN_REPAYMENT, idempotency_key="emi-gw", initiator="member")
    since = sim.mark()
    # when: the member pays at the gateway
    sim.pay(created.order.gateway_order_id)
    # All three events (authorized, captured, order.paid): one left in flight would land in the next
    # test's emptied database as a refused event (the forged-webhook test once counted it).
    await sim.wait_deliveries(3, since=since)
    # then: the instalment is paid (interest and principal), the savings untouched, the order paid
    row = await LoanInstalment.get(id=first.id)
    assert row.paid_on is not None and row.paid_interest_minor == first.interest_minor
    assert (await PaymentOrder.get(id=created.order.id)).status == PaymentOrderStatus.PAID
    assert (await verify_ledger()).ok


async def test_a_forged_webhook_is_refused_and_credits_nothing(db: str, sim: Sim) -> None:
    _, number = await member_with_savings("10.00")
    created = await create_payment_order(account_number=number, amount=inr("999.00"), purpose=PaymentPurpose.TOP_UP,
                                         idempotency_key="forge-1", initiator="member")
    # when: a captured payment for the order, signed with the wrong secret
    async with httpx.AsyncClient() as client:  # async: the simulator calls back into this event loop before answering
        result = (await client.post(f"{sim.url}/sim/forge", json={"order_id": created.order.gateway_order_id},
                                    timeout=10)).json()
    # then
    assert result["status"] == 401
    assert await _balance(number) == 10_00
    assert (await PaymentOrder.get(id=created.order.id)).status == PaymentOrderStatus.CREATED
    assert await GatewayEvent.all().count() == 0 and await JournalEntry.filter(entry_type=EntryType.INWARD_TRANSFER).count() == 0


def _event(order_id: str, amount: int, payment_id: str = "pay_TESTunknown001") -> bytes:
    return json.dumps({"entity": "event", "account_id": "acc_x", "event": "payment.captured", "contains": ["payment"],
                       "payload": {"payment": {"entity": {"id": payment_id, "entity": "payment", "amount": amount,
                                                          "currency": "INR", "status": "captured", "order_id": order_id,
                                                          "method": "upi"}}}, "created_at": 1}).encode()


async def _post(sim: Sim, body: bytes, *, event_id: str, secret: str = WEBHOOK_SECRET, **headers: str) -> httpx.Response:
    async with httpx.AsyncClient() as client:
        return await client.post(sim.webhook_url, content=body, headers={
            "x-razorpay-signature": sign(body, secret), "x-razorpay-event-id": event_id,
            "content-type": "application/json", **headers})


async def test_unknown_orders_and_differing_amounts_are_refused_and_recorded(db: str, sim: Sim) -> None:
    _, number = await member_with_savings("10.00")
    created = await create_payment_order(account_number=number, amount=inr("100.00"), purpose=PaymentPurpose.TOP_UP,
                                         idempotency_key="refuse-1", initiator="member")
    unknown = await _post(sim, _event("order_NOSUCHORDER0001", 10_000), event_id="evt_u1")
    differs = await _post(sim, _event(created.order.gateway_order_id, 1_000_000, "pay_TESTbigger00001"), event_id="evt_d1")
    assert (unknown.status_code, differs.status_code) == (200, 200)  # recorded: the gateway must not redeliver for a day
    outcomes = {e.event_id: (e.outcome, e.detail) for e in await GatewayEvent.all()}
    assert outcomes["evt_u1"] == (GatewayEventOutcome.REFUSED, "unknown order")
    assert outcomes["evt_d1"][0] == GatewayEventOutcome.REFUSED and "differs" in outcomes["evt_d1"][1]
    assert await _balance(number) == 10_00
    assert (await PaymentOrder.get(id=created.order.id)).status == PaymentOrderStatus.CREATED


async def test_altered_oversized_and_replayed_bodies(db: str, sim: Sim) -> None:
    _, number = await member_with_savings("10.00")
    created = await create_payment_order(account_number=number, amount=inr("100.00"), purpose=PaymentPurpose.TOP_UP,
                                         idempotency_key="sec-1", initiator="member")
    body = _event(created.order.gateway_order_id, 10_000, "pay_TESTsecurity001")
    # a body altered after signing (the amount): refused before parsing
    async with httpx.AsyncClient() as client:
        altered = await client.post(sim.webhook_url, content=body.replace(b"10000", b"99999"), headers={
            "x-razorpay-signature": sign(body, WEBHOOK_SECRET), "x-razorpay-event-id": "evt_alt"})
        missing = await client.post(sim.webhook_url, content=body, headers={"x-razorpay-event-id": "evt_nosig"})
        huge = await client.post(sim.webhook_url, content=b"{" + b" " * 70_000 + b"}", headers={
            "x-razorpay-signature": sign(b"x", WEBHOOK_SECRET)})
    assert (altered.status_code, missing.status_code, huge.status_code) == (401, 401, 413)
    assert await _balance(number) == 10_00
    # the genuine one credits; replaying it (same event id, or a new id for the same payment) does not
    assert (await _post(sim, body, event_id="evt_ok")).json()["status"] == "applied"
    assert (await _post(sim, body, event_id="evt_ok")).json()["status"] == "duplicate"
    assert (await _post(sim, body, event_id="evt_other")).json()["status"] == "ignored"
    assert await _balance(number) == 10_00 + 100_00
    assert await _credits(number) == 1

"""The day's settlement report from the simulator, reconciled: matched items clear, a planted
mismatch lands in suspense and shows in the ageing report."""

from __future__ import annotations

import asyncio
from datetime import date, timedelta

import httpx
import pytest

from bankcore.chart import GATEWAY_CHARGES, GATEWAY_SETTLEMENT, SUSPENSE, gl_code
from bankcore.errors import DomainError, ErrorCode
from bankcore.models import PaymentOrder, PaymentPurpose, Payout, PayoutMode, PayoutStatus, SuspenseItem
from bankcore.payments.orders import create_payment_order
from bankcore.payments.payees import add_payee
from bankcore.payments.payouts import dispatch_payout, submit_payout
from bankcore.payments.settlement import RECON_COLUMNS, lines_from_recon, parse_settlement_csv, reconcile_settlement
from bankcore.payments.suspense import age_items, bucket_of
from bankcore.reports.trial_balance import trial_balance
from bankcore.calendar.business_date import business_date
from bankcore.verify import verify_ledger
from tests.ledger.factory import inr
from tests.payments.conftest import Sim
from tests.payments.factory import member_with_savings


async def _gl_balance(code: str) -> int:
    from bankcore.reports.trial_balance import chart_balances

    balances = {b.code: b for b in await chart_balances(as_of=await business_date(), currency="INR")}
    return balances[gl_code(code, "INR")].balance_minor


async def test_the_days_settlement_reconciles_with_one_planted_mismatch_in_suspense(db: str, sim: Sim) -> None:
    # given: a top-up and a payout went through the gateway today
    member, number = await member_with_savings("5000.00")
    order = (await create_payment_order(account_number=number, amount=inr("1000.00"), purpose=PaymentPurpose.TOP_UP,
                                        idempotency_key="recon-in", initiator="member")).order
    since = sim.mark()
    sim.pay(order.gateway_order_id)
    await sim.wait_deliveries(3, since=since)
    payee = await add_payee(member_id=member.id, name="Ravi Iyer", ifsc="SBIN0001234", bank_account_number="123456789012")
    payout, _ = await submit_payout(account_number=number, payee_id=payee.id, amount=inr("400.00"), mode=PayoutMode.IMPS,
                                    idempotency_key="recon-out", initiator="member")
    await dispatch_payout(payout.id)
    for _ in range(200):
        if (await Payout.get(id=payout.id)).status == PayoutStatus.PROCESSED:
            break
        await asyncio.sleep(0.05)
    # and: the gateway's report carries one item the bank never booked
    day = sim.state()["today"]
    async with httpx.AsyncClient() as client:
        await client.post(f"{sim.url}/sim/settlement/plant", json={"day": day, "type": "payment",
                                                                    "entity_id": "pay_PLANTEDmismatch", "amount": 777_00})
        csv_text = (await client.post(f"{sim.url}/sim/settlement/{day}.csv")).text
    assert csv_text.splitlines()[0].split(",") == list(RECON_COLUMNS)
    lines = parse_settlement_csv(csv_text)
    assert {line.type for line in lines} == {"payment", "payout"} and len(lines) == 3
    fees_expected = sum(line.fee_minor + line.tax_minor for line in lines if line.entity_id != "pay_PLANTEDmismatch")
    # when
    run = await reconcile_settlement(gateway="sim", settlement_date=date.fromisoformat(day), lines=lines, initiator="test")
    # then: two matched, the planted one in suspense; charges booked once
    assert (run.rows, run.matched, run.unmatched, run.fees_minor) == (3, 2, 1, fees_expected)
    item = await SuspenseItem.get(run_id=run.id)
    assert (item.reference, item.amount_minor, item.kind) == ("pay_PLANTEDmismatch", 777_00, "payment")
    assert await _gl_balance(SUSPENSE) == 777_00
    assert await _gl_balance(GATEWAY_CHARGES) == fees_expected
    # the gateway settlement account: +1000 in, -400 out, -charges, +777 held for nobody yet
    assert await _gl_balance(GATEWAY_SETTLEMENT) == 1000_00 - 400_00 - fees_expected + 777_00
    # a second run for the date posts nothing more; the same report from the API matches the CSV
    again = await reconcile_settlement(gateway="sim", settlement_date=date.fromisoformat(day), lines=lines, initiator="test")
    assert again.id == run.id and await SuspenseItem.all().count() == 1
    d = date.fromisoformat(day)
    api_lines = lines_from_recon(await __import__("bankcore.payments.gateway", fromlist=["x"]).payment_gateway()
                                 .fetch_settlement_recon(year=d.year, month=d.month, day=d.day))
    assert sorted(api_lines, key=lambda x: x.entity_id) == sorted(lines, key=lambda x: x.entity_id)
    tb = await trial_balance(as_of=await business_date(), currency="INR")
    assert tb.total_debit_minor == tb.total_credit_minor
    assert (await verify_ledger()).ok
    assert (await PaymentOrder.get(id=order.id)).payment_id in {line.entity_id for line in lines}


async def test_a_settled_amount_that_differs_parks_the_difference(db: str, sim: Sim) -> None:
    member, number = await member_with_savings("100.00")
    order = (await create_payment_order(account_number=number, amount=inr("100.00"), purpose=PaymentPurpose.TOP_UP,
                                        idempotency_key="recon-diff", initiator="member")).order
    since = sim.mark()
    sim.pay(order.gateway_order_id)
    await sim.wait_deliveries(3, since=since)
    order = await PaymentOrder.get(id=order.id)
    csv_text = ",".join(RECON_COLUMNS) + "\n" + ",".join(
        {"entity_id": order.payment_id, "type": "payment", "amount": "9000", "currency": "INR", "fee": "0",
         "tax": "0"}.get(c, "") for c in RECON_COLUMNS) + "\n"
    run = await reconcile_settlement(gateway="sim", settlement_date=date(2030, 1, 2), lines=parse_settlement_csv(csv_text),
                                     initiator="test")
    item = await SuspenseItem.get(run_id=run.id)
    assert item.amount_minor == 9000 - 10000  # the gateway settles 1.00 less than the bank credited
    assert await _gl_balance(SUSPENSE) == -1000


def test_settlement_csv_refuses_decimals_and_missing_columns() -> None:
    with pytest.raises(DomainError) as decimals:
        parse_settlement_csv("entity_id,type,amount,currency,fee,tax\npay_1,payment,100.50,INR,0,0\n")
    assert decimals.value.code is ErrorCode.INVALID_INPUT and "row 2" in decimals.value.message
    with pytest.raises(DomainError):
        parse_settlement_csv("entity_id,type\npay_1,payment\n")


def test_suspense_ageing_buckets() -> None:
    as_of = date(2026, 3, 31)
    assert [bucket_of(n) for n in (0, 7, 8, 30, 31, 90, 91, -2)] == [
        "0-7 days", "0-7 days", "8-30 days", "8-30 days", "31-90 days", "31-90 days", "over 90 days", "0-7 days"]
    buckets = age_items([(1, as_of, 500), (2, as_of - timedelta(days=10), -200), (3, as_of - timedelta(days=100), 50)], as_of)
    assert [(b.label, b.count, b.credit_minor, b.debit_minor) for b in buckets] == [
        ("0-7 days", 1, 500, 0), ("8-30 days", 1, 0, 200), ("31-90 days", 0, 0, 0), ("over 90 days", 1, 50, 0)]

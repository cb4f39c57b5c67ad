"""A set-based batch's events reach this process's subscribers from its NOTIFY payloads (no relay)."""

from __future__ import annotations

import asyncio
from datetime import date

from bankcore.events import BalanceChanged, EntryPosted, EventBroker, encode_ledger_events
from bankcore.ledger import batch


def _payload(entry_id: int) -> str:
    return encode_ledger_events(entry_id=entry_id, entry_type="loan_repayment", value_date=date(2025, 3, 5),
                                ledger_account_ids=(7, 9, 40), balances={7: (1_000_00, "INR"), 9: (5_00, "INR")})


def test_a_batch_publishes_each_entry_and_its_balances_to_a_subscriber(monkeypatch) -> None:
    local = EventBroker()
    monkeypatch.setattr(batch, "broker", local)
    monkeypatch.setattr(batch, "relay_active", lambda: False)

    async def run() -> list:
        async with local.subscribe("account:7") as queue:
            batch.publish_payloads("loan_repayment", 2, [_payload(11), _payload(12)])
            return [queue.get_nowait() for _ in range(queue.qsize())]

    got = asyncio.run(run())
    # the entry and account 7's balance (account 9's goes to its own topic), for each entry in order
    assert [type(e) for e in got] == [EntryPosted, BalanceChanged] * 2
    assert [e.entry_id for e in got] == [11, 11, 12, 12]
    assert got[1] == BalanceChanged(ledger_account_id=7, entry_id=11, balance_minor=1_000_00, currency="INR")


def test_only_ledger_topics_count_as_an_audience_for_ledger_events() -> None:
    local = EventBroker()
    local.add_listener("sessions", lambda event: None)  # the auth cache's listener: no ledger events
    assert local.has_audience() and not local.has_audience("ledger", "account:")
    local.add_listener("ledger", lambda event: None)
    assert local.has_audience("ledger", "account:")

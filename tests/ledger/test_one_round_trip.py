"""PostgreSQL: a plain posting is one call of ``coopbank_post_entry`` (issue 15 item 1).

The rules themselves are the ledger's tests (test_services, test_concurrency, test_properties),
which run through this path on PostgreSQL for every posting without effects, hold or
caller's transaction; these tests pin what is particular to it.
"""

from __future__ import annotations

import asyncio
import json

import pytest

from bankcore.errors import DomainError, ErrorCode
from bankcore.events import encode_ledger_events
from bankcore.ledger.entry import EntryDraft, credit, debit
from bankcore.ledger.posting import post_entry
from bankcore.models import EntryType, JournalEntry, OutboxEvent
from bankcore.services._lookup import get_account
from bankcore.verify import verify_ledger
from tests.api.round_trips import counting_round_trips
from tests.ledger.factory import make_account, small_bank

pytestmark = pytest.mark.postgres


async def _pair(deposit: str = "100.00") -> tuple[int, int]:
    await small_bank()
    a = await get_account(await make_account("SB0", deposit=deposit))
    b = await get_account(await make_account("SB0"))
    return a.ledger_account_id, b.ledger_account_id


def _transfer(payer: int, payee: int, amount: int, key: str | None = None, fingerprint: str | None = None) -> EntryDraft:
    return EntryDraft(
        entry_type=EntryType.TRANSFER, value_date=None, narration="test", initiator="t",
        postings=(debit(payer, amount, "INR"), credit(payee, amount, "INR")),
        idempotency_key=key, request_fingerprint=fingerprint or (f"fp-{amount}" if key else None),
    )


async def test_a_posting_is_one_round_trip_and_writes_what_the_python_path_wrote(db: str) -> None:
    payer, payee = await _pair()
    await post_entry(_transfer(payer, payee, 1))  # account facts are cached per process after the first
    with counting_round_trips() as sent:
        posted = await post_entry(_transfer(payer, payee, 2_500))
    assert len(sent) == 1, str(sent)
    assert posted.balances_minor == {payer: 10_000 - 2_501, payee: 2_501}
    event = await OutboxEvent.get(topic="entry.posted", ref_id=posted.entry_id)
    assert event.payload == encode_ledger_events(
        entry_id=posted.entry_id, entry_type="transfer", value_date=posted.value_date,
        ledger_account_ids=tuple(sorted((payer, payee))),
        balances={payer: (10_000 - 2_501, "INR"), payee: (2_501, "INR")},
    )
    assert json.loads(event.payload)["b"] == [[payer, 7_499, "INR"], [payee, 2_501, "INR"]]
    assert (await verify_ledger()).ok


async def test_refusals_come_back_typed_and_write_nothing(db: str) -> None:
    payer, payee = await _pair("10.00")
    entries = await JournalEntry.all().count()
    with pytest.raises(DomainError) as refused:
        await post_entry(_transfer(payer, payee, 1_001))
    assert refused.value.code is ErrorCode.INSUFFICIENT_FUNDS and "insufficient funds" in refused.value.message
    first = await post_entry(_transfer(payer, payee, 1_000, key="k"))
    again = await post_entry(_transfer(payer, payee, 1_000, key="k"))
    assert again.replayed and again.entry_id == first.entry_id
    with pytest.raises(DomainError) as conflict:
        await post_entry(_transfer(payer, payee, 1_000, key="k", fingerprint="other"))
    assert conflict.value.code is ErrorCode.IDEMPOTENCY_CONFLICT
    assert await JournalEntry.all().count() == entries + 1


async def test_concurrent_first_attempts_with_one_key_post_once(db: str) -> None:
    payer, payee = await _pair()
    results = await asyncio.gather(*(post_entry(_transfer(payer, payee, 700, key="same")) for _ in range(6)))
    assert len({r.entry_id for r in results}) == 1 and sum(not r.replayed for r in results) == 1
    assert await JournalEntry.filter(idempotency_key="same").count() == 1
    assert (await verify_ledger()).ok

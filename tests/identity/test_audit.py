"""The hash-chained audit log: chain verifies, tampering is detected, queries page by keyset."""

from __future__ import annotations

from datetime import timedelta
from itertools import pairwise

import pytest
from tortoise.connection import get_connection
from tortoise.transactions import in_transaction

from bankcore.audit import GENESIS_HASH, append_audit, query_audit, seal_audit_chain, verify_audit_chain
from bankcore.errors import DomainError
from bankcore.models import AuditLog, AuditOutcome
from tests.identity.conftest import T0


async def _fill(count: int = 5) -> list[AuditLog]:
    rows = []
    for i in range(count):
        rows.append(await append_audit(
            actor=f"staff:{i % 2}", action="account.freeze" if i % 2 else "staff.sign_in",
            outcome=AuditOutcome.DENIED if i == 3 else AuditOutcome.OK, object_type="account",
            object_id=1000 + i, details={"n": i, "note": "नमस्ते"}, now=T0 + timedelta(minutes=i),
        ))
    # On PostgreSQL rows are appended unsealed; the chain covers them once the sealer has run.
    await seal_audit_chain()
    return await AuditLog.filter(id__in=[r.id for r in rows]).order_by("id")


def _is_postgres() -> bool:
    return get_connection("default").capabilities.dialect == "postgres"


async def test_chain_links_and_verifies(db: str) -> None:
    rows = await _fill()
    assert rows[0].prev_hash == GENESIS_HASH
    assert all(b.prev_hash == a.hash for a, b in pairwise(rows))
    assert await verify_audit_chain() == []


async def test_concurrent_appends_never_fork(db: str) -> None:
    import asyncio

    await asyncio.gather(*(append_audit(actor="cli", action="test.parallel", outcome="ok") for _ in range(20)))
    await seal_audit_chain()
    assert await verify_audit_chain() == []
    assert await AuditLog.filter(prev_hash=GENESIS_HASH).count() == 1


async def _tamper(sql: str) -> None:
    conn = get_connection("default")
    if _is_postgres():
        # The append-only trigger refuses this; a superuser with the trigger off is the threat modelled.
        async with in_transaction() as tx:
            await tx.execute_script("ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only")
            await tx.execute_script(sql)
            await tx.execute_script("ALTER TABLE audit_log ENABLE TRIGGER audit_log_append_only")
    else:
        await conn.execute_script(sql)


async def test_altered_row_is_detected(db: str) -> None:
    rows = await _fill()
    await _tamper(f"UPDATE audit_log SET outcome = 'ok' WHERE id = {rows[3].id}")
    assert await verify_audit_chain() == [f"audit row {rows[3].id}: hash does not match its contents (row was altered)"]


async def test_deleted_row_is_detected(db: str) -> None:
    rows = await _fill()
    await _tamper(f"DELETE FROM audit_log WHERE id = {rows[2].id}")
    assert await verify_audit_chain() == [
        f"audit row {rows[3].id}: prev_hash does not match the hash of row {rows[1].id}"
    ]


@pytest.mark.postgres
async def test_postgres_refuses_update_and_delete(db: str) -> None:
    rows = await _fill(2)
    conn = get_connection("default")
    for sql in (f"UPDATE audit_log SET actor = 'x' WHERE id = {rows[0].id}", f"DELETE FROM audit_log WHERE id = {rows[1].id}"):
        with pytest.raises(Exception, match="append-only"):
            await conn.execute_script(sql)
    assert await verify_audit_chain() == []


async def test_query_filters_and_keyset_pages(db: str) -> None:
    rows = await _fill(7)
    first = await query_audit(limit=3)
    assert [e.id for e in first.entries] == [r.id for r in rows[6:3:-1]]
    second = await query_audit(limit=3, before_id=first.next_before_id)
    third = await query_audit(limit=3, before_id=second.next_before_id)
    assert [e.id for e in second.entries + third.entries] == [r.id for r in rows[3::-1]]
    assert third.next_before_id is None
    assert {e.actor for e in (await query_audit(actor="staff:1")).entries} == {"staff:1"}
    assert [e.id for e in (await query_audit(outcome="denied")).entries] == [rows[3].id]
    assert len((await query_audit(action="account.freeze")).entries) == 3
    window = await query_audit(occurred_from=T0 + timedelta(minutes=2), occurred_to=T0 + timedelta(minutes=4))
    assert [e.details["n"] for e in window.entries] == [3, 2]
    with pytest.raises(DomainError):
        await query_audit(limit=0)
    with pytest.raises(DomainError):
        await append_audit(actor="", action="x", outcome="ok")


async def test_reordered_sealed_rows_are_detected(db: str) -> None:
    rows = await _fill()
    a, b = rows[1], rows[2]
    await _tamper(
        f"UPDATE audit_log SET seal_seq = -1 WHERE id = {a.id}; "
        f"UPDATE audit_log SET seal_seq = {a.seal_seq} WHERE id = {b.id}; "
        f"UPDATE audit_log SET seal_seq = {b.seal_seq} WHERE id = {a.id}"
    )
    problems = await verify_audit_chain()
    assert f"audit row {b.id}: prev_hash does not match the hash of row {rows[0].id}" in problems


async def test_a_removed_seal_is_detected(db: str) -> None:
    rows = await _fill()
    await _tamper(f"UPDATE audit_log SET seal_seq = NULL WHERE id = {rows[4].id}")
    report = await verify_audit_chain()
    assert report == [f"audit row {rows[4].id}: carries a hash but has no place in the chain (its seal was removed)"]
    assert report.unsealed == 1


@pytest.mark.postgres
async def test_unsealed_tail_is_reported_then_sealed(db: str) -> None:
    # given three rows appended without a sealer run
    appended = [await append_audit(actor="cli", action="test.tail", outcome="ok") for _ in range(3)]
    # when the chain is verified
    report = await verify_audit_chain()
    # then the tail is reported (not a broken link), and the next seal chains all of it
    assert report == [] and (report.sealed, report.unsealed) == (0, 3)
    assert report.oldest_unsealed_id == appended[0].id and report.oldest_unsealed_at == appended[0].occurred_at
    assert await seal_audit_chain() == 3
    report = await verify_audit_chain()
    assert report == [] and (report.sealed, report.unsealed, report.oldest_unsealed_id) == (3, 0, None)


@pytest.mark.postgres
async def test_a_row_committed_after_a_later_id_was_sealed_is_chained_not_lost(db: str) -> None:
    import asyncio

    # given a transaction holding an appended row (a low id) open while a later row commits and is sealed
    appended, release = asyncio.Event(), asyncio.Event()

    async def slow_request() -> int:
        async with in_transaction():
            row = await append_audit(actor="cli", action="test.slow", outcome="ok")
            appended.set()
            await release.wait()
        return row.id

    slow = asyncio.create_task(slow_request())
    await appended.wait()
    fast = await append_audit(actor="cli", action="test.fast", outcome="ok")
    assert await seal_audit_chain() == 1
    # when the slow transaction commits and the sealer runs again
    release.set()
    slow_id = await slow
    assert await seal_audit_chain() == 1
    # then the lower id is chained after the higher one, and the chain is whole
    assert slow_id < fast.id
    order = await AuditLog.all().order_by("seal_seq").values_list("id", flat=True)
    assert order == [fast.id, slow_id]
    report = await verify_audit_chain()
    assert report == [] and (report.sealed, report.unsealed) == (2, 0)


@pytest.mark.postgres
async def test_concurrent_appends_and_sealers_neither_fork_nor_lose_rows(db: str) -> None:
    import asyncio

    from bankcore.background import run_once

    async def client(n: int) -> None:
        for i in range(10):
            async with in_transaction():
                await append_audit(actor=f"cli:{n}", action="test.storm", outcome="ok", details={"i": i})
                await asyncio.sleep(0)  # let other clients and the sealers in while this one is open

    async def sealer() -> int:
        sealed = 0
        for _ in range(15):
            sealed += await seal_audit_chain(wait=False, batch=7)
            await asyncio.sleep(0)
        return sealed

    results = await asyncio.gather(*(client(n) for n in range(8)), sealer(), sealer())
    background = await run_once()
    sealed_now = await seal_audit_chain()
    # every row sealed exactly once, in one unforked chain with places 1..80
    assert sum(r for r in results if r is not None) + background.audit_sealed + sealed_now == 80
    assert await AuditLog.all().order_by("seal_seq").values_list("seal_seq", flat=True) == list(range(1, 81))
    assert await AuditLog.filter(prev_hash=GENESIS_HASH).count() == 1
    report = await verify_audit_chain()
    assert report == [] and (report.sealed, report.unsealed) == (80, 0)


@pytest.mark.postgres
async def test_postgres_lets_only_the_sealing_update_through(db: str) -> None:
    sealed = (await _fill(1))[0]
    unsealed = await append_audit(actor="cli", action="test.open", outcome="ok")
    conn = get_connection("default")
    for sql in (
        f"UPDATE audit_log SET seal_seq = NULL, prev_hash = NULL, hash = NULL WHERE id = {sealed.id}",
        f"UPDATE audit_log SET seal_seq = 99, prev_hash = '{'0' * 64}', hash = '{'1' * 64}', actor = 'x' "
        f"WHERE id = {unsealed.id}",
        f"UPDATE audit_log SET actor = 'x' WHERE id = {unsealed.id}",
    ):
        with pytest.raises(Exception, match="append-only"):
            await conn.execute_script(sql)
    assert await seal_audit_chain() == 1
    assert await verify_audit_chain() == []

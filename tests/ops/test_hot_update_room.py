"""Migration 0035 leaves room in the pages of ``ledger_account`` and ``loan_instalment`` (PostgreSQL).

A balance update or a penal charge paid on an instalment row is a heap-only update only
when the row's page has room for the new version; the fill factors are what give it."""

from __future__ import annotations

import pytest
from tortoise.connection import get_connection

pytestmark = pytest.mark.postgres


async def _fillfactors() -> dict[str, list[str] | None]:
    found = await get_connection("default").execute_query_dict(
        "SELECT relname, reloptions FROM pg_class WHERE relname IN ('ledger_account', 'loan_instalment', 'loan') "
        "AND relkind = 'r'")
    return {r["relname"]: r["reloptions"] for r in found}


async def test_the_tables_day_end_rewrites_keep_room_for_heap_only_updates(db: str) -> None:
    assert await _fillfactors() == {"ledger_account": ["fillfactor=50"], "loan_instalment": ["fillfactor=75"],
                                    "loan": ["fillfactor=70"]}


async def test_a_balance_update_on_a_page_filled_by_inserts_stays_heap_only(db: str) -> None:
    """Inserts stop at the fill factor, so half a page's rows (a due date's collection
    rewrites 40 % of the accounts) can each be rewritten in place: before 0035 the pages
    were full and each new version went to another page, with an entry in every index."""
    conn = get_connection("default")
    await conn.execute_script(
        "INSERT INTO ledger_account (code, name, kind, currency, is_control, tracks_balance, balance_minor, held_minor, "
        "created_at) SELECT 'HOT-' || g, 'room test', 'liability', 'INR', false, true, 0, 0, now() "
        "FROM generate_series(1, 400) g")
    found = await conn.execute_query_dict(
        "WITH u AS (UPDATE ledger_account SET balance_minor = balance_minor + 1 WHERE code LIKE 'HOT-%' AND id % 2 = 0 RETURNING 1) "
        "SELECT (SELECT count(*) FROM u) AS updated")
    assert found[0]["updated"] == 200
    hot = await conn.execute_query_dict(
        "SELECT pg_stat_get_xact_tuples_hot_updated('ledger_account'::regclass) AS hot")
    assert hot[0]["hot"] >= 190  # (before 0035 the pages were full: none was)

"""Migration 0034 puts back the ledger indexes a crashed bulk import of the old code could leave missing."""

from __future__ import annotations

import importlib
from types import SimpleNamespace

import pytest
from tortoise.connection import get_connection

pytestmark = pytest.mark.postgres

_0034 = importlib.import_module("migrations.0034_restore_ledger_indexes")


async def _indexes() -> set[str]:
    found = await get_connection("default").execute_query_dict(
        "SELECT indexname FROM pg_indexes WHERE tablename IN ('posting', 'journal_entry')")
    return {r["indexname"] for r in found}


async def test_the_migration_restores_both_indexes_and_is_a_no_op_on_a_healthy_bank(db: str) -> None:
    conn = get_connection("default")
    healthy = await _indexes()
    assert {"posting_account_date_idx", "journal_entry_source_ref_key"} <= healthy
    await conn.execute_script("DROP INDEX posting_account_date_idx; DROP INDEX journal_entry_source_ref_key")
    assert "posting_account_date_idx" not in await _indexes()
    await _0034.forward(None, SimpleNamespace(client=conn))
    assert await _indexes() == healthy
    await _0034.forward(None, SimpleNamespace(client=conn))  # again: nothing changes
    assert await _indexes() == healthy
    # and the restored source_ref index is unique for imported references only
    found = await conn.execute_query_dict("SELECT indexdef FROM pg_indexes WHERE indexname = 'journal_entry_source_ref_key'")
    assert "UNIQUE" in found[0]["indexdef"] and "IS NOT NULL" in found[0]["indexdef"]

"""The whole Berka import on a real database (SQLite or PostgreSQL, see tests/conftest.py)."""

from __future__ import annotations

import csv
import gzip
import io
import os
import re
import subprocess
import sys
from collections import defaultdict
from decimal import Decimal

import pytest
from tortoise.connection import get_connection

from bankcore.berka.importer import LOAN_PRODUCT, SAVINGS_PRODUCT, import_berka
from bankcore.models import (
    Account,
    AccountHolder,
    Branch,
    Card,
    JournalEntry,
    LedgerAccount,
    Loan,
    Member,
    Posting,
    StandingOrder,
)
from bankcore.verify import verify_ledger
from tests.conftest import BERKA_DIR, needs_full_berka

pytestmark = [pytest.mark.slow, needs_full_berka]
# Loans granted on or before the data's last day (1994-02-28 in ../shared): the rest wait, sanctioned.
DISBURSED = 31


def _file_balances() -> dict[int, int]:
    """Credits minus debits per account, straight from trans.asc.gz (integers, minor units)."""
    totals: dict[int, int] = defaultdict(int)
    with gzip.open(BERKA_DIR / "trans.asc.gz", "rt", newline="") as handle:
        reader = csv.DictReader(handle, delimiter=";")
        for row in reader:
            cents = int(Decimal(row["amount"]) * 100)
            assert Decimal(cents) / 100 == Decimal(row["amount"])  # no hidden third decimal
            totals[int(row["account_id"])] += cents if row["type"] == "PRIJEM" else -cents
    return totals


async def _counts() -> dict[str, int]:
    return {
        "branches": await Branch.all().count(),
        "members": await Member.all().count(),
        "savings": await Account.filter(product__code=SAVINGS_PRODUCT).count(),
        "loan_accounts": await Account.filter(product__code=LOAN_PRODUCT).count(),
        "loans": await Loan.all().count(),
        "holders": await AccountHolder.all().count(),
        "orders": await StandingOrder.all().count(),
        "cards": await Card.all().count(),
        "trans_entries": await JournalEntry.filter(source_ref__startswith="berka-trans:").count(),
        "entries": await JournalEntry.all().count(),
        "postings": await Posting.all().count(),
        "ledger_accounts": await LedgerAccount.all().count(),
    }


async def test_full_berka_import(db: str) -> None:
    events = []
    report = await import_berka(path=BERKA_DIR, progress=events.append)
    assert {"members", "savings accounts", "journal entries", "reconciliation"} <= {e.stage for e in events}
    assert any(e.stage == "journal entries" and e.final and e.done == 42945 + DISBURSED for e in events)

    counts = await _counts()
    assert counts["branches"] == 77
    assert counts["members"] == 5369
    assert counts["savings"] == 4500
    assert counts["loans"] == 682 and counts["loan_accounts"] == 682
    assert counts["holders"] == 5369
    assert counts["orders"] == 6471
    assert counts["cards"] == 892
    assert counts["trans_entries"] == 42945
    # + one disbursal per loan granted by the data's last day (later ones wait, sanctioned, for day-end)
    assert counts["entries"] == 42945 + DISBURSED
    assert counts["postings"] == 2 * counts["entries"]

    # Every savings account's ledger balance is its credits minus debits in the file.
    expected = _file_balances()
    rows = await get_connection("default").execute_query_dict(
        "SELECT a.source_ref, la.balance_minor FROM account a JOIN ledger_account la ON la.id = a.ledger_account_id "
        "WHERE a.source_ref LIKE 'berka:%'"
    )
    assert len(rows) == 4500
    for row in rows:
        account_id = int(row["source_ref"].split(":")[1])
        assert int(row["balance_minor"]) == expected.get(account_id, 0), row["source_ref"]

    # Every entry balances, every cached balance equals its postings (the lead's verify).
    verified = await verify_ledger()
    assert verified.ok, verified.problems
    assert verified.entries == counts["entries"]

    # The reconciliation lists the data's rounding, and only that.
    rec = report.reconciliation
    assert rec.accounts == 4500 + 682
    assert not rec.cache_faults
    assert not rec.unexplained
    assert not report.unchained_accounts
    assert all(a.source_ref.startswith("berka:") for a in rec.differences)
    assert 0 < len(rec.differences) < 1197

    # A second run adds nothing.
    again = await import_berka(path=BERKA_DIR)
    assert again.inserted == 0
    assert await _counts() == counts

    # `coopbank balances --format csv` on this database.
    out = subprocess.run(
        [sys.executable, "-m", "coopbank.cli", "balances", "--format", "csv"],
        env={**os.environ, "DATABASE_URL": db}, capture_output=True, text=True, check=True, timeout=120,
    ).stdout
    lines = list(csv.reader(io.StringIO(out)))
    assert lines[0] == ["account_number", "source_ref", "currency", "balance"]
    assert len(lines) == 1 + 4500 + 682
    assert [line[0] for line in lines[1:]] == sorted(line[0] for line in lines[1:])
    assert all(re.fullmatch(r"-?\d+\.\d\d", line[3]) and line[2] == "CZK" for line in lines[1:])
    by_ref = {line[1]: line[3] for line in lines[1:]}
    lowest = min(expected, key=expected.get)  # the deepest overdraft, -5446.60 in the subset
    assert by_ref[f"berka:{lowest}"] == f"-{abs(expected[lowest]) // 100}.{abs(expected[lowest]) % 100:02d}"

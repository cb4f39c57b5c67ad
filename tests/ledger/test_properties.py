"""Hypothesis: after any sequence of operations the ledger's invariants hold."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bankcore.errors import DomainError
from bankcore.models import JournalEntry, LedgerAccount
from bankcore.money import Money
from bankcore.services.money_movement import deposit_cash, reverse_entry, transfer_funds, withdraw_cash
from bankcore.verify import verify_ledger
from tests.conftest import BACKEND, truncate_all
from tests.ledger.factory import make_account, small_bank

ACCOUNTS = 4
amounts = st.integers(min_value=-5, max_value=200_000)  # zero and negatives must be refused
operations = st.lists(
    st.one_of(
        st.tuples(st.just("deposit"), st.integers(0, ACCOUNTS - 1), amounts),
        st.tuples(st.just("withdraw"), st.integers(0, ACCOUNTS - 1), amounts),
        st.tuples(st.just("transfer"), st.integers(0, ACCOUNTS - 1), st.integers(0, ACCOUNTS - 1), amounts),
        st.tuples(st.just("reverse"), st.integers(0, 30)),
    ),
    min_size=1,
    max_size=25,
)


# Fewer examples on PostgreSQL: the generated sequences explore the rules on the SQLite pass; the
# PostgreSQL pass checks the same invariants against its locking and SQL (each example is a fresh bank).
@settings(max_examples=40 if BACKEND == "sqlite" else 12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ops=operations)
async def test_invariants_hold_after_any_operations(db: str, ops: list[tuple]) -> None:
    from bankcore.ledger.account_facts import forget_cached_facts
    from bankcore.services._lookup import forget_cached_account_keys, forget_cached_gl_ids

    await truncate_all()
    forget_cached_facts()
    forget_cached_gl_ids()
    forget_cached_account_keys()
    await small_bank()
    # Each account starts at or above its floor, so "never below the floor" is the invariant.
    numbers = [
        await make_account("SB" if i == 0 else ("CA" if i == 1 else "SB0"), deposit="1000.00") for i in range(ACCOUNTS)
    ]
    expected = {n: 100_000 for n in numbers}
    entries: list[int] = []
    for op in ops:
        try:
            if op[0] == "deposit":
                posted = await deposit_cash(account_number=numbers[op[1]], amount=Money(op[2], "INR"), initiator="p")
                expected[numbers[op[1]]] += op[2]
            elif op[0] == "withdraw":
                posted = await withdraw_cash(account_number=numbers[op[1]], amount=Money(op[2], "INR"), initiator="p")
                expected[numbers[op[1]]] -= op[2]
            elif op[0] == "transfer":
                posted = await transfer_funds(from_account_number=numbers[op[1]], to_account_number=numbers[op[2]],
                                              amount=Money(op[3], "INR"), initiator="p")
                expected[numbers[op[1]]] -= op[3]
                expected[numbers[op[2]]] += op[3]
            else:
                if not entries:
                    continue
                target = entries[op[1] % len(entries)]
                posted = await reverse_entry(entry_id=target, reason="property", initiator="p")
                for p in posted.postings:
                    code = (await LedgerAccount.get(id=p.ledger_account_id)).code
                    if code in expected:
                        expected[code] += p.amount_minor if p.side == "C" else -p.amount_minor
            entries.append(posted.entry_id)
        except DomainError:
            pass
    report = await verify_ledger()
    assert report.ok, report.problems
    balances = dict(await LedgerAccount.filter(code__in=numbers).values_list("code", "balance_minor"))
    assert balances == expected
    floors = dict(await LedgerAccount.filter(code__in=numbers).values_list("code", "floor_minor"))
    assert all(balances[n] >= floors[n] for n in numbers)
    # Only successful operations were written (plus the opening deposits).
    assert await JournalEntry.all().count() == len(entries) + ACCOUNTS

"""Pure tests of the same-day order resolution (no database)."""

from __future__ import annotations

from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from bankcore.berka.ordering import (
    DEFAULT_TOLERANCE_MINOR,
    _search_day,
    heuristic_key,
    posting_sequence,
    resolve_account,
    resolve_all,
    resolve_day,
)
from bankcore.berka.parse import Transaction, read_transactions
from tests.conftest import BERKA_DIR, needs_full_berka

D1 = date(1993, 1, 31)
D2 = date(1993, 2, 1)


def tx(trans_id: int, amount: int, balance: int, *, on: date = D1, k: str | None = None, account: int = 1) -> Transaction:
    """A row with signed ``amount`` (minor units): positive is PRIJEM, negative VYDAJ."""
    kind = "PRIJEM" if amount > 0 else "VYDAJ"
    operation = None if k == "UROK" else ("VKLAD" if amount > 0 else "VYBER")
    return Transaction(trans_id, account, on, kind, operation, abs(amount), balance, k, None, None)


def ids(rows) -> list[int]:
    return [r.row.trans_id for r in rows]


def test_single_row_chains_from_zero() -> None:
    order = resolve_account(1, [tx(1, 70000, 70000)])
    assert order.chained and ids(order.rows) == [1]
    assert order.rows[0].step_minor == 0 and order.last_data_balance_minor == 70000


def test_interest_before_fee_although_its_id_is_higher() -> None:
    # file order: fee (id 10) then interest (id 99); the balances say interest came first
    rows = [tx(1, 100000, 100000, on=D2.replace(day=1, month=1)), tx(10, -1460, 98870), tx(99, 330, 100330, k="UROK")]
    order = resolve_account(1, rows)
    assert order.chained
    assert ids(order.rows) == [1, 99, 10]
    assert [r.step_minor for r in order.rows] == [0, 0, 0]


def test_order_that_is_neither_file_nor_id_order() -> None:
    opening = 50000
    rows = [tx(3, -20000, 40000), tx(1, 10000, 60000), tx(2, 5000, 45000)]
    ordered, chained = resolve_day(rows, opening)
    assert chained and ids(ordered) == [1, 3, 2]


def test_rounding_step_of_ten_minor_units_is_allowed_and_reported() -> None:
    # interest of 3.37 recorded, but the balance moved by 3.47 (source rounding)
    rows = [tx(1, 100000, 100000, on=date(1993, 1, 5)), tx(2, 337, 100347, k="UROK")]
    order = resolve_account(1, rows)
    assert order.chained
    assert [r.step_minor for r in order.rows] == [0, 10]
    assert order.rounding_steps == 1 and order.rounding_total_minor == 10


def test_exact_chain_is_preferred_over_one_with_rounding() -> None:
    # 1, 2, 3 chains with two 0.10 steps (1000 -> 1020 -> 1030 (-10) -> 1010 (-10));
    # 1, 3, 2 chains exactly (1000 -> 1020 -> 1010 -> 1030): that one wins.
    rows = [tx(1, 20, 1020), tx(2, 20, 1030), tx(3, -10, 1010)]
    ordered, chained = resolve_day(rows, 1000)
    assert chained and ids(ordered) == [1, 3, 2]
    assert [r.step_minor for r in ordered] == [0, 0, 0]


def test_backtracking_out_of_a_dead_end() -> None:
    # From 100 the heuristic tries credits first: row 2 (+30 -> 130) fits exactly, but
    # then nothing fits (130 - 50 != 50, 130 + 50 != 100), so the search must backtrack
    # to the only chain: 3 (-50 -> 50), 1 (+50 -> 100), 2 (+30 -> 130).
    rows = [tx(1, 50, 100), tx(2, 30, 130), tx(3, -50, 50)]
    ordered, chained = resolve_day(rows, 100)
    assert chained and ids(ordered) == [3, 1, 2]
    assert [r.step_minor for r in ordered] == [0, 0, 0]


def test_no_chain_falls_back_to_the_heuristic_and_says_so() -> None:
    rows = [tx(5, -1460, 500, k="SLUZBY"), tx(7, 330, 99999, k="UROK"), tx(6, -100, 12345)]
    ordered, chained = resolve_day(rows, 1000)
    assert not chained
    assert ids(ordered) == sorted([5, 6, 7], key=lambda i: heuristic_key(next(r for r in rows if r.trans_id == i)))
    assert ids(ordered) == [7, 6, 5]
    order = resolve_account(1, rows)
    assert not order.chained and order.unchained_days == (D1,)


def test_rows_of_another_account_are_refused() -> None:
    import pytest

    with pytest.raises(ValueError):
        resolve_account(1, [tx(1, 100, 100, account=2)])


def test_posting_sequence_is_by_date_then_account_then_resolved_order() -> None:
    a = [tx(1, 100, 100, account=2, on=D1), tx(9, 50, 150, account=2, on=D2), tx(8, 20, 170, account=2, on=D2)]
    b = [tx(2, 300, 300, account=1, on=D2)]
    orders = resolve_all(a + b)
    assert list(orders) == [1, 2]
    assert [r.row.trans_id for r in posting_sequence(orders.values())] == [1, 2, 9, 8]


@needs_full_berka
def test_every_account_of_the_real_file_chains() -> None:
    rows = list(read_transactions(BERKA_DIR / "trans.asc.gz"))
    orders = resolve_all(rows)
    assert len(orders) == 1197
    assert all(o.chained for o in orders.values()), [o.account_id for o in orders.values() if not o.chained]
    assert all(abs(r.step_minor) <= 10 for o in orders.values() for r in o.rows)
    steps = sum(o.rounding_steps for o in orders.values())
    # "about 5% of rows are off by exactly 0.10 CZK"
    assert 0.03 * len(rows) < steps < 0.07 * len(rows)
    # The exact replay (sum of amounts) plus the steps is the data's own last balance.
    for o in orders.values():
        assert sum(r.row.signed_minor for r in o.rows) + o.rounding_total_minor == o.last_data_balance_minor


@settings(deadline=None, max_examples=300)
@given(opening=st.integers(-50, 50), steps=st.lists(
    st.tuples(st.integers(-60, 60).filter(bool), st.sampled_from([0, 0, 0, 10, -10, 20]),
              st.sampled_from([None, "UROK", "SLUZBY"])), min_size=1, max_size=5), shuffle=st.randoms())
def test_the_shortcuts_give_what_the_search_alone_gives(opening: int, steps: list, shuffle) -> None:
    # given one day's rows chaining (or not) from the opening balance, in any file order
    rows, balance = [], opening
    for i, (amount, step, k) in enumerate(steps):
        balance += amount + step
        rows.append(tx(i + 1, amount, balance, k=k))
    shuffle.shuffle(rows)
    # then the one-row and heuristic-order shortcuts agree with the search over the heuristic order
    assert resolve_day(rows, opening) == _search_day(sorted(rows, key=heuristic_key), opening, DEFAULT_TOLERANCE_MINOR)

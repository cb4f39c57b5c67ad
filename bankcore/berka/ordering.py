"""Same-day posting order of Berka transactions, rebuilt from the balance column: pure.

``trans.balance`` is the balance right after each row, but within one day neither file
order nor ``trans_id`` order is the order the bank computed it in (month-end interest
``UROK`` comes before the fee ``SLUZBY`` although its ``trans_id`` is higher). There is
an order in which every account's balances form a chain from 0: each balance is the
previous one plus the row's signed amount, except that about 5% of rows (mostly
interest) are off by exactly 0.10 CZK of rounding in the source.

For each account and day this module searches (depth-first with backtracking; a day
holds at most a handful of rows per account) for an order of the day's rows that chains
from the previous day's last balance, first with no rounding step at all, then allowing
one, two, ... steps of at most ``tolerance_minor``. A day with no such order falls back
to ``heuristic_key`` (credits before debits, interest ``UROK`` before the fee
``SLUZBY``, then ``trans_id``) and is reported in ``AccountOrder.unchained_days``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from itertools import groupby

from bankcore.berka.parse import Transaction

# The source rounds to 0.10 CZK: 10 minor units.
DEFAULT_TOLERANCE_MINOR = 10
# Depth-first nodes tried per day before giving up on a chain (a day is small; this only
# guards against a pathological input of many same-amount rows).
MAX_SEARCH_NODES = 200_000


@dataclass(frozen=True, slots=True)
class OrderedRow:
    """A transaction in resolved order, with the data set's own balance after it.

    ``step_minor`` is the rounding the source applied on this row:
    ``data_balance_minor - (previous data balance + row.signed_minor)``; 0 when exact.
    """

    row: Transaction
    data_balance_minor: int
    step_minor: int


@dataclass(frozen=True, slots=True)
class AccountOrder:
    """One account's transactions in resolved order.

    ``unchained_days`` lists the days where no chain existed and the heuristic order was
    used; there a ``step_minor`` may be larger than the tolerance.
    """

    account_id: int
    rows: tuple[OrderedRow, ...]
    unchained_days: tuple[date, ...] = ()

    @property
    def chained(self) -> bool:
        """True when every day chained within the tolerance."""
        return not self.unchained_days

    @property
    def rounding_steps(self) -> int:
        """How many rows carry a non-zero rounding step."""
        return sum(1 for r in self.rows if r.step_minor)

    @property
    def rounding_total_minor(self) -> int:
        """Sum of the steps: the data's last balance minus the exact sum of amounts."""
        return sum(r.step_minor for r in self.rows)

    @property
    def last_data_balance_minor(self) -> int:
        """The data set's balance after the account's last row (0 with no rows)."""
        return self.rows[-1].data_balance_minor if self.rows else 0


def heuristic_key(row: Transaction) -> tuple[int, int, int]:
    """Fallback same-day order: credits before debits, UROK before SLUZBY, then trans_id."""
    purpose_rank = {"UROK": 0, "SLUZBY": 2}.get(row.k_symbol or "", 1)
    return (0 if row.sign > 0 else 1, purpose_rank, row.trans_id)


def _chain_day(
    rows: Sequence[Transaction], opening: int, budget: int, tolerance: int
) -> list[OrderedRow] | None:
    """An order of ``rows`` chaining from ``opening`` with at most ``budget`` rounding steps."""
    used = [False] * len(rows)
    path: list[OrderedRow] = []
    nodes = 0

    def dfs(previous: int, budget_left: int) -> bool:
        nonlocal nodes
        if len(path) == len(rows):
            return True
        nodes += 1
        if nodes > MAX_SEARCH_NODES:
            return False
        # Exact matches first so the first chain found uses as few steps as possible.
        for want_exact in (True, False):
            if not want_exact and budget_left == 0:
                break
            for i, row in enumerate(rows):
                if used[i]:
                    continue
                step = row.balance_minor - previous - row.signed_minor
                if want_exact != (step == 0) or abs(step) > tolerance:
                    continue
                used[i] = True
                path.append(OrderedRow(row, row.balance_minor, step))
                if dfs(row.balance_minor, budget_left - (step != 0)):
                    return True
                path.pop()
                used[i] = False
        return False

    return list(path) if dfs(opening, budget) else None


def resolve_day(
    rows: Sequence[Transaction], opening_minor: int, *, tolerance_minor: int = DEFAULT_TOLERANCE_MINOR
) -> tuple[list[OrderedRow], bool]:
    """Order one account's rows of one day so their balances chain from ``opening_minor``.

    Returns (ordered rows, chained). Prefers the order with the fewest rounding steps;
    among equals, the one closest to ``heuristic_key`` order. When no order chains,
    returns the heuristic order with the steps as found and ``chained=False``.
    """
    if len(rows) == 1:
        # Most of an account's days hold one row: its one order chains if its step is within the tolerance.
        row = rows[0]
        step = row.balance_minor - opening_minor - row.signed_minor
        return [OrderedRow(row, row.balance_minor, step)], abs(step) <= tolerance_minor
    candidates = sorted(rows, key=heuristic_key)
    # The heuristic order itself, when it chains exactly, is the first chain the search
    # below would find (it tries the rows in this order, exact steps first).
    exact: list[OrderedRow] = []
    previous = opening_minor
    for row in candidates:
        if row.balance_minor - previous != row.signed_minor:
            break
        exact.append(OrderedRow(row, row.balance_minor, 0))
        previous = row.balance_minor
    else:
        return exact, True
    return _search_day(candidates, opening_minor, tolerance_minor)


def _search_day(candidates: Sequence[Transaction], opening_minor: int, tolerance_minor: int) -> tuple[list[OrderedRow], bool]:
    """``resolve_day`` by the search alone, over ``candidates`` in heuristic order (the shortcuts' oracle in tests)."""
    for budget in range(len(candidates) + 1):
        found = _chain_day(candidates, opening_minor, budget, tolerance_minor)
        if found is not None:
            return found, True
    ordered: list[OrderedRow] = []
    previous = opening_minor
    for row in candidates:
        ordered.append(OrderedRow(row, row.balance_minor, row.balance_minor - previous - row.signed_minor))
        previous = row.balance_minor
    return ordered, False


def resolve_account(
    account_id: int,
    rows: Iterable[Transaction],
    *,
    opening_minor: int = 0,
    tolerance_minor: int = DEFAULT_TOLERANCE_MINOR,
) -> AccountOrder:
    """Resolve the posting order of one account's ``rows`` (any order; dates are respected).

    The chain starts at ``opening_minor`` (0 for an account's first transaction: its
    balance equals its amount). Rows of another account raise ``ValueError``.
    """
    rows = sorted(rows, key=lambda r: r.on)  # stable: keeps file order within a day
    if any(r.account_id != account_id for r in rows):
        raise ValueError(f"rows of another account passed for account {account_id}")
    ordered: list[OrderedRow] = []
    unchained: list[date] = []
    previous = opening_minor
    for day, day_rows in groupby(rows, key=lambda r: r.on):
        resolved, chained = resolve_day(list(day_rows), previous, tolerance_minor=tolerance_minor)
        if not chained:
            unchained.append(day)
        ordered.extend(resolved)
        previous = resolved[-1].data_balance_minor
    return AccountOrder(account_id, tuple(ordered), tuple(unchained))


def resolve_all(
    transactions: Iterable[Transaction], *, tolerance_minor: int = DEFAULT_TOLERANCE_MINOR
) -> dict[int, AccountOrder]:
    """Resolve every account in ``transactions`` (file order); keyed by account id, ascending."""
    by_account: dict[int, list[Transaction]] = defaultdict(list)
    for row in transactions:
        by_account[row.account_id].append(row)
    return {
        account_id: resolve_account(account_id, by_account[account_id], tolerance_minor=tolerance_minor)
        for account_id in sorted(by_account)
    }


def posting_sequence(orders: Iterable[AccountOrder]) -> list[OrderedRow]:
    """All rows in the order to post them: by date, then account id, then resolved order."""
    keyed = []
    for order in orders:
        for position, ordered in enumerate(order.rows):
            keyed.append(((ordered.row.on, order.account_id, position), ordered))
    keyed.sort(key=lambda item: item[0])
    return [ordered for _, ordered in keyed]

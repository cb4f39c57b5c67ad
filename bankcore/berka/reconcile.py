"""Reconciliation of the imported ledger against the data set's own balances: pure.

The ledger replays the exact amounts, so an account's ledger balance is the sum of its
signed amounts. The data set's ``balance`` column carries the source's 0.10 CZK rounding
steps (see ``ordering``); where it has any, the two differ by their sum. Every such
difference is listed, never hidden, together with the count of steps that explain it.
A cached balance that disagrees with the sum of postings is a ledger fault and is
listed separately.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class AccountBalance:
    """One account as found in the ledger and in the data set (minor units, natural sign)."""

    number: str
    source_ref: str
    cached_minor: int  # ledger_account.balance_minor
    postings_minor: int  # the same, recomputed from the postings
    data_minor: int  # the data set's balance after the account's last day
    rounding_steps: int  # rows where the data's balance moved by amount +/- a step

    @property
    def difference_minor(self) -> int:
        """Ledger minus data."""
        return self.postings_minor - self.data_minor

    @property
    def cache_consistent(self) -> bool:
        return self.cached_minor == self.postings_minor


@dataclass(frozen=True, slots=True)
class Reconciliation:
    """All accounts compared; ``differences`` and ``cache_faults`` list every exception."""

    accounts: int
    differences: tuple[AccountBalance, ...] = field(default=())
    cache_faults: tuple[AccountBalance, ...] = field(default=())

    @property
    def matching(self) -> int:
        return self.accounts - len(self.differences)

    @property
    def total_abs_difference_minor(self) -> int:
        return sum(abs(a.difference_minor) for a in self.differences)

    @property
    def max_abs_difference_minor(self) -> int:
        return max((abs(a.difference_minor) for a in self.differences), default=0)

    @property
    def unexplained(self) -> tuple[AccountBalance, ...]:
        """Differences that the rounding steps cannot account for (the step is 0.10 at most)."""
        return tuple(a for a in self.differences if abs(a.difference_minor) > 10 * a.rounding_steps)


def reconcile(balances: list[AccountBalance]) -> Reconciliation:
    """Compare every account; order the lists by account number."""
    ordered = sorted(balances, key=lambda a: a.number)
    return Reconciliation(
        accounts=len(ordered),
        differences=tuple(a for a in ordered if a.difference_minor != 0),
        cache_faults=tuple(a for a in ordered if not a.cache_consistent),
    )

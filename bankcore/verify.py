"""``verify``: recompute the ledger from its postings and report every inconsistency.

Checks (all set-based SQL, so they scale to millions of postings):

* every tracked account's cached balance equals the sum of its postings;
* every journal entry has at least two postings and balances per currency;
* every posting is in its account's currency and none is on a control account;
* every posting's entry and ledger account exist (on PostgreSQL a statement trigger
  checks this at insert, migration ``0031``; this re-checks what is stored);
* the trial balance nets to zero per currency;
* every account's held total equals the sum of its pending holds (available = balance - held).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from tortoise.connection import get_connection

from bankcore.ledger.sql import fetch

_SIGNED = "CASE p.side WHEN 'D' THEN p.amount_minor ELSE -p.amount_minor END"


@dataclass(frozen=True, slots=True)
class VerifyReport:
    """What ``verify_ledger`` found: counts looked at and the problems, one line each."""

    entries: int
    postings: int
    tracked_accounts: int
    problems: tuple[str, ...] = field(default=())

    @property
    def ok(self) -> bool:
        return not self.problems


async def verify_ledger(*, max_listed: int = 50) -> VerifyReport:
    """Run every ledger check; list at most ``max_listed`` problems per check."""
    conn = get_connection("default")
    problems: list[str] = []
    limit = f" LIMIT {int(max_listed)}"

    counts = (
        await fetch(
            conn,
            "SELECT (SELECT COUNT(*) FROM journal_entry) AS entries, (SELECT COUNT(*) FROM posting) AS postings, "
            "(SELECT COUNT(*) FROM ledger_account WHERE tracks_balance) AS tracked",
            [],
        )
    )[0]

    for row in await fetch(
        conn,
        "SELECT la.code, la.balance_minor AS cached, COALESCE(s.net, 0) AS derived FROM ledger_account la "
        f"LEFT JOIN (SELECT p.ledger_account_id AS id, SUM({_SIGNED}) AS net FROM posting p "
        "GROUP BY p.ledger_account_id) s ON s.id = la.id "
        "WHERE la.tracks_balance AND la.balance_minor <> "
        "(CASE WHEN la.kind IN ('asset', 'expense') THEN 1 ELSE -1 END) * COALESCE(s.net, 0) "
        f"ORDER BY la.code{limit}",
        [],
    ):
        derived = int(row["derived"])
        problems.append(f"account {row['code']}: cached balance {row['cached']} but postings give "
                        f"{derived} (debit-positive; natural sign applied per kind)")

    for row in await fetch(
        conn,
        f"SELECT p.entry_id, p.currency, SUM({_SIGNED}) AS net FROM posting p "
        f"GROUP BY p.entry_id, p.currency HAVING SUM({_SIGNED}) <> 0 ORDER BY p.entry_id{limit}",
        [],
    ):
        problems.append(f"entry {row['entry_id']}: {row['currency']} debits and credits differ by {row['net']}")

    for row in await fetch(
        conn,
        "SELECT e.id, COUNT(p.id) AS legs FROM journal_entry e LEFT JOIN posting p ON p.entry_id = e.id "
        f"GROUP BY e.id HAVING COUNT(p.id) < 2 ORDER BY e.id{limit}",
        [],
    ):
        problems.append(f"entry {row['id']}: has {row['legs']} posting(s), needs at least two")

    for row in await fetch(
        conn,
        "SELECT p.id, p.entry_id, p.ledger_account_id FROM posting p "
        "LEFT JOIN journal_entry e ON e.id = p.entry_id LEFT JOIN ledger_account la ON la.id = p.ledger_account_id "
        f"WHERE e.id IS NULL OR la.id IS NULL ORDER BY p.id{limit}",
        [],
    ):
        problems.append(f"posting {row['id']}: its entry {row['entry_id']} or ledger account "
                        f"{row['ledger_account_id']} does not exist")

    for row in await fetch(
        conn,
        "SELECT p.id, p.currency, la.code, la.currency AS account_currency, la.is_control FROM posting p "
        "JOIN ledger_account la ON la.id = p.ledger_account_id "
        f"WHERE p.currency <> la.currency OR la.is_control ORDER BY p.id{limit}",
        [],
    ):
        if row["is_control"]:
            problems.append(f"posting {row['id']}: on control account {row['code']}")
        else:
            problems.append(
                f"posting {row['id']}: in {row['currency']} on {row['code']}, an {row['account_currency']} account"
            )

    for row in await fetch(
        conn,
        f"SELECT p.currency, SUM({_SIGNED}) AS net FROM posting p GROUP BY p.currency HAVING SUM({_SIGNED}) <> 0",
        [],
    ):
        problems.append(f"trial balance in {row['currency']} does not net to zero: off by {row['net']}")

    for row in await fetch(
        conn,
        "SELECT la.code, la.held_minor, COALESCE(h.held, 0) AS derived FROM ledger_account la "
        "LEFT JOIN (SELECT ledger_account_id AS id, SUM(amount_minor) AS held FROM hold WHERE status = 'pending' "
        "GROUP BY ledger_account_id) h ON h.id = la.id "
        f"WHERE la.held_minor <> COALESCE(h.held, 0) OR la.held_minor < 0 ORDER BY la.code{limit}",
        [],
    ):
        problems.append(f"account {row['code']}: held total {row['held_minor']} but pending holds sum to {int(row['derived'])}")

    # Share capital (3100) is the paid-up value of the active share certificates (bankcore/shares).
    for row in await fetch(
        conn,
        "SELECT la.code, COALESCE(g.net, 0) AS books, COALESCE(c.paid_up, 0) AS register FROM ledger_account la "
        f"LEFT JOIN (SELECT p.ledger_account_id AS id, -SUM({_SIGNED}) AS net FROM posting p GROUP BY p.ledger_account_id) g "
        "ON g.id = la.id "
        "LEFT JOIN (SELECT currency, SUM(shares * nominal_minor) AS paid_up FROM share_certificate WHERE status = 'active' "
        "GROUP BY currency) c ON la.code = '3100-' || c.currency "
        "WHERE la.code LIKE '3100-%' AND COALESCE(g.net, 0) <> COALESCE(c.paid_up, 0)",
        [],
    ):
        problems.append(f"share capital {row['code']}: the books hold {int(row['books'])} but the share register's "
                        f"active certificates are paid up {int(row['register'])}")

    return VerifyReport(
        entries=int(counts["entries"]),
        postings=int(counts["postings"]),
        tracked_accounts=int(counts["tracked"]),
        problems=tuple(problems),
    )

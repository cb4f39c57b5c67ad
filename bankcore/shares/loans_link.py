"""The one question share capital asks the loans domain: does this member owe the bank?

A member may not redeem or transfer shares below the minimum holding while they have a
loan (the bye-laws link borrowing to membership). "Has a loan" is read from the books,
not from a status: a loan account of theirs (as borrower, owner or joint holder) whose
principal outstanding (its ledger balance, debit-normal) is above zero. This holds for
the Berka loans and for the loans domain's own contracts alike.
"""

from __future__ import annotations

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.connection import get_connection

from bankcore.ledger.sql import fetch, placeholders
from bankcore.models import Loan


async def member_has_outstanding_loan(member_id: int, *, conn: BaseDBAsyncClient | None = None) -> bool:
    """True when member ``member_id`` holds a loan account with principal outstanding (> 0)."""
    conn = conn or get_connection("default")
    m = placeholders(conn, 2)
    # The loans domain's contracts name their borrower (loan.member_id); Berka's loans only
    # through the loan account's holders. Either makes the member a borrower.
    borrower = f"l.member_id = {m[1]} OR " if "member" in Loan._meta.fields_map else ""
    rows = await fetch(
        conn,
        "SELECT 1 AS one FROM loan l JOIN account a ON a.id = l.account_id "
        "JOIN ledger_account la ON la.id = a.ledger_account_id "
        f"WHERE la.balance_minor > 0 AND ({borrower}EXISTS (SELECT 1 FROM account_holder h WHERE h.account_id = a.id "
        f"AND h.member_id = {m[0]} AND h.role IN ('owner', 'joint'))) LIMIT 1",
        [member_id, member_id] if borrower else [member_id],
    )
    return bool(rows)

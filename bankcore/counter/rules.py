"""Rules every cash movement at the counter passes, enforced in bankcore.

1. **Cash never leaves a loan account.** A loan account takes cash only as a repayment;
   until the loans domain registers a repayment handler (``register_loan_cash_repayment``)
   cash in or out of a loan account is refused with ``LOAN_ACCOUNT_CASH``.
2. **PAN or Form 60** for a cash deposit above ``cash.pan_required_above_minor``
   (₹50,000; Income-tax Rules rule 114B): the depositor (the account's first owner) must
   have a PAN on record, or the teller records that a Form 60 declaration was received.
   Refused otherwise with ``PAN_REQUIRED``.
3. **s.269ST**: cash from one person in one business date must stay below
   ``cash.per_person_per_day_limit_minor`` (₹2,00,000), counting cash paid into their
   accounts and into term deposits opened from cash (``bankcore.deposits.service``). Checked inside the posting's
   transaction (after the accounts are locked), counting this deposit, so two deposits at
   two counters cannot both slip under it. Refused with ``CASH_LIMIT_EXCEEDED``.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.connection import get_connection

from bankcore.counter.settings import CASH_PER_PERSON_PER_DAY, PAN_REQUIRED_ABOVE
from bankcore.errors import DomainError, ErrorCode
from bankcore.ledger.sql import fetch, placeholders
from bankcore.money import Money

# (account_number=, amount=, initiator=, narration=, idempotency_key=) -> PostedEntry
LoanCashRepayment = Callable[..., Awaitable[Any]]
_loan_cash_repayment: LoanCashRepayment | None = None


def register_loan_cash_repayment(handler: LoanCashRepayment | None) -> None:
    """Let the loans domain turn cash paid in at the counter on a loan account into a repayment.

    ``handler`` is awaited with keyword arguments ``account_number``, ``amount`` (``Money``),
    ``initiator``, ``narration``, ``idempotency_key`` and returns a ``PostedEntry``. The
    counter's PAN and s.269ST rules are checked before it is called. ``None`` unregisters.
    Cash out of a loan account stays refused whatever is registered.
    """
    global _loan_cash_repayment
    _loan_cash_repayment = handler


def loan_cash_repayment() -> LoanCashRepayment | None:
    """The registered repayment handler, if any."""
    return _loan_cash_repayment


@dataclass(frozen=True, slots=True)
class Depositor:
    """The person cash is taken from: the account's first owner."""

    member_id: int | None
    member_number: str | None
    has_pan: bool
    product_kind: str


async def depositor_of(account_id: int) -> Depositor:
    """The account's product kind and its first owner (by holder id) with whether they have a PAN."""
    conn = get_connection("default")
    (m,) = placeholders(conn, 1)
    rows = await fetch(
        conn,
        "SELECT p.kind AS product_kind, mem.id AS member_id, mem.member_number, mem.pan "
        "FROM account a JOIN product p ON p.id = a.product_id "
        "LEFT JOIN account_holder h ON h.account_id = a.id AND h.role = 'owner' "
        "LEFT JOIN member mem ON mem.id = h.member_id "
        f"WHERE a.id = {m} ORDER BY h.id LIMIT 1",
        [account_id],
    )
    row = rows[0]
    return Depositor(row["member_id"], row["member_number"], bool(row["pan"]), row["product_kind"])


def refuse_loan_cash(product_kind: str, *, paid_in: bool) -> None:
    """``LOAN_ACCOUNT_CASH`` for cash out of a loan account, or in when no repayment handler is registered."""
    if product_kind != "loan":
        return
    if paid_in and _loan_cash_repayment is not None:
        return
    what = ("Cash cannot be paid out of a loan account" if not paid_in
            else "A loan account takes cash only as a repayment, which the counter cannot post yet")
    raise DomainError(ErrorCode.LOAN_ACCOUNT_CASH, what, field="account_number")


async def check_pan(depositor: Depositor, amount: Money, *, form60: bool) -> bool:
    """``PAN_REQUIRED`` for a deposit above the rule 114B threshold without PAN or Form 60.

    Returns True when the deposit rests on the Form 60 (above the threshold, no PAN).
    """
    threshold = await PAN_REQUIRED_ABOVE.get()
    needed = amount.amount_minor > threshold and not depositor.has_pan
    if needed and not form60:
        limit = Money(threshold, amount.currency)
        raise DomainError(
            ErrorCode.PAN_REQUIRED,
            f"A cash deposit above {limit} needs the depositor's PAN on record or a Form 60 declaration",
            field="form60",
        )
    return needed


def per_person_limit_effect(member_id: int | None, currency: str) -> Callable[[BaseDBAsyncClient, int], Awaitable[None]]:
    """An ``effects`` hook for ``post_entry``: refuse if the day's cash from ``member_id`` reaches the limit.

    Runs in the posting's transaction after the entry is written, so the sum counts it.
    """

    async def check(conn: BaseDBAsyncClient, entry_id: int) -> None:
        if member_id is None:
            return
        m = placeholders(conn, 5)
        # Cash the person paid in today: into accounts they own, and into their term
        # deposits opened (or RD instalments paid) in cash: s.269ST counts every receipt.
        rows = await fetch(
            conn,
            "SELECT COALESCE(SUM(p.amount_minor), 0) AS total FROM posting p "
            "JOIN journal_entry je ON je.id = p.entry_id "
            f"WHERE p.currency = {m[0]} AND p.side = 'C' "
            "AND je.entry_type IN ('cash_deposit', 'loan_repayment') "
            f"AND p.value_date = (SELECT value_date FROM journal_entry WHERE id = {m[1]}) "
            f"AND (je.entry_type = 'cash_deposit' OR je.id = {m[2]}) "
            "AND (p.ledger_account_id IN (SELECT a.ledger_account_id FROM account a "
            "JOIN account_holder h ON h.account_id = a.id AND h.role = 'owner' "
            f"WHERE h.member_id = {m[3]}) "
            f"OR p.ledger_account_id IN (SELECT td.ledger_account_id FROM term_deposit td WHERE td.member_id = {m[4]}))",
            [currency, entry_id, entry_id, member_id, member_id],
        )
        total = int(rows[0]["total"] or 0)
        limit = await CASH_PER_PERSON_PER_DAY.get()
        if total >= limit:
            raise DomainError(
                ErrorCode.CASH_LIMIT_EXCEEDED,
                f"Cash from one person in a day must stay below {Money(limit, currency)} "
                f"(s.269ST); this deposit would bring today's cash to {Money(total, currency)}",
                field="amount",
            )

    return check

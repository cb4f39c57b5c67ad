"""Holds (pending transfers): money reserved on a member's account, later posted or voided once.

TigerBeetle's two-phase transfer, in the bank's terms: ``place_hold`` reserves an amount
(the available balance falls, the balance does not), then exactly one of

* ``post_entry(EntryDraft(..., posts_hold_id=id))`` moves the money (the hold is posted);
* ``void_hold`` releases it (the gateway said no, the member cancelled);
* ``expire_holds`` (day-end) releases every hold whose ``expires_on`` has passed.

``ledger_account.held_minor`` is the sum of the account's pending holds, changed only in
the transaction that changes a hold and under the account's row lock (the same lock a
posting takes), so floors hold under any concurrency: no posting and no other hold can
spend held money. ``coopbank verify`` checks it against the holds.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from bankcore.calendar.business_date import business_date_for_posting
from bankcore.errors import DomainError, ErrorCode
from bankcore.events import HoldChanged, broker
from bankcore.ledger.entry import request_fingerprint
from bankcore.ledger.sql import fetch, is_postgres, placeholders
from bankcore.models import Hold, HoldStatus
from bankcore.money import MAX_AMOUNT_MINOR

_OPEN_FOR_OUTFLOW = {"active"}


@dataclass(frozen=True, slots=True)
class HoldResult:
    """A hold as placed or resolved, and the account's held total afterwards."""

    hold_id: int
    ledger_account_id: int
    amount_minor: int
    currency: str
    status: HoldStatus
    held_minor: int
    replayed: bool = False


async def _lock_account(conn: BaseDBAsyncClient, ledger_account_id: int) -> dict | None:
    mark = placeholders(conn, 1)[0]
    lock = " FOR UPDATE OF la" if is_postgres(conn) else ""
    rows = await fetch(
        conn,
        "SELECT la.id, la.currency, la.tracks_balance, la.balance_minor, la.held_minor, la.floor_minor, a.status "
        f"FROM ledger_account la LEFT JOIN account a ON a.ledger_account_id = la.id WHERE la.id = {mark}{lock}",
        [ledger_account_id],
    )
    return rows[0] if rows else None


def _publish(result: HoldResult) -> None:
    broker.publish(HoldChanged(ledger_account_id=result.ledger_account_id, hold_id=result.hold_id,
                               status=result.status.value, held_minor=result.held_minor, currency=result.currency))


async def place_hold(
    *,
    ledger_account_id: int,
    amount_minor: int,
    currency: str,
    reason: str,
    initiator: str,
    expires_on: date | None,
    idempotency_key: str | None = None,
    effects=None,  # noqa: ANN001 - async (conn, hold_id) -> None, in the hold's transaction
) -> HoldResult:
    """Reserve ``amount_minor`` (> 0, minor units of ``currency``) on a tracked account.

    Refused unless the account's available balance (balance - held - floor) covers it:
    ``INSUFFICIENT_FUNDS``. Other refusals: ``NON_POSITIVE_AMOUNT``, ``NOT_FOUND`` (no
    such tracked account), ``CURRENCY_MISMATCH``, ``ACCOUNT_NOT_ACTIVE`` (only active
    accounts may commit money to leave), ``IDEMPOTENCY_CONFLICT`` (key reused for another
    request); a repeat with the same key returns the first hold (``replayed=True``).
    ``expires_on`` (a business date, None for never) is when day-end voids it if still pending.
    """
    if type(amount_minor) is not int or not 0 < amount_minor <= MAX_AMOUNT_MINOR:
        raise DomainError(ErrorCode.NON_POSITIVE_AMOUNT, "a hold must be a positive amount", field="amount")
    reason = " ".join(reason.split())[:255] or "Hold"
    fingerprint = request_fingerprint({"op": "hold", "account": ledger_account_id, "amount": amount_minor,
                                       "currency": currency})
    now = datetime.now(UTC)
    try:
        async with in_transaction() as conn:
            today = await business_date_for_posting(conn)
            row = await _lock_account(conn, ledger_account_id)
            if row is None or not row["tracks_balance"]:
                raise DomainError(ErrorCode.NOT_FOUND, "no such account", field="account_number")
            if idempotency_key is not None:
                existing = await Hold.get_or_none(idempotency_key=idempotency_key).using_db(conn)
                if existing is not None:
                    return _replayed(existing, fingerprint, row["held_minor"])
            if row["currency"] != currency:
                raise DomainError(ErrorCode.CURRENCY_MISMATCH, f"account is in {row['currency']}", field="amount")
            if row["status"] not in _OPEN_FOR_OUTFLOW:
                raise DomainError(ErrorCode.ACCOUNT_NOT_ACTIVE, f"account is {row['status']}", field="account_number")
            held = row["held_minor"] + amount_minor
            floor = row["floor_minor"]
            if floor is not None and row["balance_minor"] - held < floor:
                raise DomainError(ErrorCode.INSUFFICIENT_FUNDS, "insufficient available balance", field="amount")
            hold = await Hold.create(
                ledger_account_id=ledger_account_id, amount_minor=amount_minor, currency=currency, reason=reason,
                initiator=initiator[:100], idempotency_key=idempotency_key, request_fingerprint=fingerprint,
                placed_on=today, expires_on=expires_on, created_at=now, using_db=conn,
            )
            m = placeholders(conn, 2)
            await conn.execute_query(f"UPDATE ledger_account SET held_minor = {m[0]} WHERE id = {m[1]}", [held, ledger_account_id])
            if effects is not None:
                await effects(conn, hold.id)
    except IntegrityError:
        # A concurrent request with the same key won the race.
        existing = await Hold.get_or_none(idempotency_key=idempotency_key) if idempotency_key else None
        if existing is None:
            raise
        from bankcore.models import LedgerAccount

        account = await LedgerAccount.get(id=ledger_account_id)
        return _replayed(existing, fingerprint, account.held_minor)
    result = HoldResult(hold.id, ledger_account_id, amount_minor, currency, HoldStatus.PENDING, held)
    _publish(result)
    return result


def _replayed(existing: Hold, fingerprint: str, held_minor: int) -> HoldResult:
    if existing.request_fingerprint != fingerprint:
        raise DomainError(ErrorCode.IDEMPOTENCY_CONFLICT, "this idempotency key was already used for a different request",
                          field="idempotency_key")
    return HoldResult(existing.id, existing.ledger_account_id, existing.amount_minor, existing.currency,
                      HoldStatus(existing.status), held_minor, replayed=True)


async def void_hold(*, hold_id: int, status: HoldStatus = HoldStatus.VOIDED, effects=None) -> HoldResult | None:  # noqa: ANN001
    """Release pending hold ``hold_id`` (``status`` VOIDED or EXPIRED), once.

    Returns the result, or None when the hold was not pending any more (posted, voided or
    expired already: a second void is a no-op, never a second release). ``effects(conn)``
    runs in the same transaction, only when this call released the hold.
    Raises ``DomainError(NOT_FOUND)`` for an unknown hold.
    """
    if status not in (HoldStatus.VOIDED, HoldStatus.EXPIRED):
        raise ValueError("a hold is voided or expired here; posting goes through post_entry")
    hold = await Hold.get_or_none(id=hold_id)
    if hold is None:
        raise DomainError(ErrorCode.NOT_FOUND, f"no hold {hold_id}")
    now = datetime.now(UTC)
    async with in_transaction() as conn:
        row = await _lock_account(conn, hold.ledger_account_id)  # the account first: one lock order everywhere
        m = placeholders(conn, 3)
        changed = await conn.execute_query(
            f"UPDATE hold SET status = {m[0]}, resolved_at = {m[1]} WHERE id = {m[2]} AND status = 'pending'",
            [status.value, now, hold_id],
        )
        if not _rowcount(changed):
            return None
        held = row["held_minor"] - hold.amount_minor
        m = placeholders(conn, 2)
        await conn.execute_query(f"UPDATE ledger_account SET held_minor = {m[0]} WHERE id = {m[1]}", [held, hold.ledger_account_id])
        if effects is not None:
            await effects(conn)
    result = HoldResult(hold.id, hold.ledger_account_id, hold.amount_minor, hold.currency, status, held)
    _publish(result)
    return result


async def _release(conn: BaseDBAsyncClient, released: dict[int, int]) -> None:
    """Lower each account's held total by its released amount: one statement for all."""
    ids = sorted(released)
    if is_postgres(conn):
        await conn.execute_query(
            "UPDATE ledger_account AS la SET held_minor = la.held_minor - v.amount "
            "FROM unnest($1::bigint[], $2::bigint[]) AS v(id, amount) WHERE la.id = v.id",
            [ids, [released[i] for i in ids]],
        )
    else:
        values = ", ".join("(?, ?)" for _ in ids)
        await conn.execute_query(
            f"WITH v(id, amount) AS (VALUES {values}) UPDATE ledger_account SET held_minor = held_minor - "
            "(SELECT amount FROM v WHERE v.id = ledger_account.id) WHERE id IN (SELECT id FROM v)",
            [x for i in ids for x in (i, released[i])],
        )


def _rowcount(result: object) -> int:
    """Rows changed by ``execute_query`` (asyncpg and aiosqlite answer differently)."""
    if isinstance(result, tuple):
        return int(result[0])
    return int(result or 0)


async def expire_holds(*, through: date, chunk: int = 1000) -> int:
    """Void, as EXPIRED, every pending hold with ``expires_on`` on or before ``through``.

    Set-based, in chunks: each chunk locks its accounts in id order (as postings do), marks
    its holds and lowers each account's held total by one statement. Idempotent: a second
    run finds nothing pending. Returns how many holds expired.
    """
    from tortoise.connection import get_connection

    total = 0
    while True:
        conn = get_connection("default")
        mark = placeholders(conn, 2)
        due = await fetch(
            conn,
            f"SELECT id FROM hold WHERE status = 'pending' AND expires_on <= {mark[0]} ORDER BY id LIMIT {mark[1]}",
            [through, chunk],
        )
        if not due:
            return total
        ids = [r["id"] for r in due]
        async with in_transaction() as conn:
            marks = ", ".join(placeholders(conn, len(ids)))
            accounts = await fetch(conn, f"SELECT DISTINCT ledger_account_id FROM hold WHERE id IN ({marks})", ids)
            account_ids = sorted(r["ledger_account_id"] for r in accounts)
            amarks = ", ".join(placeholders(conn, len(account_ids)))
            if is_postgres(conn):
                await fetch(conn, f"SELECT id FROM ledger_account WHERE id IN ({amarks}) ORDER BY id FOR UPDATE", account_ids)
            now = datetime.now(UTC)
            m = placeholders(conn, 1 + len(ids))
            expired = await fetch(
                conn,
                f"UPDATE hold SET status = 'expired', resolved_at = {m[0]} WHERE id IN ({', '.join(m[1:])}) "
                "AND status = 'pending' RETURNING id, ledger_account_id, amount_minor, currency",
                [now, *ids],
            )
            released: dict[int, int] = {}
            for r in expired:
                released[r["ledger_account_id"]] = released.get(r["ledger_account_id"], 0) + r["amount_minor"]
            if released:
                await _release(conn, released)
        total += len(expired)
        for r in expired:
            broker.publish(HoldChanged(ledger_account_id=r["ledger_account_id"], hold_id=r["id"], status="expired",
                                       held_minor=None, currency=r["currency"]))

"""Posting a journal entry: the one place where money moves.

``post_entry`` validates a draft, then in one transaction:

1. locks the members' accounts it touches (``tracks_balance``) with ``SELECT ... FOR
   UPDATE`` in ascending id order, so two transfers over the same pair of accounts queue
   instead of deadlocking; GL accounts are not locked (they have no floor and would
   become the hot row every transaction waits on);
2. looks up the idempotency key (after the lock, so a concurrent first attempt on the same
   account has either committed, and is found, or not started);
3. checks account status and floors against the locked balances, less the money held
   by pending holds (available = balance - held; ``holds.py``); an entry that posts a hold
   claims that hold under its row lock, so it is posted once and its money counted once;
4. inserts the entry and its postings and writes the new cached balances; then runs the
   caller's ``effects`` (rows that must commit or roll back with the entry, e.g. a gateway
   event marked as handled).

On PostgreSQL a posting with no ``effects``, no hold to post and no caller's transaction
open runs steps 1-4 as one call of the server-side function ``coopbank_post_entry`` (one
round trip instead of seven or eight: ``posting_pg.py``, migration ``0029``), with the same checks in
the same order and the same ``DomainError`` for each refusal; the others (and SQLite) run
them as statements from here.

After commit it publishes ``EntryPosted`` and ``BalanceChanged``. The rules follow
ARCHITECTURE.md §3 and TigerBeetle's transfer reference (idempotent ids, balance limits
checked against locked state, immutable history corrected by reversals).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from bankcore.calendar.business_date import ensure_calendar, posting_window
from bankcore.errors import DomainError, ErrorCode
from bankcore.events import LEDGER_CHANNEL, BalanceChanged, EntryPosted, broker, encode_ledger_events
from bankcore.events_relay import relay_active
from bankcore.ledger.account_facts import AccountFacts, account_facts, balance_deltas
from bankcore.ledger.posting_checks import CLOSED_TO_ALL, CLOSED_TO_OUTFLOW, below_floor, check_postable, not_active, value_date_refusal
from bankcore.ledger.entry import EntryDraft, PostingDraft, validate_entry
from bankcore.ledger.posting_pg import call_post_entry, one_round_trip_connection
from bankcore.ledger.sql import fetch, is_postgres, placeholders
from bankcore.observability import ENTRIES_POSTED
from bankcore.models import EntryType, JournalEntry, LedgerAccount, Posting, Side


# Work done inside the posting's transaction after the entry is written: (connection, entry id).
Effects = Callable[[BaseDBAsyncClient, int], Awaitable[None]]


@dataclass(frozen=True, slots=True)
class PostedEntry:
    """The result of a posting: the entry as written and the new balances it left.

    ``replayed`` is true when an idempotency key matched an earlier identical request and
    this is that request's original entry (nothing new was written).
    """

    entry_id: int
    entry_type: EntryType
    value_date: date
    posted_at: datetime
    narration: str
    postings: tuple[PostingDraft, ...]
    balances_minor: dict[int, int]
    replayed: bool = False


async def _lock_tracked(conn: BaseDBAsyncClient, ids: list[int]) -> dict[int, dict]:
    """Lock the tracked accounts in id order; return balance, held, floor and account status."""
    if not ids:
        return {}
    marks = ", ".join(placeholders(conn, len(ids)))
    lock = " FOR UPDATE OF la" if is_postgres(conn) else ""
    rows = await fetch(
        conn,
        "SELECT la.id, la.balance_minor, la.held_minor, la.floor_minor, a.status "
        "FROM ledger_account la LEFT JOIN account a ON a.ledger_account_id = la.id "
        f"WHERE la.id IN ({marks}) ORDER BY la.id{lock}",
        list(ids),
    )
    return {row["id"]: row for row in rows}


async def _write_balances(conn: BaseDBAsyncClient, balances: dict[int, int], notify_payload: str, entry_id: int,
                          posted_at: datetime) -> None:
    """Write the new cached balances and the ``entry.posted`` outbox event (the transactional
    outbox that members' transaction alerts and partners' webhooks are sent from, after commit;
    its payload is the NOTIFY payload, so the alerts know each account's balance after the entry)."""
    ids = sorted(balances)
    if is_postgres(conn):
        # One round trip: the balance update, the outbox event and the NOTIFY (sent by
        # PostgreSQL on commit only) that carries the entry to the other instances' relays.
        await conn.execute_query(
            "WITH updated AS (UPDATE ledger_account AS la SET balance_minor = v.balance "
            "FROM unnest($1::bigint[], $2::bigint[]) AS v(id, balance) WHERE la.id = v.id RETURNING 1), "
            "outboxed AS (INSERT INTO outbox_event (topic, ref_id, payload, created_at) "
            "VALUES ('entry.posted', $5, $4, $6) RETURNING 1) "
            "SELECT pg_notify($3, $4)",
            [ids, [balances[i] for i in ids], LEDGER_CHANNEL, notify_payload, entry_id, posted_at],
        )
    else:
        for i in ids:
            await conn.execute_query("UPDATE ledger_account SET balance_minor = ? WHERE id = ?", [balances[i], i])
        await conn.execute_query(
            "INSERT INTO outbox_event (topic, ref_id, payload, created_at) VALUES ('entry.posted', ?, ?, ?)",
            [entry_id, notify_payload, posted_at],
        )


async def _claim_hold(conn: BaseDBAsyncClient, hold_id: int, deltas: dict[int, int], tracked: list[int]) -> tuple[int, int]:
    """Lock hold ``hold_id`` (after the accounts: one lock order everywhere) and check the
    entry posts it exactly; returns (ledger account id, held amount)."""
    mark = placeholders(conn, 1)[0]
    lock = " FOR UPDATE" if is_postgres(conn) else ""
    rows = await fetch(conn, f"SELECT ledger_account_id, amount_minor, status FROM hold WHERE id = {mark}{lock}", [hold_id])
    if not rows or rows[0]["status"] != "pending":
        raise DomainError(ErrorCode.HOLD_NOT_PENDING, f"hold {hold_id} is not pending (already posted, voided or expired)")
    account_id, amount = rows[0]["ledger_account_id"], rows[0]["amount_minor"]
    if account_id not in tracked or deltas.get(account_id, 0) != -amount:
        raise DomainError(ErrorCode.HOLD_MISMATCH, f"the entry must take exactly the held {amount} out of the held account")
    return account_id, amount


async def _mark_hold_posted(conn: BaseDBAsyncClient, hold_id: int, account_id: int, amount: int, entry_id: int,
                            posted_at: datetime) -> None:
    m = placeholders(conn, 3)
    await conn.execute_query(
        f"UPDATE hold SET status = 'posted', entry_id = {m[0]}, resolved_at = {m[1]} WHERE id = {m[2]}",
        [entry_id, posted_at, hold_id],
    )
    m = placeholders(conn, 2)
    await conn.execute_query(f"UPDATE ledger_account SET held_minor = held_minor - {m[0]} WHERE id = {m[1]}", [amount, account_id])


async def _insert_entry(conn: BaseDBAsyncClient, draft: EntryDraft, value_date: date, posted_at: datetime) -> int:
    """Insert the entry and its postings; two statements, whatever the number of legs."""
    m = placeholders(conn, 9)
    rows = await fetch(
        conn,
        "INSERT INTO journal_entry (entry_type, value_date, posted_at, narration, initiator, idempotency_key, "
        f"request_fingerprint, reverses_id, source_ref) VALUES ({', '.join(m)}) RETURNING id",
        [draft.entry_type.value, value_date, posted_at, draft.narration, draft.initiator,
         draft.idempotency_key, draft.request_fingerprint, draft.reverses_id, draft.source_ref],
    )
    entry_id = rows[0]["id"]
    values: list[object] = []
    groups = []
    for i, p in enumerate(draft.postings):
        marks = placeholders(conn, 6, start=6 * i + 1)
        groups.append(f"({', '.join(marks)})")
        values += [entry_id, p.ledger_account_id, p.side.value, p.amount_minor, p.currency, value_date]
    await conn.execute_query(
        "INSERT INTO posting (entry_id, ledger_account_id, side, amount_minor, currency, value_date) "
        f"VALUES {', '.join(groups)}",
        values,
    )
    return entry_id


async def _replay(draft: EntryDraft, existing: JournalEntry) -> PostedEntry:
    if existing.request_fingerprint != draft.request_fingerprint:
        raise DomainError(
            ErrorCode.IDEMPOTENCY_CONFLICT,
            "this idempotency key was already used for a different request",
            field="idempotency_key",
        )
    postings = await Posting.filter(entry_id=existing.id).order_by("id")
    facts = await account_facts({p.ledger_account_id for p in postings})
    tracked = [p.ledger_account_id for p in postings if facts[p.ledger_account_id].tracks_balance]
    current = dict(await LedgerAccount.filter(id__in=tracked).values_list("id", "balance_minor")) if tracked else {}
    return PostedEntry(
        entry_id=existing.id,
        entry_type=EntryType(existing.entry_type),
        value_date=existing.value_date,
        posted_at=existing.posted_at,
        narration=existing.narration,
        postings=tuple(
            PostingDraft(p.ledger_account_id, Side(p.side), p.amount_minor, p.currency) for p in postings
        ),
        balances_minor=current,
        replayed=True,
    )


async def post_entry(draft: EntryDraft, *, effects: Effects | None = None) -> PostedEntry:
    """Post ``draft`` atomically, enforcing balance, currency, status and floors.

    Money leaving a tracked account must leave its *available* balance (balance less
    pending holds) at or above the floor. With ``draft.posts_hold_id`` the entry posts
    that pending hold: the hold's money is released and spent in the same transaction,
    once (``HOLD_NOT_PENDING`` if it was posted, voided or expired already;
    ``HOLD_MISMATCH`` unless the entry takes exactly the held amount out of the held
    account). ``effects(conn, entry_id)``, if given, runs in the posting's transaction
    after the entry is written; if it raises, nothing is posted.

    Raises ``DomainError`` with: the codes of ``validate_entry``; ``NOT_FOUND`` (unknown
    ledger account); ``NOT_POSTABLE`` (a control account); ``CURRENCY_MISMATCH`` (a
    posting's currency differs from its account's); ``ACCOUNT_NOT_ACTIVE`` (pending or
    closed account, or money leaving a frozen, dormant or inoperative one); ``INSUFFICIENT_FUNDS`` (an
    account would go below its floor), or ``MIN_BALANCE`` when that floor is a minimum
    balance (the message says how much may be taken); ``IDEMPOTENCY_CONFLICT`` (key reused for another
    request); ``ALREADY_REVERSED`` (``reverses_id`` already reversed);
    ``VALUE_DATE_IN_FUTURE`` (a value date after the business date); ``PERIOD_CLOSED`` (a
    value date in a closed financial year: on or before ``books_closed_through``; only the
    year-end close's own ``YEAR_END`` entries are let in).

    The value date is ``draft.value_date`` or, when None, the bank's business date read
    in the posting's transaction under the shared business-date lock (so day-end never
    closes a date while a posting valued on it is in flight).

    With an idempotency key, a repeat of the same request returns the original entry with
    ``replayed=True`` and writes nothing.
    """
    validate_entry(draft)
    ids = {p.ledger_account_id for p in draft.postings}
    facts = await account_facts(ids)
    check_postable(draft.postings, facts)
    deltas = balance_deltas(draft.postings, facts)
    tracked = sorted(i for i in ids if facts[i].tracks_balance)
    posted_at = datetime.now(UTC)
    pooled = one_round_trip_connection(effects=effects is not None, posts_hold=draft.posts_hold_id is not None)
    if pooled is not None:
        posted = await _post_in_one_round_trip(pooled, draft, facts, deltas, tracked, posted_at)
        if posted is not None:
            return posted

    try:
        async with in_transaction() as conn:
            today, closed_through = await posting_window(conn)
            value_date = draft.value_date or today
            if refusal := value_date_refusal(value_date, today, closed_through, draft.entry_type):
                raise refusal
            locked = await _lock_tracked(conn, tracked)
            if draft.idempotency_key is not None:
                mark = placeholders(conn, 1)[0]
                if await fetch(conn, f"SELECT id FROM journal_entry WHERE idempotency_key = {mark}", [draft.idempotency_key]):
                    existing = await JournalEntry.get(idempotency_key=draft.idempotency_key).using_db(conn)
                    return await _replay(draft, existing)
            released: dict[int, int] = {}
            if draft.posts_hold_id is not None:
                held_account, held_amount = await _claim_hold(conn, draft.posts_hold_id, deltas, tracked)
                released[held_account] = held_amount
            new_balances: dict[int, int] = {}
            for account_id in tracked:
                row = locked[account_id]
                delta = deltas.get(account_id, 0)
                status = row["status"]
                # A hold placed while the account was open is still posted after a freeze:
                # the money was committed (e.g. sent to another bank) when it was held.
                if status in CLOSED_TO_ALL or (delta < 0 and status in CLOSED_TO_OUTFLOW and account_id not in released):
                    raise not_active(facts[account_id], status)
                balance = row["balance_minor"] + delta
                held = row["held_minor"] - released.get(account_id, 0)
                floor = row["floor_minor"]
                if delta < 0 and floor is not None and balance - held < floor:
                    raise below_floor(facts[account_id], floor, max(0, row["balance_minor"] - held - floor))
                new_balances[account_id] = balance
            entry_id = await _insert_entry(conn, draft, value_date, posted_at)
            payload = encode_ledger_events(
                entry_id=entry_id,
                entry_type=draft.entry_type.value,
                value_date=value_date,
                ledger_account_ids=tuple(sorted(ids)),
                balances={i: (b, facts[i].currency) for i, b in new_balances.items()},
            )
            await _write_balances(conn, new_balances, payload, entry_id, posted_at)
            for account_id, amount in released.items():
                await _mark_hold_posted(conn, draft.posts_hold_id, account_id, amount, entry_id, posted_at)
            if effects is not None:
                await effects(conn, entry_id)
    except IntegrityError:
        return await _resolve_integrity_error(draft)

    posted = PostedEntry(
        entry_id=entry_id,
        entry_type=draft.entry_type,
        value_date=value_date,
        posted_at=posted_at,
        narration=draft.narration,
        postings=draft.postings,
        balances_minor=new_balances,
    )
    ENTRIES_POSTED.labels(posted.entry_type.value).inc()
    if not relay_active():  # with a relay, the NOTIFY comes back to this process too
        _publish(posted, facts)
    return posted


async def _post_in_one_round_trip(
    conn: BaseDBAsyncClient, draft: EntryDraft, facts: dict[int, AccountFacts], deltas: dict[int, int],
    tracked: list[int], posted_at: datetime,
) -> PostedEntry | None:
    """``post_entry``'s transaction as one call of ``coopbank_post_entry`` (``posting_pg.py``).

    Returns None when the bank has no calendar row yet (created here; the caller then takes
    the multi-statement path once). Raises the same ``DomainError`` as that path.
    """
    try:
        out = await call_post_entry(
            conn, draft, posted_at=posted_at, tracked=tracked, deltas=deltas,
            currencies={i: facts[i].currency for i in tracked},
            closed_to_all=CLOSED_TO_ALL, closed_to_outflow=CLOSED_TO_OUTFLOW,
        )
    except IntegrityError:
        return await _resolve_integrity_error(draft)
    if out.code == "OK":
        assert out.entry_id is not None and out.value_date is not None
        posted = PostedEntry(
            entry_id=out.entry_id, entry_type=draft.entry_type, value_date=out.value_date, posted_at=posted_at,
            narration=draft.narration, postings=draft.postings,
            balances_minor=dict(zip(tracked, out.balances or [], strict=True)),
        )
        ENTRIES_POSTED.labels(posted.entry_type.value).inc()
        if not relay_active():
            _publish(posted, facts)
        return posted
    if out.code == "REPLAY":
        return await _replay(draft, await JournalEntry.get(id=out.entry_id))
    if out.code == "NO_CALENDAR":
        await ensure_calendar()
        return None
    if out.code in ("VALUE_DATE_IN_FUTURE", "PERIOD_CLOSED"):
        assert out.value_date is not None and out.today is not None
        refusal = value_date_refusal(out.value_date, out.today, out.closed_through, draft.entry_type)
        assert refusal is not None
        raise refusal
    assert out.account_id is not None
    if out.code == "ACCOUNT_NOT_ACTIVE":
        raise not_active(facts[out.account_id], out.status or "")
    if out.code in ("MIN_BALANCE", "INSUFFICIENT_FUNDS"):
        raise below_floor(facts[out.account_id], out.floor or 0, out.may_take or 0)
    raise AssertionError(f"coopbank_post_entry answered {out.code!r}")


async def _resolve_integrity_error(draft: EntryDraft) -> PostedEntry:
    """A unique violation on posting: a concurrent request with the same key, or a second reversal, won the race."""
    if draft.idempotency_key is not None:
        existing = await JournalEntry.get_or_none(idempotency_key=draft.idempotency_key)
        if existing is not None:
            return await _replay(draft, existing)
    if draft.reverses_id is not None and await JournalEntry.exists(reverses_id=draft.reverses_id):
        raise DomainError(ErrorCode.ALREADY_REVERSED, "this entry has already been reversed") from None
    raise  # the IntegrityError being handled by the caller: some other constraint


def _publish(posted: PostedEntry, facts: dict[int, AccountFacts]) -> None:
    broker.publish(
        EntryPosted(
            entry_id=posted.entry_id,
            entry_type=posted.entry_type.value,
            value_date=posted.value_date,
            ledger_account_ids=tuple(sorted({p.ledger_account_id for p in posted.postings})),
        )
    )
    for account_id, balance in posted.balances_minor.items():
        broker.publish(
            BalanceChanged(
                ledger_account_id=account_id,
                entry_id=posted.entry_id,
                balance_minor=balance,
                currency=facts[account_id].currency,
            )
        )

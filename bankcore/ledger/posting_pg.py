"""A posting in one round trip on PostgreSQL (issue 15 item 1): the call to ``coopbank_post_entry``.

The function (migration ``0029_post_entry_function``) runs ``post_entry``'s transaction
server-side: business date under the shared lock, value-date checks, ``FOR UPDATE`` of the
tracked accounts in ascending id order, the idempotency key, status and floors against the
locked rows, then the entry, its postings, the cached balances, the outbox event and the
NOTIFY. Sent as one statement outside any transaction, it is its own transaction: one round
trip instead of BEGIN, six statements and COMMIT. A business refusal comes back as a code
(not an exception), which this module turns into the same ``DomainError`` the
multi-statement path raises; a unique violation (a concurrent retry with the same key, a
second reversal) raises ``IntegrityError`` for ``post_entry`` to resolve as before.

Used only when nothing else must share the transaction: no ``effects``, no hold to post,
and no caller's transaction open (those keep the multi-statement path, which is the same
rules in Python). SQLite always uses that path.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from tortoise.backends.base.client import BaseDBAsyncClient, TransactionalDBClient
from tortoise.connection import get_connection

from bankcore.calendar.business_date import BUSINESS_DATE_LOCK_KEY, CALENDAR_ROW_ID
from bankcore.events import LEDGER_CHANNEL
from bankcore.ledger.entry import EntryDraft
from bankcore.models import EntryType

_CALL = (
    "SELECT o_code, o_entry_id, o_balances, o_value_date, o_today, o_closed_through, o_account_id, o_status, "
    "o_floor, o_may_take FROM coopbank_post_entry($1::text, $2::date, $3::timestamptz, $4::text, $5::text, "
    "$6::text, $7::text, $8::bigint, $9::text, $10::bigint[], $11::text[], $12::bigint[], $13::text[], "
    "$14::bigint[], $15::bigint[], $16::text[], $17::bigint[], $18::boolean, $19::text[], $20::text[], "
    "$21::bigint, $22::integer, $23::text)"
)


@dataclass(frozen=True, slots=True)
class Outcome:
    """What the function answered: ``code`` and the facts for its message (see the migration)."""

    code: str
    entry_id: int | None
    balances: list[int] | None
    value_date: date | None
    today: date | None
    closed_through: date | None
    account_id: int | None
    status: str | None
    floor: int | None
    may_take: int | None


def one_round_trip_connection(*, effects: bool, posts_hold: bool) -> BaseDBAsyncClient | None:
    """The pooled PostgreSQL client when this posting may go as one statement, else None."""
    if effects or posts_hold:
        return None
    conn = get_connection("default")
    if conn.capabilities.dialect != "postgres" or isinstance(conn, TransactionalDBClient):
        return None
    return conn


async def call_post_entry(
    conn: BaseDBAsyncClient,
    draft: EntryDraft,
    *,
    posted_at: datetime,
    tracked: list[int],
    deltas: dict[int, int],
    currencies: dict[int, str],
    closed_to_all: set[str],
    closed_to_outflow: set[str],
) -> Outcome:
    """Run ``coopbank_post_entry`` for ``draft`` (validated, accounts checked) and return its answer.

    ``tracked`` is the sorted ids of the accounts whose balance is kept (and locked),
    ``deltas`` each account's change in its natural sign, ``currencies`` each account's currency.
    """
    legs = draft.postings
    rows = await conn.execute_query_dict(
        _CALL,
        [
            draft.entry_type.value, draft.value_date, posted_at, draft.narration, draft.initiator,
            draft.idempotency_key, draft.request_fingerprint, draft.reverses_id, draft.source_ref,
            [p.ledger_account_id for p in legs], [p.side.value for p in legs], [p.amount_minor for p in legs],
            [p.currency for p in legs],
            tracked, [deltas.get(i, 0) for i in tracked], [currencies[i] for i in tracked],
            sorted({p.ledger_account_id for p in legs}),
            draft.entry_type is EntryType.YEAR_END, sorted(closed_to_all), sorted(closed_to_outflow),
            BUSINESS_DATE_LOCK_KEY, CALENDAR_ROW_ID, LEDGER_CHANNEL,
        ],
    )
    row = rows[0]
    return Outcome(
        code=row["o_code"], entry_id=row["o_entry_id"], balances=list(row["o_balances"] or []) or None,
        value_date=row["o_value_date"], today=row["o_today"], closed_through=row["o_closed_through"],
        account_id=row["o_account_id"], status=row["o_status"], floor=row["o_floor"], may_take=row["o_may_take"],
    )

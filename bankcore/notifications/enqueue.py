"""Writing a notification in the caller's transaction (the outbox half of the pattern)."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.connection import get_connection

from bankcore.ledger.sql import fetch, placeholders

# The kinds the bank sends, with their templates in ``templates.py``. Another domain may
# use a kind not listed yet (it is shown with a generic text until a template is added).
KINDS: tuple[str, ...] = (
    "debit",              # money left a member's account (always SMS: RBI transaction alerts)
    "credit",             # money arrived, above the member's threshold
    "emi_due",            # an EMI falls due in 3 days (day-end)
    "emi_overdue",        # an EMI is overdue
    "fd_maturing",        # a term deposit matures in 7 days (day-end)
    "fd_matured",         # a term deposit matured
    "kyc_due",            # periodic KYC update due
    "new_device_sign_in",  # a sign-in from a device not seen before
    "mobile_changed",     # the mobile number changed (sent to the old number too)
    "password_changed",   # the password changed
    "email_changed",      # the e-mail address changed
    "webhook_disabled",   # staff: a partner's webhook endpoint failed for a day and was disabled
    "standing_instruction_failed",  # a standing instruction could not be paid (bankcore.instructions)
    "inoperative_notice",  # an account becomes inoperative soon (bankcore.inoperative)
    "message",            # free text from the bank (params: text)
)

# Kinds whose SMS the member cannot turn off.
MANDATORY_SMS_KINDS: frozenset[str] = frozenset({"debit", "mobile_changed", "password_changed"})

_KIND_RE = re.compile(r"^[a-z][a-z0-9_]{0,39}$")


def _check(kind: str, params: dict[str, Any] | None) -> str:
    if not _KIND_RE.match(kind):
        raise ValueError(f"notification kind {kind!r} must be lower_snake_case, at most 40 characters")
    text = json.dumps(params or {}, separators=(",", ":"), sort_keys=True, default=str)
    if len(text) > 4000:
        raise ValueError("notification params are limited to 4000 characters of JSON")
    return text


async def _insert(conn: BaseDBAsyncClient | None, column: str, recipient_id: int, kind: str, params_json: str,
                  dedupe_key: str | None) -> int | None:
    conn = conn or get_connection("default")
    m = placeholders(conn, 5)
    rows = await fetch(
        conn,
        f"INSERT INTO notification ({column}, kind, params, dedupe_key, created_at) "
        f"VALUES ({m[0]}, {m[1]}, {m[2]}, {m[3]}, {m[4]}) ON CONFLICT (dedupe_key) DO NOTHING RETURNING id",
        [recipient_id, kind, params_json, dedupe_key, datetime.now(UTC)],
    )
    return rows[0]["id"] if rows else None


async def notify(
    *,
    member_id: int,
    kind: str,
    params: dict[str, Any] | None = None,
    dedupe_key: str | None = None,
    conn: BaseDBAsyncClient | None = None,
) -> int | None:
    """Tell member ``member_id`` about ``kind`` (one of ``KINDS``); returns the notification id.

    Call it inside your own transaction and pass its connection as ``conn`` (without
    ``conn`` the default connection, or the ``in_transaction`` block you are in, is used):
    the row commits or rolls back with your change. It appears in the member's inbox at
    once (after commit) and goes out by SMS / e-mail / WhatsApp as the member chose,
    through the background worker; never sent from inside your transaction.

    ``params`` are the template's values: JSON-able strings and integers; amounts in minor
    units as ``amount_minor`` with ``currency``; dates as ISO strings. ``dedupe_key``
    (≤160 characters), when given, makes a repeat a no-op returning None: use it from
    day-end steps, e.g. ``f"emi_due:{loan_id}:{due_date}"``.

    Raises ``ValueError`` for a malformed kind or params over 4,000 characters (a
    programming error, not a user's).
    """
    text = _check(kind, params)
    return await _insert(conn, "member_id", member_id, kind, text, dedupe_key)


async def notify_staff(
    *,
    staff_id: int,
    kind: str,
    params: dict[str, Any] | None = None,
    dedupe_key: str | None = None,
    conn: BaseDBAsyncClient | None = None,
) -> int | None:
    """Put ``kind`` in staff user ``staff_id``'s inbox (in-app only), as ``notify`` does for members."""
    text = _check(kind, params)
    return await _insert(conn, "staff_id", staff_id, kind, text, dedupe_key)

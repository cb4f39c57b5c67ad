"""The worker's fan-out steps: outbox events into alerts and webhook deliveries, and
notifications into per-channel deliveries.

Each step claims a batch of rows in one transaction (``FOR UPDATE SKIP LOCKED`` on
PostgreSQL, so several instances share the work without sending twice), writes what the
batch produces with multi-row inserts, and marks the batch done in the same transaction:
a crash leaves the batch to the next run, never half done.
"""

from __future__ import annotations

import json
from collections import defaultdict
from datetime import UTC, datetime
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.transactions import in_transaction

from bankcore.ledger.sql import fetch, is_postgres, placeholders
from bankcore.notifications.enqueue import MANDATORY_SMS_KINDS
from bankcore.notifications.settings import CREDIT_ALERT_THRESHOLD
from bankcore.notifications.templates import render
from bankcore.webhooks.events import FEEDS

_CHUNK = 200  # rows per multi-row INSERT (well under SQLite's bound-parameter limit)


def _in(conn: BaseDBAsyncClient, values: list[Any], start: int = 1) -> str:
    return ", ".join(placeholders(conn, len(values), start))


async def _insert_many(conn: BaseDBAsyncClient, table: str, columns: tuple[str, ...], rows: list[tuple[Any, ...]],
                       conflict: str) -> None:
    """Multi-row ``INSERT ... ON CONFLICT (conflict) DO NOTHING`` in chunks."""
    width = len(columns)
    for start in range(0, len(rows), _CHUNK):
        chunk = rows[start:start + _CHUNK]
        if is_postgres(conn):
            groups = ", ".join(
                "(" + ", ".join(f"${i * width + j + 1}" for j in range(width)) + ")" for i in range(len(chunk))
            )
        else:
            groups = ", ".join("(" + ", ".join("?" * width) + ")" for _ in chunk)
        await conn.execute_query(
            f"INSERT INTO {table} ({', '.join(columns)}) VALUES {groups} ON CONFLICT ({conflict}) DO NOTHING",
            [v for row in chunk for v in row],
        )


async def _claim(conn: BaseDBAsyncClient, sql: str, limit: int) -> list[dict[str, Any]]:
    lock = " FOR UPDATE SKIP LOCKED" if is_postgres(conn) else ""
    return await fetch(conn, f"{sql} LIMIT {int(limit)}{lock}", [])


# --- outbox events -> transaction alerts and webhook deliveries ---------------------------


async def dispatch_events(*, limit: int = 500) -> int:
    """Fan out up to ``limit`` undispatched outbox events, oldest first; returns how many.

    ``entry.posted`` events become debit alerts (every debit of a member's deposit
    account: RBI transaction alerts) and credit alerts (credits above the member's
    threshold, else the bank's ``notifications.credit_alert_threshold_minor``), one per
    holder, deduplicated by entry, account and member. Every event becomes one webhook
    delivery per active subscription listening to a type it feeds (``FEEDS``); a partner
    acting for one member gets only events about that member.
    """
    default_threshold = await CREDIT_ALERT_THRESHOLD.get()
    async with in_transaction() as conn:
        events = await _claim(conn, "SELECT id, topic, ref_id, payload FROM outbox_event "
                                    "WHERE dispatched_at IS NULL ORDER BY id", limit)
        if not events:
            return 0
        now = datetime.now(UTC)
        members_by_event = await _transaction_alerts(conn, [e for e in events if e["topic"] == "entry.posted"],
                                                     default_threshold, now)
        await _webhook_deliveries(conn, events, members_by_event, now)
        ids = [e["id"] for e in events]
        m = placeholders(conn, 1)[0]
        await conn.execute_query(
            f"UPDATE outbox_event SET dispatched_at = {m} WHERE id IN ({_in(conn, ids, 2)})", [now, *ids]
        )
    return len(events)


async def _transaction_alerts(conn: BaseDBAsyncClient, events: list[dict[str, Any]], default_threshold: int,
                              now: datetime) -> dict[int, set[int]]:
    """Write debit and credit alerts for ``entry.posted`` events; returns the members each event touched."""
    touched: dict[int, set[int]] = {}
    if not events:
        return touched
    balances: dict[tuple[int, int], int] = {}
    dates: dict[int, str] = {}
    event_of_entry: dict[int, int] = {}
    for event in events:
        data = json.loads(event["payload"] or "{}")
        entry_id = event["ref_id"]
        event_of_entry[entry_id] = event["id"]
        dates[entry_id] = data.get("d", "")
        for ledger_id, balance, _currency in data.get("b", []):
            balances[(entry_id, ledger_id)] = balance
    entry_ids = sorted(event_of_entry)
    # Postings on members' deposit accounts (tracked liabilities). An event written by a
    # set-based batch may carry no balances: then the account's balance now stands in.
    postings = await fetch(
        conn,
        f"SELECT p.entry_id, p.ledger_account_id, p.side, p.amount_minor, p.currency, p.value_date, la.balance_minor "
        f"FROM posting p JOIN ledger_account la ON la.id = p.ledger_account_id "
        f"WHERE p.entry_id IN ({_in(conn, entry_ids)}) AND la.tracks_balance AND la.kind = 'liability'",
        entry_ids,
    )
    ledger_ids = sorted({p["ledger_account_id"] for p in postings})
    if not ledger_ids:
        return touched
    for p in postings:
        balances.setdefault((p["entry_id"], p["ledger_account_id"]), p["balance_minor"])
        if not dates.get(p["entry_id"]):
            value_date = p["value_date"]
            dates[p["entry_id"]] = value_date.isoformat() if hasattr(value_date, "isoformat") else str(value_date)
    holders = await fetch(
        conn,
        f"SELECT a.ledger_account_id, a.number, h.member_id FROM account a JOIN account_holder h ON h.account_id = a.id "
        f"WHERE a.ledger_account_id IN ({_in(conn, ledger_ids)})",
        ledger_ids,
    )
    by_ledger: dict[int, list[tuple[str, int]]] = defaultdict(list)
    for row in holders:
        by_ledger[row["ledger_account_id"]].append((row["number"], row["member_id"]))
    members = sorted({row["member_id"] for row in holders})
    thresholds: dict[int, int] = {}
    if members:
        for row in await fetch(conn, f"SELECT member_id, credit_threshold_minor FROM notification_preference "
                                     f"WHERE member_id IN ({_in(conn, members)})", members):
            if row["credit_threshold_minor"] is not None:
                thresholds[row["member_id"]] = row["credit_threshold_minor"]
    # Net movement per (entry, account): a deposit account is a liability, so a credit adds.
    net: dict[tuple[int, int], tuple[int, str]] = {}
    for p in postings:
        key = (p["entry_id"], p["ledger_account_id"])
        signed = p["amount_minor"] if p["side"] == "C" else -p["amount_minor"]
        net[key] = (net.get(key, (0, p["currency"]))[0] + signed, p["currency"])
    rows: list[tuple[Any, ...]] = []
    for (entry_id, ledger_id), (amount, currency) in sorted(net.items()):
        for number, member_id in by_ledger.get(ledger_id, ()):
            touched.setdefault(event_of_entry[entry_id], set()).add(member_id)
            if amount == 0:
                continue
            kind = "debit" if amount < 0 else "credit"
            if kind == "credit" and amount <= thresholds.get(member_id, default_threshold):
                continue
            params = {"account": number, "amount_minor": abs(amount), "currency": currency, "date": dates[entry_id],
                      "balance_minor": balances.get((entry_id, ledger_id), 0), "entry_id": entry_id}
            rows.append((member_id, kind, json.dumps(params, separators=(",", ":"), sort_keys=True),
                         f"entry:{entry_id}:{ledger_id}:{member_id}", now))
    await _insert_many(conn, "notification", ("member_id", "kind", "params", "dedupe_key", "created_at"), rows,
                       "dedupe_key")
    return touched


async def _webhook_deliveries(conn: BaseDBAsyncClient, events: list[dict[str, Any]],
                              members_by_event: dict[int, set[int]], now: datetime) -> None:
    subscriptions = await fetch(
        conn,
        "SELECT s.id, s.events, c.member_id FROM webhook_subscription s JOIN api_client c ON c.id = s.api_client_id "
        "WHERE s.is_active AND c.active", [],
    )
    if not subscriptions:
        return
    rows: list[tuple[Any, ...]] = []
    for event in events:
        feeds = FEEDS.get(event["topic"], ())
        if event["topic"] == "entry.posted":
            members = members_by_event.get(event["id"], set())
            has_balances = bool(members) or bool(json.loads(event["payload"] or "{}").get("b"))
        else:
            member = json.loads(event["payload"] or "{}").get("member_id")
            members = {member} if member is not None else set()
            has_balances = True
        for sub in subscriptions:
            listening = set(sub["events"].split())
            if sub["member_id"] is not None and sub["member_id"] not in members:
                continue  # a partner acting for one member hears only about that member
            for event_type in feeds:
                if event_type not in listening or (event_type == "balance.changed" and not has_balances):
                    continue
                rows.append((sub["id"], event["id"], event_type, "", "pending", 0, now, now))
    await _insert_many(
        conn, "webhook_delivery",
        ("subscription_id", "event_id", "event_type", "payload", "status", "attempts", "next_attempt_at", "created_at"),
        rows, "subscription_id, event_id, event_type",
    )


# --- notifications -> per-channel deliveries --------------------------------------------


async def fan_out_notifications(*, limit: int = 500) -> int:
    """Turn up to ``limit`` new notifications into SMS / e-mail / WhatsApp deliveries; returns how many.

    Channels follow the member's preferences (SMS and e-mail on, WhatsApp off by default);
    kinds in ``MANDATORY_SMS_KINDS`` (debit alerts, security changes) go by SMS whatever
    the member chose. A ``mobile_changed`` notification with ``old_mobile`` also goes to
    the old number. The text is rendered now, in the member's language. Staff
    notifications are in-app only.
    """
    async with in_transaction() as conn:
        rows = await _claim(conn, "SELECT id, member_id, kind, params FROM notification "
                                  "WHERE dispatched_at IS NULL ORDER BY id", limit)
        if not rows:
            return 0
        now = datetime.now(UTC)
        members = sorted({r["member_id"] for r in rows if r["member_id"] is not None})
        contacts: dict[int, dict[str, Any]] = {}
        prefs: dict[int, dict[str, Any]] = {}
        if members:
            for c in await fetch(conn, f"SELECT id, mobile, email FROM member WHERE id IN ({_in(conn, members)})", members):
                contacts[c["id"]] = c
            for p in await fetch(conn, f"SELECT member_id, language, sms, email, whatsapp FROM notification_preference "
                                       f"WHERE member_id IN ({_in(conn, members)})", members):
                prefs[p["member_id"]] = p
        deliveries: list[tuple[Any, ...]] = []
        for row in rows:
            member_id = row["member_id"]
            if member_id is None:
                continue
            contact = contacts.get(member_id, {})
            pref = prefs.get(member_id, {"language": "en", "sms": True, "email": True, "whatsapp": False})
            text = render(row["kind"], row["params"], pref["language"])
            targets: list[tuple[str, str]] = []
            mobile, email = contact.get("mobile"), contact.get("email")
            if mobile and (pref["sms"] or row["kind"] in MANDATORY_SMS_KINDS):
                targets.append(("sms", mobile))
            if email and pref["email"]:
                targets.append(("email", email))
            if mobile and pref["whatsapp"]:
                targets.append(("whatsapp", mobile))
            old_mobile = _param(row["params"], "old_mobile")
            if row["kind"] == "mobile_changed" and old_mobile and old_mobile != mobile:
                targets.append(("sms", old_mobile))
            for channel, destination in targets:
                deliveries.append((row["id"], channel, destination, text.title[:200], text.body, "pending", 0, now, now))
        # Deliveries have no natural key: the claim above is what keeps this from running twice.
        await _insert_many(
            conn, "notification_delivery",
            ("notification_id", "channel", "destination", "subject", "body", "status", "attempts", "next_attempt_at",
             "created_at"),
            deliveries, "id",
        )
        ids = [r["id"] for r in rows]
        m = placeholders(conn, 1)[0]
        await conn.execute_query(f"UPDATE notification SET dispatched_at = {m} WHERE id IN ({_in(conn, ids, 2)})", [now, *ids])
    return len(rows)


def _param(params: str, name: str) -> str | None:
    try:
        value = json.loads(params or "{}").get(name)
    except (ValueError, AttributeError):
        return None
    return value if isinstance(value, str) else None

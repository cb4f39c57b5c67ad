"""Day-end reminders to members, and outbox housekeeping (band 900, after the money moved).

====  ==============================  ==========================================================
900   ``notifications.emi_due``       an unpaid instalment of an active loan falls due within
                                      ``notifications.emi_due_notice_days`` (3) of the date closed
905   ``notifications.emi_overdue``   an instalment due on or before the date closed is still
                                      unpaid after the day's collection (fell due within the last
                                      ``notifications.emi_overdue_window_days``)
910   ``notifications.fd_maturing``   an active term deposit matures within
                                      ``notifications.fd_maturity_notice_days`` (7)
915   ``notifications.kyc_due``       a verified member's re-KYC date is reached or within
                                      ``notifications.kyc_due_notice_days`` (30)
990   ``notifications.purge_outbox``  sent deliveries, codes and dispatched events older than
                                      ``notifications.outbox_retention_days`` (90) are deleted
====  ==============================  ==========================================================

Each reminder step is one ``INSERT ... SELECT ... ON CONFLICT (dedupe_key) DO NOTHING``
over all loans / deposits / members: the set-based form of ``bankcore.notifications.notify``.
The dedupe key names the thing and its date (``emi_due:<loan id>:<due date>``,
``emi_overdue:<loan id>:<due date>``, ``fd_maturing:<deposit id>:<maturity date>``,
``kyc_due:<member id>:<re-KYC date>``), so a member hears of each event exactly once,
whether day-end reruns a date, closes several dates in one run or skips holidays: a
window ("within 3 days") rather than an exact day ("in exactly 3 days") is what makes a
skipped date harmless. The worker then fans each row out to the member's channels.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.transactions import in_transaction

from bankcore.calendar.registry import StepContext, day_end_step
from bankcore.ledger.sql import fetch, is_postgres, placeholders
from bankcore.notifications.settings import (
    EMI_DUE_NOTICE_DAYS,
    EMI_OVERDUE_WINDOW_DAYS,
    FD_MATURITY_NOTICE_DAYS,
    KYC_DUE_NOTICE_DAYS,
    OUTBOX_RETENTION_DAYS,
)

# Re-KYC periods by risk category (RBI KYC Master Direction s.38: 2 / 8 / 10 years), used
# only for a verified member whose ``re_kyc_due_on`` has not been filled in yet: the column,
# set when KYC is verified, is the source of truth.
RE_KYC_YEARS: dict[str, int] = {"high": 2, "medium": 8, "low": 10}

_UNPAID = "(i.principal_minor + i.interest_minor - i.paid_principal_minor - i.paid_interest_minor)"


def _json(conn: BaseDBAsyncClient, pairs: dict[str, str]) -> str:
    """SQL building a JSON object text from ``{key: sql expression}`` (dates come out ISO)."""
    args = ", ".join(f"'{key}', {expr}" for key, expr in pairs.items())
    return f"json_build_object({args})::text" if is_postgres(conn) else f"json_object({args})"


def _iso(conn: BaseDBAsyncClient, expr: str) -> str:
    """SQL for a date column as ``YYYY-MM-DD`` text (whatever PostgreSQL's DateStyle)."""
    return f"to_char({expr}, 'YYYY-MM-DD')" if is_postgres(conn) else f"CAST({expr} AS TEXT)"


async def _insert_select(conn: BaseDBAsyncClient, *, member: str, kind: str, params: str, key: str, source: str,
                         values: list[Any], now: datetime) -> int:
    """``INSERT INTO notification ... SELECT`` of one reminder kind; returns how many rows were new.

    ``now`` is the first parameter (SQLite's ``?`` bind by position in the text, and the
    SELECT list comes before ``source``): number ``source``'s placeholders from 2.
    """
    m = placeholders(conn, 1)[0]
    if is_postgres(conn):
        m = f"CAST({m} AS TIMESTAMPTZ)"  # a parameter in a SELECT list has no type of its own
    rows = await fetch(
        conn,
        f"INSERT INTO notification (member_id, kind, params, dedupe_key, created_at) "
        f"SELECT {member}, '{kind}', {params}, '{kind}:' || {key}, {m} {source} "
        "ON CONFLICT (dedupe_key) DO NOTHING RETURNING id",
        [now, *values],
    )
    return len(rows)


async def notify_emi_due(*, on: date, days: int) -> int:
    """Remind the borrower of every unpaid instalment of an ACTIVE loan due after ``on`` and
    at most ``days`` later (``emi_due``: amount unpaid, loan number, due date); returns how many."""
    async with in_transaction() as conn:
        m = placeholders(conn, 2, 2)
        return await _insert_select(
            conn, member="l.member_id", kind="emi_due",
            params=_json(conn, {"loan": "a.number", "amount_minor": _UNPAID, "currency": "l.currency",
                                "due_date": "i.due_date"}),
            key=f"CAST(l.id AS TEXT) || ':' || {_iso(conn, 'i.due_date')}",
            source=("FROM loan_instalment i JOIN loan l ON l.id = i.loan_id JOIN account a ON a.id = l.account_id "
                    f"WHERE i.due_date > {m[0]} AND i.due_date <= {m[1]} AND l.status = 'ACTIVE' "
                    f"AND l.member_id IS NOT NULL AND {_UNPAID} > 0"),
            values=[on, on + timedelta(days=days)], now=datetime.now(UTC),
        )


async def notify_emi_overdue(*, on: date, window_days: int) -> int:
    """Tell the borrower of every instalment of an ACTIVE loan that fell due on or before
    ``on`` (within ``window_days``) and is still unpaid beyond the loan's arrears tolerance
    after the day's collection (``emi_overdue``: amount unpaid with charges); returns how many.

    Runs after ``loans.collect_dues`` and ``loans.penal_charges``, so an instalment the
    day-end collected is not announced, and the amount includes the penal charges so far.
    """
    from bankcore.loans.penal_sql import levy_of, penal_minor_sql

    async with in_transaction() as conn:
        # the penal charges through the day-end's levy, computed on read
        unpaid = f"({_UNPAID} + {penal_minor_sql(conn, await levy_of(conn))} - i.paid_penal_minor)"
        m = placeholders(conn, 2, 2)
        key = f"CAST(l.id AS TEXT) || ':' || {_iso(conn, 'i.due_date')}"
        return await _insert_select(
            conn, member="l.member_id", kind="emi_overdue",
            params=_json(conn, {"loan": "a.number", "amount_minor": unpaid, "currency": "l.currency",
                                "due_date": "i.due_date"}),
            key=key,
            # an instalment stays overdue for the whole window: those announced already are
            # skipped before their message (and its charges) is built, not at the insert's conflict
            source=("FROM loan_instalment i JOIN loan l ON l.id = i.loan_id JOIN account a ON a.id = l.account_id "
                    f"WHERE i.due_date <= {m[0]} AND i.due_date > {m[1]} AND l.status = 'ACTIVE' AND i.paid_on IS NULL "
                    f"AND l.member_id IS NOT NULL AND {_UNPAID} > l.arrears_tolerance_minor "
                    f"AND NOT EXISTS (SELECT 1 FROM notification n WHERE n.dedupe_key = 'emi_overdue:' || {key})"),
            values=[on, on - timedelta(days=window_days)], now=datetime.now(UTC),
        )


async def notify_fd_maturing(*, on: date, days: int) -> int:
    """Tell the holder of every ACTIVE term deposit maturing after ``on`` and at most ``days``
    later (``fd_maturing``: deposit number, amount deposited, maturity date); returns how many.

    The amount is the FD's principal, or what was paid into an RD so far (its monthly
    instalment times the instalments paid): the maturity value itself is worked out at
    maturity (interest less TDS), so it is not promised here.
    """
    async with in_transaction() as conn:
        m = placeholders(conn, 2, 2)
        deposited = "CASE WHEN d.kind = 'RECURRING' THEN d.principal_minor * d.instalments_paid ELSE d.principal_minor END"
        return await _insert_select(
            conn, member="d.member_id", kind="fd_maturing",
            params=_json(conn, {"account": "d.number", "amount_minor": deposited, "currency": "d.currency",
                                "maturity_date": "d.maturity_date"}),
            key=f"CAST(d.id AS TEXT) || ':' || {_iso(conn, 'd.maturity_date')}",
            source=(f"FROM term_deposit d WHERE d.status = 'ACTIVE' AND d.maturity_date > {m[0]} "
                    f"AND d.maturity_date <= {m[1]}"),
            values=[on, on + timedelta(days=days)], now=datetime.now(UTC),
        )


def add_years(day: date, years: int) -> date:
    """The same calendar day ``years`` later (29 Feb -> 28 Feb)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


async def notify_kyc_due(*, on: date, days: int) -> int:
    """Tell every KYC-verified member whose re-KYC date is on or before ``on + days`` that
    their KYC update is due (``kyc_due``: the due date); returns how many.

    The date is ``member.re_kyc_due_on``. A verified member without one (verified before
    the column was filled in) is reckoned from ``kyc_verified_on`` plus the period of their
    risk category (``RE_KYC_YEARS``), so the step works whatever the KYC domain has filled.
    Once per member and due date: a renewed KYC moves the date and so earns a new notice.
    """
    horizon = on + timedelta(days=days)
    now = datetime.now(UTC)
    async with in_transaction() as conn:
        m = placeholders(conn, 1, 2)
        count = await _insert_select(
            conn, member="mb.id", kind="kyc_due", params=_json(conn, {"due_date": "mb.re_kyc_due_on"}),
            key=f"CAST(mb.id AS TEXT) || ':' || {_iso(conn, 'mb.re_kyc_due_on')}",
            source=f"FROM member mb WHERE mb.kyc_status = 'verified' AND mb.re_kyc_due_on <= {m[0]}",
            values=[horizon], now=now,
        )
        # Fallback: verified before re-KYC dates were kept. One cut-off per risk category
        # selects the few members concerned; their due dates are reckoned here.
        pending: list[tuple[Any, ...]] = []
        for risk, years in RE_KYC_YEARS.items():
            m = placeholders(conn, 2)
            for row in await fetch(
                conn,
                "SELECT mb.id, mb.kyc_verified_on FROM member mb WHERE mb.kyc_status = 'verified' "
                f"AND mb.re_kyc_due_on IS NULL AND mb.risk_category = {m[0]} AND mb.kyc_verified_on <= {m[1]}",
                [risk, add_years(horizon, -years)],
            ):
                verified = row["kyc_verified_on"]
                verified = verified if isinstance(verified, date) else date.fromisoformat(str(verified))
                due = add_years(verified, years).isoformat()
                pending.append((row["id"], "kyc_due", f'{{"due_date":"{due}"}}', f"kyc_due:{row['id']}:{due}", now))
        for start in range(0, len(pending), 200):
            chunk = pending[start:start + 200]
            marks = placeholders(conn, 5 * len(chunk))
            groups = ", ".join("(" + ", ".join(marks[5 * i:5 * i + 5]) + ")" for i in range(len(chunk)))
            count += len(await fetch(
                conn,
                f"INSERT INTO notification (member_id, kind, params, dedupe_key, created_at) VALUES {groups} "
                "ON CONFLICT (dedupe_key) DO NOTHING RETURNING id",
                [v for row in chunk for v in row],
            ))
    return count


async def purge_outbox(*, older_than: datetime) -> int:
    """Delete what the outboxes no longer need, finished before ``older_than``; returns rows deleted.

    * SMS / e-mail / WhatsApp deliveries ``sent``, ``failed`` or ``skipped`` (their
      notification stays in the member's inbox);
    * sign-in and step-up code messages already sent (``notification_outbox``);
    * webhook deliveries that succeeded or failed for good, with their attempt log;
    * outbox events dispatched, once no webhook delivery points at them.

    Pending rows are never touched, whatever their age. A few set-based DELETEs in one
    transaction; the clock is the wall clock (these are technical rows, not banking dates).
    """
    deleted = 0
    async with in_transaction() as conn:
        m = placeholders(conn, 1)[0]
        statements = (
            "DELETE FROM notification_delivery WHERE status IN ('sent', 'failed', 'skipped') "
            f"AND COALESCE(sent_at, created_at) < {m}",
            f"DELETE FROM notification_outbox WHERE sent_at IS NOT NULL AND sent_at < {m}",
            "DELETE FROM webhook_attempt WHERE delivery_id IN (SELECT id FROM webhook_delivery "
            f"WHERE status IN ('success', 'failed') AND COALESCE(delivered_at, created_at) < {m})",
            "DELETE FROM webhook_delivery WHERE status IN ('success', 'failed') "
            f"AND COALESCE(delivered_at, created_at) < {m}",
            f"DELETE FROM outbox_event WHERE dispatched_at IS NOT NULL AND dispatched_at < {m} "
            "AND NOT EXISTS (SELECT 1 FROM webhook_delivery w WHERE w.event_id = outbox_event.id)",
        )
        for sql in statements:
            count, _ = await conn.execute_query(sql, [older_than])
            deleted += count
    return deleted


@day_end_step("notifications.emi_due", position=900,
              description="Remind borrowers of instalments falling due in the next 3 days (once per instalment)")
async def emi_due(ctx: StepContext) -> int:
    return await notify_emi_due(on=ctx.business_date, days=await EMI_DUE_NOTICE_DAYS.get(on=ctx.business_date))


@day_end_step("notifications.emi_overdue", position=905,
              description="Tell borrowers of instalments that fell due and stayed unpaid (once per instalment)")
async def emi_overdue(ctx: StepContext) -> int:
    return await notify_emi_overdue(on=ctx.business_date,
                                    window_days=await EMI_OVERDUE_WINDOW_DAYS.get(on=ctx.business_date))


@day_end_step("notifications.fd_maturing", position=910,
              description="Tell holders of term deposits maturing in the next 7 days (once per deposit)")
async def fd_maturing(ctx: StepContext) -> int:
    return await notify_fd_maturing(on=ctx.business_date, days=await FD_MATURITY_NOTICE_DAYS.get(on=ctx.business_date))


@day_end_step("notifications.kyc_due", position=915,
              description="Tell members whose periodic KYC update falls due within 30 days (once per due date)")
async def kyc_due(ctx: StepContext) -> int:
    return await notify_kyc_due(on=ctx.business_date, days=await KYC_DUE_NOTICE_DAYS.get(on=ctx.business_date))


@day_end_step("notifications.purge_outbox", position=990,
              description="Delete sent messages and dispatched events older than the retention period (90 days)")
async def purge(ctx: StepContext) -> int:
    days = await OUTBOX_RETENTION_DAYS.get(on=ctx.business_date)
    return await purge_outbox(older_than=datetime.now(UTC) - timedelta(days=days))

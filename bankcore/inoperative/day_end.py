"""``accounts.mark_inoperative`` (band 700): notices and inoperative marking, set-based.

Each account keeps ``last_customer_activity_on``, the value date of its last
customer-induced transaction as day-end last saw it. It is only ever a lower bound, so
day-end refreshes it from the ledger just for the few *candidates* (active accounts
whose stored date is at or before the notice line): the ordinary day costs an index probe
per candidate, not a scan of the ledger. Then, in order:

1. accounts never seen (new, or imported) get their date from their postings (or the
   opening date): one statement, heavy only on the first day-end after an import;
2. candidates are refreshed from their postings (one statement);
3. active accounts at or before the inoperative line become ``inoperative`` (one statement);
4. members of accounts at or before the notice line are told once per dormant spell
   (``notify_inoperative_notice``; a dedupe key per account and last-activity date).

Customer-induced transactions are those of ``bankcore.reports.lists.CUSTOMER_INDUCED``
(deposits, withdrawals, transfers by or for the customer; not interest or charges).
"""

from __future__ import annotations

from datetime import date

from tortoise.transactions import in_transaction

from bankcore.calendar.registry import StepContext, day_end_step
from bankcore.inoperative.rules import inoperative_cutoff, months_before, notice_cutoff
from bankcore.inoperative.settings import INOPERATIVE_AFTER_MONTHS, INOPERATIVE_NOTICE_MONTHS
from bankcore.ledger.sql import fetch, placeholders
from bankcore.reports.lists import CUSTOMER_INDUCED

_TYPES = ", ".join(f"'{t.value}'" for t in CUSTOMER_INDUCED)
_DEPOSIT_ACCOUNTS = "a.product_id IN (SELECT id FROM product WHERE kind IN ('savings', 'current'))"
_LAST = (f"(SELECT MAX(p.value_date) FROM posting p JOIN journal_entry je ON je.id = p.entry_id "
         f"WHERE p.ledger_account_id = account.ledger_account_id AND je.entry_type IN ({_TYPES}))")


async def notify_inoperative_notice(*, member_id: int, account_number: str, last_activity_on: date,
                                    inoperative_on: date, conn=None) -> int | None:  # noqa: ANN001
    """Tell member ``member_id`` that account ``account_number`` becomes inoperative on ``inoperative_on``.

    The hook other domains may call too (kind ``inoperative_notice``); sent once per
    account and last-activity date (dedupe key), through ``bankcore.notifications.notify``.
    """
    from bankcore.notifications import notify

    return await notify(
        member_id=member_id, kind="inoperative_notice", conn=conn,
        params={"account_number": account_number, "last_activity_on": last_activity_on.isoformat(),
                "inoperative_on": inoperative_on.isoformat()},
        dedupe_key=f"inoperative_notice:{account_number}:{last_activity_on.isoformat()}",
    )


def _as_date(value: object) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


@day_end_step("accounts.mark_inoperative", position=700,
              description="Tell members 3 months ahead; mark accounts without a customer transaction for 2 years inoperative")
async def mark_inoperative(ctx: StepContext) -> int:
    day = ctx.business_date
    after = await INOPERATIVE_AFTER_MONTHS.get(on=day)
    notice = await INOPERATIVE_NOTICE_MONTHS.get(on=day)
    line, warn = inoperative_cutoff(day, after), notice_cutoff(day, after, notice)
    async with in_transaction() as conn:
        m = placeholders(conn, 1)
        await conn.execute_query(
            f"UPDATE account SET last_customer_activity_on = COALESCE({_LAST}, account.opened_on) "
            f"WHERE account.last_customer_activity_on IS NULL AND account.status <> 'closed' "
            f"AND {_DEPOSIT_ACCOUNTS.replace('a.', 'account.')}", [],
        )
        await conn.execute_query(
            f"UPDATE account SET last_customer_activity_on = COALESCE({_LAST}, account.last_customer_activity_on) "
            f"WHERE account.status = 'active' AND account.last_customer_activity_on <= {m[0]}", [warn],
        )
        m = placeholders(conn, 2)
        marked = await fetch(
            conn,
            f"UPDATE account SET status = 'inoperative', inoperative_since = {m[0]} "
            f"WHERE status = 'active' AND last_customer_activity_on <= {m[1]} "
            f"AND {_DEPOSIT_ACCOUNTS.replace('a.', 'account.')} RETURNING id",
            [day, line],
        )
        m = placeholders(conn, 2)
        due = await fetch(
            conn,
            "SELECT a.number, a.last_customer_activity_on AS last, h.member_id FROM account a "
            "JOIN account_holder h ON h.account_id = a.id AND h.role IN ('owner', 'joint') "
            f"WHERE a.status = 'active' AND a.last_customer_activity_on <= {m[0]} AND a.last_customer_activity_on > {m[1]} "
            f"AND {_DEPOSIT_ACCOUNTS} ORDER BY a.id, h.member_id",
            [warn, line],
        )
        for row in due:
            last = _as_date(row["last"])
            turns = months_before(last, -after)  # `after` months after its last activity
            await notify_inoperative_notice(member_id=row["member_id"], account_number=row["number"],
                                            last_activity_on=last, inoperative_on=turns, conn=conn)
    return len(marked) + len(due)

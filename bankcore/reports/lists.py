"""Lists: inoperative and unclaimed (DEA Fund) deposit accounts, members whose KYC is due.

An account is inoperative when its last customer-induced transaction (a deposit,
withdrawal or transfer by or for the customer; not interest or charges the bank posts)
is on or before the cut-off of ``accounts.inoperative_after_months`` (the rule of
``bankcore.inoperative``, which marks the accounts at day-end), counting from the opening
date when there was none; unclaimed (to be transferred to the Depositor
Education and Awareness Fund) after ``reports.unclaimed_after_years``.
"""

from __future__ import annotations

from datetime import date

from tortoise.connection import get_connection

from bankcore.ledger.sql import fetch, placeholders
from bankcore.reports.balances import _as_date
from bankcore.reports.base import Amount, Column, ColumnKind, Report, Row
from bankcore.inoperative.rules import inoperative_cutoff
from bankcore.inoperative.settings import INOPERATIVE_AFTER_MONTHS
from bankcore.reports.settings import UNCLAIMED_AFTER_YEARS
from bankcore.reports.snapshots import CUSTOMER_INDUCED, balance_source

__all__ = ["CUSTOMER_INDUCED", "inoperative_accounts", "kyc_due"]



def years_before(day: date, years: int) -> date:
    """The same calendar day ``years`` earlier (29 Feb -> 28 Feb)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


async def inoperative_accounts(*, as_of: date, currency: str) -> Report:
    """Members' deposit accounts with no customer-induced transaction for the inoperative
    period as of ``as_of``, with their balance that day; ``UNCLAIMED_DEA`` past the
    unclaimed period. Closed accounts are left out."""
    cutoff = inoperative_cutoff(as_of, await INOPERATIVE_AFTER_MONTHS.get(on=as_of))
    unclaimed_years = await UNCLAIMED_AFTER_YEARS.get(on=as_of)
    dea_cutoff = years_before(as_of, unclaimed_years)
    conn = get_connection("default")
    source, params = await balance_source(conn, as_of=as_of, currency=currency, last_customer=True)
    m = placeholders(conn, 3, len(params) + 1)
    rows = await fetch(
        conn,
        "SELECT a.number, pr.code AS product, b.code AS branch, a.opened_on, "
        "(SELECT MIN(mb.full_name) FROM account_holder h JOIN member mb ON mb.id = h.member_id "
        " WHERE h.account_id = a.id AND h.role = 'owner') AS holder, "
        "s.last_customer, COALESCE(-s.net, 0) AS balance "
        f"FROM account a JOIN ledger_account la ON la.id = a.ledger_account_id LEFT JOIN ({source}) s ON s.id = la.id "
        "JOIN product pr ON pr.id = a.product_id JOIN branch b ON b.id = a.branch_id "
        f"WHERE la.kind = 'liability' AND la.currency = {m[0]} AND a.status <> 'closed' AND a.opened_on <= {m[1]} "
        f"AND (s.last_customer IS NULL OR s.last_customer <= {m[2]}) ORDER BY a.number",
        [*params, currency, cutoff, cutoff],
    )
    out: list[Row] = []
    total = 0
    for r in rows:
        last = _as_date(r["last_customer"]) if r["last_customer"] is not None else None
        since = last or _as_date(r["opened_on"])
        status = "UNCLAIMED_DEA" if since < dea_cutoff else "INOPERATIVE"
        balance = int(r["balance"] or 0)
        total += balance
        out.append(Row((r["number"], r["product"], r["branch"], r["holder"] or "", last, Amount(balance, currency), status)))
    return Report(
        name="inoperative", title="Inoperative and unclaimed deposit accounts", as_of=as_of, currency=currency,
        columns=(Column("account_number", "Account"), Column("product", "Product"), Column("branch", "Branch"),
                 Column("holder", "Holder"), Column("last_customer_transaction", "Last customer transaction",
                                                    ColumnKind.DATE),
                 Column("balance", "Balance", ColumnKind.MONEY), Column("status", "Status")),
        rows=tuple(out),
        subtitle=f"As of {as_of.isoformat()}: no customer-induced transaction after {cutoff.isoformat()} "
                 f"(DEA Fund: since {dea_cutoff.isoformat()})",
        summary=(("Accounts", len(out)), ("Balances", Amount(total, currency)),
                 ("Of which unclaimed (DEA Fund)", sum(1 for r in out if r.cells[-1] == "UNCLAIMED_DEA"))),
    )


async def kyc_due(*, as_of: date, currency: str) -> Report:
    """Members whose KYC is due as of ``as_of``: never verified (pending), rejected, re-KYC
    due (the due date set at verification, 2 / 8 / 10 years by risk, on or before
    ``as_of``; or none recorded for a member verified before due dates were kept), or the
    latest KYC document of some type expired before ``as_of``. Selected in SQL, so only the
    members that are due are read."""
    conn = get_connection("default")
    m = placeholders(conn, 2)
    # The latest document of each type decides: a renewed passport replaces the expired one.
    # Aggregated once and hash-joined (a subquery per member cost a second over 119,000).
    # (records read by position, not turned into 119,000 dicts; dates come as text from SQLite)
    _, records = await conn.execute_query(
        "WITH expired AS (SELECT d.member_id, MIN(d.expires_on) AS expired_on FROM kyc_document d "
        f"WHERE d.expires_on < {m[0]} AND NOT EXISTS (SELECT 1 FROM kyc_document n WHERE n.member_id = d.member_id "
        "AND n.doc_type = d.doc_type AND n.id > d.id) GROUP BY d.member_id) "
        "SELECT mb.member_number, mb.full_name, b.code AS branch, mb.kyc_status, mb.risk_category, "
        "mb.kyc_verified_on, mb.re_kyc_due_on, e.expired_on "
        "FROM member mb JOIN branch b ON b.id = mb.branch_id LEFT JOIN expired e ON e.member_id = mb.id "
        f"WHERE mb.kyc_status <> 'verified' OR mb.re_kyc_due_on IS NULL OR mb.re_kyc_due_on <= {m[1]} "
        "OR e.member_id IS NOT NULL ORDER BY mb.member_number",
        [as_of, as_of],
    )
    out: list[Row] = []
    for number, name, branch, status, risk, verified_on, due_on, expired in records:
        if verified_on is not None and not isinstance(verified_on, date):
            verified_on = _as_date(verified_on)
        if due_on is not None and not isinstance(due_on, date):
            due_on = _as_date(due_on)
        if expired is not None and not isinstance(expired, date):
            expired = _as_date(expired)
        if status == "pending":
            reason = "KYC not yet verified"
        elif status == "rejected":
            reason = "KYC rejected"
        elif due_on is None:
            reason = "Re-KYC date not recorded"
        elif due_on <= as_of:
            reason = "Re-KYC due"
        else:
            reason = "KYC document expired"
        out.append(Row((number, name, branch, status, risk, verified_on, due_on, reason, expired)))
    return Report(
        name="kyc-due", title="KYC due", as_of=as_of, currency=currency,
        columns=(Column("member_number", "Member"), Column("name", "Name"), Column("branch", "Branch"),
                 Column("kyc_status", "KYC status"), Column("risk_category", "Risk"),
                 Column("kyc_verified_on", "Verified on", ColumnKind.DATE),
                 Column("re_kyc_due_on", "Re-KYC due on", ColumnKind.DATE), Column("reason", "Why due"),
                 Column("document_expired_on", "Document expired", ColumnKind.DATE)),
        rows=tuple(out),
        subtitle=f"As of {as_of.isoformat()}; re-KYC every 2 / 8 / 10 years for high / medium / low risk (RBI KYC Master Direction s.38)",
        summary=(("Members", len(out)),),
    )

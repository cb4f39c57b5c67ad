"""The demand and overdue list: what borrowers owe, instalment by instalment.

Every unpaid instalment of a loan that falls due up to ``reports.demand_horizon_days``
(30) after the report's date, and every overdue one however old: the list a branch's
recovery staff work through. Amounts come from the schedule (``loan_instalment``):
principal and interest demanded less what was paid, and penal charges levied less paid
(charges are a separate demand, never capitalised: RBI penal charges circular, 2023).

Days past due count as the loans' classification does (``bankcore.loans.classify``): at
the end of the report's date ``D``, an unpaid instalment due on ``d <= D`` is
``D - d + 1`` days past due (1 on the due date itself: RBI IRACP clarifications, 12 Nov
2021); one not yet due is 0.
"""

from __future__ import annotations

from datetime import date, timedelta

from tortoise.connection import get_connection

from bankcore.ledger.sql import fetch, placeholders
from bankcore.reports.balances import _as_date
from bankcore.reports.base import Amount, Column, ColumnKind, Report, Row
from bankcore.reports.settings import DEMAND_HORIZON_DAYS

DEMAND_COLUMNS = (
    Column("loan_number", "Loan"), Column("member_number", "Member"), Column("member_name", "Name"),
    Column("due_date", "Due date", ColumnKind.DATE), Column("principal_due", "Principal due", ColumnKind.MONEY),
    Column("interest_due", "Interest due", ColumnKind.MONEY), Column("charges_due", "Charges due", ColumnKind.MONEY),
    Column("total_due", "Total due", ColumnKind.MONEY), Column("days_past_due", "Days past due", ColumnKind.COUNT),
)


async def demand_list(*, as_of: date, currency: str, horizon_days: int | None = None) -> Report:
    """Unpaid instalments of loans in ``currency`` due by ``as_of + horizon_days`` (default
    the setting), oldest due date first; one row each, with the overdue and coming totals.

    As of a past date, an instalment paid in full after that date is shown unpaid at its
    full amount (its ``paid_on`` says when); a part payment made after it cannot be told
    apart (payments are not dated per instalment) and is taken as already made: for a date
    before the last one closed, the gap is named.
    """
    from bankcore.calendar.business_date import business_date

    horizon = horizon_days if horizon_days is not None else await DEMAND_HORIZON_DAYS.get(on=as_of)
    until = as_of + timedelta(days=horizon)
    conn = get_connection("default")
    m = placeholders(conn, 4)
    rows = await fetch(
        conn,
        "SELECT a.number AS loan_number, mb.member_number, mb.full_name, i.due_date, i.paid_on, "
        "i.principal_minor, i.interest_minor, i.paid_principal_minor, i.paid_interest_minor, "
        "i.penal_minor, i.paid_penal_minor "
        "FROM loan_instalment i JOIN loan l ON l.id = i.loan_id JOIN account a ON a.id = l.account_id "
        "LEFT JOIN member mb ON mb.id = l.member_id "
        f"WHERE l.currency = {m[0]} AND i.due_date <= {m[1]} AND l.disbursed_on <= {m[2]} "
        "AND l.status IN ('ACTIVE', 'CLOSED') "
        f"AND (i.paid_on IS NULL OR i.paid_on > {m[3]}) "
        "ORDER BY i.due_date, a.number",
        [currency, until, as_of, as_of],
    )
    out: list[Row] = []
    overdue_total = coming_total = overdue_count = 0
    for r in rows:
        due = _as_date(r["due_date"])
        paid_later = r["paid_on"] is not None  # fully paid, but after as_of: unpaid that day
        principal = r["principal_minor"] - (0 if paid_later else r["paid_principal_minor"])
        interest = r["interest_minor"] - (0 if paid_later else r["paid_interest_minor"])
        charges = max(r["penal_minor"] - (0 if paid_later else r["paid_penal_minor"]), 0)
        total = principal + interest + charges
        if total <= 0:
            continue
        dpd = (as_of - due).days + 1 if due <= as_of else 0
        if dpd:
            overdue_total += total
            overdue_count += 1
        else:
            coming_total += total
        out.append(Row((r["loan_number"], r["member_number"] or "", r["full_name"] or "", due,
                        Amount(principal, currency), Amount(interest, currency), Amount(charges, currency),
                        Amount(total, currency), dpd)))
    gaps: tuple[str, ...] = ()
    if as_of + timedelta(days=1) < await business_date():  # before the last date closed
        gaps = ("As of a past date: instalments paid in full later are shown at their full amount; part payments "
                "made later are taken as already made, and penal charges are those levied to date.",)
    return Report(
        name="demand", title="Demand and overdue list", as_of=as_of, currency=currency, columns=DEMAND_COLUMNS,
        rows=tuple(out),
        subtitle=f"Instalments overdue at the end of {as_of.isoformat()} and falling due up to {until.isoformat()}",
        summary=(("Instalments", len(out)), ("Overdue instalments", overdue_count),
                 ("Overdue", Amount(overdue_total, currency)),
                 (f"Due in the next {horizon} days", Amount(coming_total, currency)),
                 ("Total demand", Amount(overdue_total + coming_total, currency))),
        gaps=gaps,
    )

"""The demand and overdue list: what borrowers owe, instalment by instalment.

Every unpaid instalment of a loan that falls due up to ``reports.demand_horizon_days``
(30) after the report's date, and every overdue one however old: the list a branch's
recovery staff work through. The rows, their amounts and days past due are the loans
domain's demand (``bankcore.loans.demand.unpaid_instalments``); this module lays them
out as a report with the overdue and coming totals.
"""

from __future__ import annotations

from datetime import date, timedelta

from bankcore.loans.demand import unpaid_instalments
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
    out: list[Row] = []
    overdue_total = coming_total = overdue_count = 0
    for d in await unpaid_instalments(as_of=as_of, until=until, currency=currency):
        if d.days_past_due:
            overdue_total += d.due_minor
            overdue_count += 1
        else:
            coming_total += d.due_minor
        out.append(Row((d.loan_number, d.member_number, d.member_name, d.due_date,
                        Amount(d.principal_due_minor, currency), Amount(d.interest_due_minor, currency),
                        Amount(d.charges_due_minor, currency), Amount(d.due_minor, currency), d.days_past_due)))
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

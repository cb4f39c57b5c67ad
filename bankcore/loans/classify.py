"""Set-based loan classification, accrual and penal charges for a business date (one SQL statement each).

The same rules as the pure ``bankcore.classification`` (which the tests compare against):

* Days past due at the day-end of ``D``: ``D - (due date of the oldest instalment with
  principal or interest unpaid) + 1`` over the rows due on or before ``D``; 0 when the
  arrears are at most the loan's arrears tolerance (Fineract's ``inArrearsTolerance``).
  (RBI IRACP clarifications, 12 Nov 2021: 1 on the due date itself.) Read on the next
  business date ``D + 1``, that is ``business date - due date``, the CLI's definition.
* SMA-0 1-30, SMA-1 31-60, SMA-2 61-90; NPA from the day days past due reach 91
  (``npa_since``), until all arrears are paid; sub-standard while the NPA is at most 12
  months old, D1 to 24, D2 to 48, then D3 (IRACP master circular for UCBs).
* Restructured loans (``reschedule_loan``): during the *specified period*, from the
  restructuring to ``loan.restructured_until`` (12 months after the first instalment
  under the new terms), the loan's own class is never upgraded: it may worsen by the
  rules above, but keeps the worst class it had until the period ends; after it the usual
  rules apply (so a loan still in arrears stays where its days past due put it). This is
  the simple form of the IRAC rule that a restructured account is upgraded only after
  "satisfactory performance during the specified period" (RBI Prudential Framework for
  Resolution of Stressed Assets, 7 Jun 2019, Annex paras on upgradation; UCB IRAC master
  circular on restructured advances: at least one year from the first payment under the
  restructured terms). Not modelled: the downgrade *on* restructuring and the "10 % of
  principal repaid" part of the specified period (``../shared/DOMAIN_NOTES.md`` gives
  neither; both are board-policy choices to add as settings).
* Borrower-wise: the worst NPA class of a borrower's active loans is every one of their
  loans' class (IRACP para 2.2.2); a performing borrower's loans keep their own band.
* Accrual: interest on the principal outstanding (the loan account's balance) from the
  last due date to ``D``, ACT/365, half up - a column, never a journal entry per day.
* Penal charges: each day-end adds ``unpaid principal+interest x penal rate / 365`` to
  every overdue instalment (kept in millionths of a minor unit; charged on the overdue
  instalment only, never on charges: RBI penal charges circular, 18 Aug 2023).
"""

from __future__ import annotations

from datetime import date, timedelta

from tortoise.connection import get_connection
from tortoise.transactions import in_transaction

from bankcore.loans.dates import add_months
from bankcore.loans.sqlkit import days_between, execute, minus_days

NPA_RANK = {"SUBSTANDARD": 4, "DOUBTFUL_1": 5, "DOUBTFUL_2": 6, "DOUBTFUL_3": 7, "LOSS": 8}
# Every class, best first (the rank a restructured loan may not improve on during its specified period).
CLASS_RANK = {"STANDARD": 0, "SMA_0": 1, "SMA_1": 2, "SMA_2": 3, **NPA_RANK}
SPECIFIED_PERIOD_MONTHS = 12


def _rank(expr: str) -> str:
    return f"CASE ({expr}) " + " ".join(f"WHEN '{k}' THEN {v}" for k, v in CLASS_RANK.items()) + " ELSE 0 END"


def age_cutoff(as_of: date, months: int) -> date:
    """The earliest NPA date ``s`` with ``as_of <= add_months(s, months)`` (an NPA since ``s`` is at most ``months`` old)."""
    s = add_months(as_of, -months)
    while add_months(s - timedelta(days=1), months) >= as_of:
        s -= timedelta(days=1)
    while add_months(s, months) < as_of:
        s += timedelta(days=1)
    return s


_UNPAID = "(i.principal_minor + i.interest_minor - i.paid_principal_minor - i.paid_interest_minor)"


async def accrue_interest(on: date) -> int:
    """Set every ACTIVE loan's ``accrued_interest_minor`` as of the day-end of ``on`` (one UPDATE)."""
    conn = get_connection("default")
    last_due = ("COALESCE((SELECT MAX(i.due_date) FROM loan_instalment i WHERE i.loan_id = loan.id AND i.due_date <= :d), "
                "loan.disbursed_on, loan.granted_on)")
    balance = ("(SELECT la.balance_minor FROM account a JOIN ledger_account la ON la.id = a.ledger_account_id "
               "WHERE a.id = loan.account_id)")
    sql = (f"UPDATE loan SET accrued_interest_minor = CASE WHEN annual_rate_bps = 0 THEN 0 ELSE "
           f"(({balance}) * annual_rate_bps * {days_between(conn, ':d', last_due)} * 2 + 3650000) / 7300000 END "
           "WHERE status = 'ACTIVE'")
    return await execute(conn, sql, {"d": on})


async def classify_loans(on: date) -> int:
    """Days past due, NPA date, own class and borrower-wise class of every ACTIVE loan at the day-end of ``on``."""
    oldest = f"MIN(CASE WHEN {_UNPAID} > 0 THEN i.due_date END)"
    params = {"d": on, "c12": age_cutoff(on, 12), "c24": age_cutoff(on, 24), "c48": age_cutoff(on, 48)}
    async with in_transaction() as conn:
        count = await execute(conn, (
            "UPDATE loan SET classified_on = :d, days_past_due = COALESCE((SELECT CASE WHEN "
            f"SUM({_UNPAID}) > loan.arrears_tolerance_minor THEN {days_between(conn, ':d', oldest)} + 1 ELSE 0 END "
            "FROM loan_instalment i WHERE i.loan_id = loan.id AND i.due_date <= :d), 0) WHERE status = 'ACTIVE'"
        ), params)
        await execute(conn, (
            "UPDATE loan SET npa_since = CASE WHEN days_past_due = 0 THEN NULL WHEN npa_since IS NOT NULL THEN npa_since "
            f"WHEN days_past_due > 90 THEN {minus_days(conn, ':d', 'days_past_due - 91')} ELSE NULL END "
            "WHERE status = 'ACTIVE'"
        ), params)
        own = (
            "CASE "
            "WHEN own_class = 'LOSS' AND days_past_due > 0 THEN 'LOSS' "
            "WHEN npa_since IS NOT NULL THEN CASE WHEN npa_since >= :c12 THEN 'SUBSTANDARD' WHEN npa_since >= :c24 "
            "THEN 'DOUBTFUL_1' WHEN npa_since >= :c48 THEN 'DOUBTFUL_2' ELSE 'DOUBTFUL_3' END "
            "WHEN days_past_due = 0 THEN 'STANDARD' WHEN days_past_due <= 30 THEN 'SMA_0' "
            "WHEN days_past_due <= 60 THEN 'SMA_1' ELSE 'SMA_2' END"
        )
        # a restructured loan inside its specified period keeps its (worse) class: no upgrade yet
        held = f"restructured_until IS NOT NULL AND :d <= restructured_until AND {_rank('own_class')} > {_rank(own)}"
        await execute(conn, f"UPDATE loan SET own_class = CASE WHEN {held} THEN own_class ELSE {own} END "
                            "WHERE status = 'ACTIVE'", params)
        rank = "CASE l2.own_class " + " ".join(f"WHEN '{k}' THEN {v}" for k, v in NPA_RANK.items()) + " ELSE 0 END"
        back = "CASE (SELECT MAX(" + rank + ") FROM loan l2 WHERE l2.member_id = loan.member_id AND l2.status = 'ACTIVE') " + \
            " ".join(f"WHEN {v} THEN '{k}'" for k, v in NPA_RANK.items()) + " ELSE loan.own_class END"
        await execute(conn, f"UPDATE loan SET asset_class = {back} WHERE status = 'ACTIVE'", params)
    return count


async def levy_penal_charges(on: date) -> int:
    """Add the day's penal charge to every overdue instalment of ACTIVE loans in arrears with a penal rate.

    Idempotent per date: ``loan.penal_through`` records the last date levied (same transaction).
    """
    loans = ("SELECT id FROM loan WHERE status = 'ACTIVE' AND penal_rate_bps > 0 AND days_past_due > 0 "
             "AND (penal_through IS NULL OR penal_through < :d)")
    increment = "((principal_minor + interest_minor - paid_principal_minor - paid_interest_minor) * " \
        "(SELECT l.penal_rate_bps FROM loan l WHERE l.id = loan_instalment.loan_id) * 100 / 365)"
    async with in_transaction() as conn:
        count = await execute(conn, (
            f"UPDATE loan_instalment SET penal_e6 = penal_e6 + {increment}, "
            f"penal_minor = (penal_e6 + {increment} + 500000) / 1000000 "
            "WHERE due_date < :d AND principal_minor + interest_minor > paid_principal_minor + paid_interest_minor "
            f"AND loan_id IN ({loans})"
        ), {"d": on})
        await execute(conn, f"UPDATE loan SET penal_through = :d WHERE id IN ({loans})", {"d": on})
    return count

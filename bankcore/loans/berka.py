"""The Berka loans as the data tells them (issue 11 item 8), after ``import-berka`` has booked their money.

* Principal = the data's ``amount``; rate 0 (the data gives none: ``payments x duration =
  amount`` exactly); the instalment is the loan's own UVER standing-order amount (else the
  data's ``payments``), the last instalment absorbing the difference to ``amount``.
* Instalments fall due on the first 12th after the grant date and monthly after.
* Loans granted on or before the import's last date were disbursed on their grant date
  through clearing (the importer's entry: the data's principal never reaches the
  account) and repaid by the data's UVER transactions, which are applied here to the
  instalments oldest first; a loan granted later stays SANCTIONED until day-end reaches
  its grant date. Each loan's UVER order collects its instalments on the 12th at
  day-end (``bankcore.loans.collection``). Days past due and class then follow from the
  data (``classify_loans``).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta

from tortoise.connection import get_connection

from bankcore.loans.classify import classify_loans
from bankcore.loans.dates import add_months
from bankcore.loans.sqlkit import rows as sql_rows
from bankcore.models import AccountHolder, DisburseTo, HolderRole, Loan, LoanInstalment, LoanStatus, StandingOrder

DUE_DAY = 12


def berka_schedule(amount_minor: int, instalment_minor: int, granted_on: date) -> list[tuple[int, date, int]]:
    """(number, due date, principal) rows: ``instalment_minor`` each, the last absorbing the rest, from the first 12th after ``granted_on``."""
    instalment = max(1, min(instalment_minor, amount_minor))
    count = -(-amount_minor // instalment)
    first = date(granted_on.year, granted_on.month, DUE_DAY)
    if first <= granted_on:
        first = add_months(first, 1, day=DUE_DAY)
    return [(k + 1, add_months(first, k, day=DUE_DAY), instalment if k + 1 < count else amount_minor - instalment * (count - 1))
            for k in range(count)]


async def adopt_berka_loans(*, cutoff: date, classify_on: date | None = None) -> int:
    """Give every imported Berka loan not yet adopted its borrower, schedule, paid rows and status; then classify.

    ``cutoff``: the import's last date (loans granted later stay SANCTIONED). Idempotent: a
    loan is adopted once (``repayment_day`` set). Returns the number adopted.
    """
    loans = await Loan.filter(source_ref__startswith="berka-loan:", repayment_day__isnull=True).select_related("account")
    if not loans:
        return 0
    repay_ids = sorted({loan.repayment_account_id for loan in loans})
    owners: dict[int, int] = {}
    orders: dict[int, list[int]] = defaultdict(list)
    for start in range(0, len(repay_ids), 10_000):  # (a statement takes at most 32,767 parameters)
        part = repay_ids[start:start + 10_000]
        owners.update({h.account_id: h.member_id
                       for h in await AccountHolder.filter(account_id__in=part, role=HolderRole.OWNER)})
        for order in await StandingOrder.filter(account_id__in=part, purpose="UVER"):
            orders[order.account_id].append(order.amount_minor)
    conn = get_connection("default")
    credits: dict[int, list[tuple[date, int]]] = defaultdict(list)
    ledger_ids = [loan.account.ledger_account_id for loan in loans]
    for start in range(0, len(ledger_ids), 500):
        chunk = ",".join(str(i) for i in ledger_ids[start:start + 500])
        for r in await sql_rows(conn, f"SELECT ledger_account_id, value_date, amount_minor FROM posting WHERE side = 'C' "
                                      f"AND ledger_account_id IN ({chunk}) ORDER BY value_date, id", {}):
            day = r["value_date"] if isinstance(r["value_date"], date) else date.fromisoformat(str(r["value_date"])[:10])
            credits[int(r["ledger_account_id"])].append((day, int(r["amount_minor"])))
    new_rows: list[LoanInstalment] = []
    for loan in loans:
        candidates = orders.get(loan.repayment_account_id) or [loan.instalment_minor]
        instalment = min(candidates, key=lambda a: abs(a - loan.instalment_minor))
        schedule = berka_schedule(loan.amount_minor, instalment, loan.granted_on)
        granted = loan.granted_on <= cutoff
        paid = _apply(schedule, credits.get(loan.account.ledger_account_id, []) if granted else [])
        for (number, due, principal), (paid_minor, paid_on) in zip(schedule, paid, strict=True):
            new_rows.append(LoanInstalment(loan_id=loan.id, number=number, due_date=due, principal_minor=principal,
                                           interest_minor=0, paid_principal_minor=paid_minor, paid_on=paid_on))
        repaid = granted and all(p == s[2] for s, (p, _) in zip(schedule, paid, strict=True))
        loan.member_id = owners.get(loan.repayment_account_id)
        loan.instalment_minor = instalment
        loan.duration_months = len(schedule)
        loan.repayment_day = DUE_DAY
        loan.annual_rate_bps = 0
        loan.disburse_to = DisburseTo.CLEARING
        loan.auto_debit = True
        loan.status = LoanStatus.CLOSED if repaid else LoanStatus.ACTIVE if granted else LoanStatus.SANCTIONED
        loan.disbursed_on = loan.granted_on if granted else None
        loan.sanctioned_on = loan.granted_on
        loan.closed_on = max((p for _, p in paid if p), default=None) if repaid else None
    # one statement per 500 loans rather than one per loan (100,000 loans: minutes of round trips)
    await Loan.bulk_update(loans, fields=["member_id", "instalment_minor", "duration_months", "repayment_day",
                                          "annual_rate_bps", "disburse_to", "auto_debit", "status", "disbursed_on",
                                          "sanctioned_on", "closed_on"], batch_size=500)
    await LoanInstalment.bulk_create(new_rows, batch_size=5000)
    await classify_loans(classify_on or cutoff - timedelta(days=1))
    return len(loans)


def _apply(schedule: list[tuple[int, date, int]], payments: list[tuple[date, int]]) -> list[tuple[int, date | None]]:
    """Payments (date, amount) applied to the rows oldest first: per row (paid, date fully paid)."""
    paid = [0] * len(schedule)
    on: list[date | None] = [None] * len(schedule)
    index = 0
    for day, amount in payments:
        while amount > 0 and index < len(schedule):
            take = min(amount, schedule[index][2] - paid[index])
            paid[index] += take
            amount -= take
            if paid[index] == schedule[index][2]:
                on[index] = day
                index += 1
    return list(zip(paid, on, strict=True))

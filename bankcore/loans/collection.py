"""Day-end collection of instalments falling due: the loan's repayment standing instruction.

On each instalment's due date, day-end pays to the loan what fell due that day (the
instalment and anything unpaid on it), as far as the repayment account's available
balance allows, allocated in the RBI order (older arrears first). It never sweeps
arrears on other days and never takes an account below its floor: like a standing
order, it pays what is due on its day or what the account can (Berka's UVER orders work
the same way). Candidates are found with one set-based query; each payment is a
posting of its own (a floor must be checked under the account's lock).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date

from tortoise.connection import get_connection

from bankcore.errors import DomainError
from bankcore.loans.sqlkit import rows
from bankcore.money import Money

log = logging.getLogger(__name__)


async def collect_due_instalments(on: date, *, initiator: str, key: Callable[[object], str]) -> int:
    """Collect, for every ACTIVE auto-debit loan with an instalment due on ``on``, what is due (see the module docstring).

    ``key(loan_id)`` gives each payment's idempotency key, so a re-run collects nothing twice.
    Returns the number of payments made. A refusal (frozen account ...) is logged and skipped.
    """
    from bankcore.loans.repayment import repay_loan

    conn = get_connection("default")
    candidates = await rows(conn, (
        "SELECT l.id, a.number AS loan_number, ra.number AS repay_number, l.currency, due.total, "
        "la.balance_minor - la.held_minor - COALESCE(la.floor_minor, 0) AS available "
        "FROM loan l JOIN account a ON a.id = l.account_id JOIN account ra ON ra.id = l.repayment_account_id "
        "JOIN ledger_account la ON la.id = ra.ledger_account_id "
        "JOIN (SELECT loan_id, SUM(principal_minor + interest_minor + penal_minor - paid_principal_minor "
        "- paid_interest_minor - paid_penal_minor) AS total FROM loan_instalment "
        "WHERE due_date = :d AND paid_on IS NULL GROUP BY loan_id) due ON due.loan_id = l.id "
        "WHERE l.status = 'ACTIVE' AND l.auto_debit AND ra.status = 'active' ORDER BY l.id"
    ), {"d": on})
    paid = 0
    for row in candidates:
        amount = min(int(row["total"]), int(row["available"]))
        if amount <= 0:
            continue
        try:
            await repay_loan(
                loan_number=row["loan_number"], amount=Money(amount, row["currency"]), initiator=initiator,
                idempotency_key=key(row["id"]), from_account_number=row["repay_number"], value_date=on,
                narration=f"Instalment of loan {row['loan_number']} collected by standing instruction",
                allow_prepayment=False,
            )
            paid += 1
        except DomainError as exc:
            log.warning("instalment of loan %s not collected: %s", row["loan_number"], exc.message)
    return paid

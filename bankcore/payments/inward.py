"""Booking money that came in through the gateway: the one place a captured payment is credited.

A TOP_UP credits the savings account named. A LOAN_REPAYMENT (an EMI paid from another
bank) is a repayment of the loan (``bankcore.loans.repayment.repay_loan``: Dr gateway
settlement, Cr the loan, allocated charges -> interest -> principal), under the same
idempotency key and with the same ``effects``. If the loan cannot take it (closed since,
or more than it owes), the money is not lost: it tops up the loan's repayment account,
from which the EMI is collected.
"""

from __future__ import annotations

from bankcore.chart import GATEWAY_SETTLEMENT
from bankcore.ledger.entry import EntryDraft, credit, debit, request_fingerprint
from bankcore.ledger.posting import Effects, PostedEntry, post_entry
from bankcore.models import EntryType, PaymentOrder, PaymentPurpose
from bankcore.services._lookup import gl_account_id


def credit_key(payment_id: str) -> str:
    """The idempotency key of a payment's credit: one credit per gateway payment id, ever."""
    return f"gw:pay:{payment_id}"[:100]


async def book_inward_credit(*, order: PaymentOrder, payment_id: str, credit_ledger_account_id: int,
                             effects: Effects | None = None) -> PostedEntry:
    """Credit ``order``'s amount for captured payment ``payment_id``: Dr gateway settlement, Cr the account.

    Idempotent by payment id (a second call returns the first entry with ``replayed``
    and does not run ``effects``). Raises the ``DomainError`` codes of ``post_entry``
    (e.g. ``ACCOUNT_NOT_ACTIVE`` for a closed account).
    """
    gateway_gl = await gl_account_id(GATEWAY_SETTLEMENT, order.currency)
    purpose = PaymentPurpose(order.purpose)
    if purpose is PaymentPurpose.LOAN_REPAYMENT:
        repaid = await _repay_loan(order, payment_id, gateway_gl, effects)
        if repaid is not None:
            return repaid
        narration = f"EMI paid from another bank, order {order.gateway_order_id}, payment {payment_id}"
    else:
        narration = f"Added from another bank, order {order.gateway_order_id}, payment {payment_id}"
    draft = EntryDraft(
        entry_type=EntryType.INWARD_TRANSFER,
        value_date=None,
        narration=narration[:255],
        initiator=f"gateway:{order.gateway}",
        postings=(debit(gateway_gl, order.amount_minor, order.currency),
                  credit(credit_ledger_account_id, order.amount_minor, order.currency)),
        idempotency_key=credit_key(payment_id),
        request_fingerprint=request_fingerprint({"op": "gateway_credit", "payment": payment_id, "order": order.id,
                                                 "amount": order.amount_minor, "currency": order.currency}),
    )
    return await post_entry(draft, effects=effects)


async def _repay_loan(order: PaymentOrder, payment_id: str, gateway_gl: int, effects: Effects | None) -> PostedEntry | None:
    """Book the payment as a repayment of the order's loan; None when the loan cannot take it (see module doc)."""
    from bankcore.errors import DomainError
    from bankcore.loans.repayment import repay_loan
    from bankcore.models import Account, Loan, LoanStatus
    from bankcore.money import Money

    loan = await Loan.get_or_none(account_id=order.account_id)
    if loan is None or loan.status != LoanStatus.ACTIVE:
        return None
    try:
        result = await repay_loan(
            loan_number=(await Account.get(id=order.account_id)).number, amount=Money(order.amount_minor, order.currency),
            initiator=f"gateway:{order.gateway}", idempotency_key=credit_key(payment_id), debit_ledger_account_id=gateway_gl,
            narration=f"EMI paid from another bank, order {order.gateway_order_id}, payment {payment_id}", effects=effects,
        )
    except DomainError:
        return None
    return result.entry

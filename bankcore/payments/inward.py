"""Booking money that came in through the gateway: the one place a captured payment is credited.

Today both purposes book a credit to the order's ``credit_account``: a top-up of the
savings account named, or, for an EMI paid from another bank, a top-up of the loan's
repayment account (from which the EMI is collected). MERGE POINT for the loans domain:
when ``bankcore.loans`` offers ``repay_loan``, the LOAN_REPAYMENT branch below should
call it (Dr gateway settlement, Cr the loan, allocated by the loans' repayment order) with
the same idempotency key and ``effects``, instead of booking the top-up.
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

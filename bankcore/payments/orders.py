"""Money in: a member's payment order at the gateway, credited once when the payment is captured.

``create_payment_order`` writes the order and asks the gateway for its order id (the
checkout needs it). The money is booked only from the gateway's word that the payment
was captured (the signed webhook, ``webhooks.py``, or a status check), never from the
browser's return to the bank, which anyone can forge.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from tortoise.exceptions import IntegrityError

from bankcore.calendar.business_date import business_date
from bankcore.errors import DomainError, ErrorCode
from bankcore.ledger.entry import request_fingerprint
from bankcore.models import Account, Loan, PaymentOrder, PaymentOrderStatus, PaymentPurpose, ProductKind
from bankcore.money import Money
from bankcore.payments.gateway import payment_gateway
from bankcore.payments.settings import ORDER_MAX, ORDER_MIN
from bankcore.services._lookup import get_account
from bankcore.services.money_movement import _check_key

_DEPOSIT_KINDS = {ProductKind.SAVINGS.value, ProductKind.CURRENT.value}


@dataclass(frozen=True, slots=True)
class OrderCreated:
    order: PaymentOrder
    replayed: bool


async def _credit_account_for(account_id: int, purpose: PaymentPurpose) -> int:
    """The account the money is booked to; refuses a purpose that does not fit the account."""
    account = await Account.get(id=account_id).select_related("product")
    kind = account.product.kind
    if purpose is PaymentPurpose.TOP_UP:
        if kind not in _DEPOSIT_KINDS:
            raise DomainError(ErrorCode.WRONG_PURPOSE, "money can be added only to a savings or current account",
                              field="account_number")
        return account.id
    if kind != ProductKind.LOAN.value:
        raise DomainError(ErrorCode.WRONG_PURPOSE, "an EMI is paid to a loan account", field="account_number")
    loan = await Loan.get_or_none(account_id=account.id)
    if loan is None:
        raise DomainError(ErrorCode.NOT_FOUND, "no loan on this account", field="account_number")
    return loan.repayment_account_id


async def create_payment_order(
    *, account_number: str, amount: Money, purpose: PaymentPurpose, idempotency_key: str, initiator: str
) -> OrderCreated:
    """Open a payment order of ``amount`` (major units parsed into minor, in the account's
    currency) for ``account_number`` and register it at the gateway.

    ``TOP_UP``: a savings or current account. ``LOAN_REPAYMENT``: a loan account (the
    EMI is booked to the loan's repayment account today, see ``inward.py``). The same
    ``idempotency_key`` with the same request returns the same order (``replayed``).
    Raises ``DomainError``: ``INVALID_INPUT`` (key), ``NOT_FOUND``, ``INVALID_ACCOUNT_NUMBER``,
    ``WRONG_PURPOSE``, ``ACCOUNT_NOT_ACTIVE``, ``INVALID_AMOUNT`` (outside the
    ``payments.order_min_minor``..``order_max_minor`` settings), ``CURRENCY_MISMATCH``,
    ``IDEMPOTENCY_CONFLICT``, ``GATEWAY_UNAVAILABLE`` / ``GATEWAY_REFUSED`` (retry with the same key).
    """
    _check_key(idempotency_key)
    if idempotency_key is None:
        raise DomainError(ErrorCode.INVALID_INPUT, "an idempotency key is required", field="idempotency_key")
    account = await get_account(account_number)
    if amount.currency != account.currency:
        raise DomainError(ErrorCode.CURRENCY_MISMATCH, f"account is in {account.currency}", field="amount")
    low, high = await ORDER_MIN.get(), await ORDER_MAX.get()
    if not low <= amount.amount_minor <= high:
        raise DomainError(ErrorCode.INVALID_AMOUNT, f"amount must be between {Money(low, amount.currency).to_plain()} "
                          f"and {Money(high, amount.currency).to_plain()}", field="amount")
    fingerprint = request_fingerprint({"op": "payment_order", "account": account.number, "purpose": purpose.value,
                                       "amount": amount.amount_minor, "currency": amount.currency})
    existing = await PaymentOrder.get_or_none(idempotency_key=idempotency_key)
    if existing is None:
        credit_account_id = await _credit_account_for(account.id, purpose)
        target = await Account.get(id=credit_account_id)
        if account.status != "active" or target.status != "active":
            raise DomainError(ErrorCode.ACCOUNT_NOT_ACTIVE, "the account is not active", field="account_number")
        try:
            existing = await PaymentOrder.create(
                account_id=account.id, credit_account_id=credit_account_id, purpose=purpose,
                amount_minor=amount.amount_minor, currency=amount.currency, gateway=payment_gateway().config.kind,
                idempotency_key=idempotency_key, request_fingerprint=fingerprint, initiator=initiator[:100],
                created_on=await business_date(), created_at=datetime.now(UTC),
            )
            replayed = False
        except IntegrityError:  # the same key, concurrently
            existing = await PaymentOrder.get(idempotency_key=idempotency_key)
            replayed = True
    else:
        replayed = True
    if existing.request_fingerprint != fingerprint:
        raise DomainError(ErrorCode.IDEMPOTENCY_CONFLICT, "this idempotency key was already used for a different request",
                          field="idempotency_key")
    if existing.gateway_order_id is None:  # first attempt, or a retry after the gateway did not answer
        gateway_order = await payment_gateway().create_order(
            amount_minor=existing.amount_minor, currency=existing.currency, receipt=f"coopbank-{existing.id}",
            notes={"account": account.number, "purpose": purpose.value},
        )
        await PaymentOrder.filter(id=existing.id, gateway_order_id__isnull=True).update(gateway_order_id=gateway_order.id)
        await existing.refresh_from_db()
    return OrderCreated(existing, replayed)


async def mark_order_attempt(*, gateway_order_id: str, failed: bool, reason: str | None = None) -> bool:
    """An attempt on the order was authorized (``failed=False``) or failed: note it unless already paid.

    Returns whether anything changed (a paid order never goes back).
    """
    status = PaymentOrderStatus.FAILED if failed else PaymentOrderStatus.ATTEMPTED
    changed = await PaymentOrder.filter(gateway_order_id=gateway_order_id).exclude(status=PaymentOrderStatus.PAID).update(
        status=status, failure_reason=(reason or None) and reason[:255])
    return bool(changed)
